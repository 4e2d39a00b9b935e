import { Body, Delete, Get, Param, Post } from '@nestjs/common';
import { V2Controller } from '../../core/http/v2/v2-controller.decorator';
import { V2Endpoint } from '../../core/http/v2/v2-endpoint.decorator';
import { CurrentLocation } from '../../core/http/request-context';
import { located, type Located, type RequestLocation } from '../../core/http/v2/request-location';
import {
  IntegrationAttemptCompleteDto,
  IntegrationAttemptDto,
  IntegrationAttemptNotFoundErrorDto,
  IntegrationAttemptParamsDto,
  IntegrationAttemptStatusDto,
  IntegrationConnectKeyDto,
  IntegrationConnectOAuthDto,
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

  @Post(':integrationID/connect/key')
  @V2Endpoint({
    operationId: 'v2.integration.connect.key',
    tag: 'integrations',
    summary: 'Connect with key',
    description:
      'Store an API key as the integration’s credential (in place of any it had); the provider is then connected.',
    response: 'none',
    errors: [[404, IntegrationNotFoundErrorDto]],
  })
  connectKey(
    @CurrentLocation() location: RequestLocation,
    @Param() params: IntegrationParamsDto,
    @Body() body: IntegrationConnectKeyDto,
  ): Promise<void> {
    return this.integrations.connectKey(location.instance, params.integrationID, body);
  }

  @Post(':integrationID/connect/oauth')
  @V2Endpoint({
    operationId: 'v2.integration.connect.oauth',
    tag: 'integrations',
    summary: 'Begin OAuth connection',
    description: 'Start an OAuth attempt and return the authorization details.',
    response: { located: IntegrationAttemptDto },
    errors: [[404, IntegrationNotFoundErrorDto]],
  })
  connectOAuth(
    @CurrentLocation() location: RequestLocation,
    @Param() params: IntegrationParamsDto,
    @Body() body: IntegrationConnectOAuthDto,
  ): Promise<Located<IntegrationAttemptDto>> {
    return located(
      location,
      this.integrations.connectOAuth(location.instance, params.integrationID, body),
    );
  }

  @Get('attempt/:attemptID')
  @V2Endpoint({
    operationId: 'v2.integration.attempt.status',
    tag: 'integrations',
    summary: 'Get OAuth attempt status',
    description: 'Poll the current status of an OAuth attempt.',
    response: { located: IntegrationAttemptStatusDto },
    errors: [[404, IntegrationAttemptNotFoundErrorDto]],
  })
  status(
    @CurrentLocation() location: RequestLocation,
    @Param() params: IntegrationAttemptParamsDto,
  ): Promise<Located<IntegrationAttemptStatusDto>> {
    return located(location, Promise.resolve(this.integrations.status(params.attemptID)));
  }

  @Post('attempt/:attemptID/complete')
  @V2Endpoint({
    operationId: 'v2.integration.attempt.complete',
    tag: 'integrations',
    summary: 'Complete OAuth connection',
    description: 'Complete a code-based OAuth attempt and store the resulting credential.',
    response: 'none',
    errors: [[404, IntegrationAttemptNotFoundErrorDto]],
  })
  complete(
    @Param() params: IntegrationAttemptParamsDto,
    @Body() body: IntegrationAttemptCompleteDto,
  ): Promise<void> {
    return this.integrations.complete(params.attemptID, body.code);
  }

  @Delete('attempt/:attemptID')
  @V2Endpoint({
    operationId: 'v2.integration.attempt.cancel',
    tag: 'integrations',
    summary: 'Cancel OAuth connection',
    description: 'Cancel an OAuth attempt and release its resources.',
    response: 'none',
  })
  cancel(@Param() params: IntegrationAttemptParamsDto): void {
    this.integrations.cancel(params.attemptID);
  }
}
