import { Body, Delete, Param, Patch } from '@nestjs/common';
import { CurrentLocation } from '../../core/http/request-context';
import type { RequestLocation } from '../../core/http/v2/request-location';
import { V2Controller } from '../../core/http/v2/v2-controller.decorator';
import { V2Endpoint } from '../../core/http/v2/v2-endpoint.decorator';
import { CredentialParamsDto, CredentialUpdateDto } from './dto/integration.dto';
import { IntegrationService } from './integration.service';

/** `/api/credential/{id}`: the stored credentials of the integrations, by id. */
@V2Controller('credential')
export class CredentialController {
  constructor(private readonly integrations: IntegrationService) {}

  @Patch(':credentialID')
  @V2Endpoint({
    operationId: 'v2.credential.update',
    tag: 'opencode HttpApi',
    summary: 'Update credential',
    description: 'Update a stored credential label.',
    response: 'none',
  })
  update(
    @CurrentLocation() location: RequestLocation,
    @Param() params: CredentialParamsDto,
    @Body() body: CredentialUpdateDto,
  ): void {
    this.integrations.updateCredential(location.instance, params.credentialID, body.label);
  }

  @Delete(':credentialID')
  @V2Endpoint({
    operationId: 'v2.credential.remove',
    tag: 'opencode HttpApi',
    summary: 'Remove credential',
    description: 'Remove a stored integration credential.',
    response: 'none',
  })
  remove(@CurrentLocation() location: RequestLocation, @Param() params: CredentialParamsDto): void {
    this.integrations.removeCredential(location.instance, params.credentialID);
  }
}
