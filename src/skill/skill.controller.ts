import { Controller, Get } from '@nestjs/common';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { SkillDto } from './dto/skill.dto';
import { SkillService } from './skill.service';

@Controller('skill')
export class SkillController {
  constructor(private readonly skills: SkillService) {}

  @Get()
  @Endpoint({
    operationId: 'app.skills',
    tag: 'instance',
    summary: 'List skills',
    description: 'Get a list of all available skills in the OpenCode system.',
    response: [SkillDto],
    responseDescription: 'List of skills',
  })
  list(@CurrentInstance() instance: Instance): Promise<SkillDto[]> {
    return this.skills.list(instance);
  }
}
