import { Get } from '@nestjs/common';
import { V2Controller } from '../../core/http/v2/v2-controller.decorator';
import { V2Endpoint } from '../../core/http/v2/v2-endpoint.decorator';
import { CurrentLocation } from '../../core/http/request-context';
import { located, type Located, type RequestLocation } from '../../core/http/v2/request-location';
import { ReferenceInfoDto } from './dto/reference.dto';
import { ReferenceService } from './reference.service';

@V2Controller('reference')
export class ReferenceController {
  constructor(private readonly references: ReferenceService) {}

  @Get()
  @V2Endpoint({
    operationId: 'v2.reference.list',
    tag: 'reference',
    summary: 'List references',
    description: 'List references available in the requested location.',
    response: { located: [ReferenceInfoDto] },
  })
  list(@CurrentLocation() location: RequestLocation): Promise<Located<ReferenceInfoDto[]>> {
    return located(location, this.references.list(location.instance));
  }
}
