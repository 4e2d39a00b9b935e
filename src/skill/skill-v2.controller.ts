import { Get } from '@nestjs/common';
import { V2Controller } from '../core/http/v2/v2-controller.decorator';
import { V2Endpoint } from '../core/http/v2/v2-endpoint.decorator';
import { CurrentLocation } from '../core/http/request-context';
import { located, type Located, type RequestLocation } from '../core/http/v2/request-location';
import { SkillV2InfoDto } from './dto/skill-v2.dto';
import { SkillService } from './skill.service';

@V2Controller('skill')
export class SkillV2Controller {
  constructor(private readonly skills: SkillService) {}

  @Get()
  @V2Endpoint({
    operationId: 'v2.skill.list',
    tag: 'skills',
    summary: 'List skills',
    description: 'Retrieve currently registered skills.',
    response: { located: [SkillV2InfoDto] },
  })
  list(@CurrentLocation() location: RequestLocation): Promise<Located<SkillV2InfoDto[]>> {
    return located(location, this.skills.listV2(location.instance));
  }
}
