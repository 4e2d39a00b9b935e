import { Get, Param } from '@nestjs/common';
import { V2Controller } from '../../core/http/v2/v2-controller.decorator';
import { V2Endpoint } from '../../core/http/v2/v2-endpoint.decorator';
import { CurrentLocation } from '../../core/http/request-context';
import { located, type Located, type RequestLocation } from '../../core/http/v2/request-location';
import {
  IntegrationInfoDto,
  IntegrationNotFoundErrorDto,
  IntegrationParamsDto,
} from './dto/integration.dto';
import { IntegrationService } from './integration.service';

@V2Controller('integration')
export class IntegrationController {
  constructor(private readonly integrations: IntegrationService) {}

  @Get()
  @V2Endpoint({
    operationId: 'v2.integration.list',
    tag: 'integrations',
    summary: 'List integrations',
    description: 'Retrieve available integrations and their authentication methods.',
    response: { located: [IntegrationInfoDto] },
  })
  list(@CurrentLocation() location: RequestLocation): Promise<Located<IntegrationInfoDto[]>> {
    return located(location, this.integrations.list(location.instance));
  }

  @Get(':integrationID')
  @V2Endpoint({
    operationId: 'v2.integration.get',
    tag: 'integrations',
    summary: 'Get integration',
    description: 'Retrieve one integration and its authentication methods.',
    response: { located: IntegrationInfoDto },
    errors: [[404, IntegrationNotFoundErrorDto]],
  })
  get(
    @CurrentLocation() location: RequestLocation,
    @Param() params: IntegrationParamsDto,
  ): Promise<Located<IntegrationInfoDto>> {
    return located(location, this.integrations.get(location.instance, params.integrationID));
  }
}
