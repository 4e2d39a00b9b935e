import { Body, Controller, Delete, Param, Put } from '@nestjs/common';
import { ApiBody, ApiExtraModels, getSchemaPath } from '@nestjs/swagger';
import { Endpoint } from '../core/http/endpoint.decorator';
import { AuthBodyPipe } from './auth-body.pipe';
import { AuthService } from './auth.service';
import {
  ApiAuthDto,
  type AuthDto,
  OAuthDto,
  ProviderIdParamsDto,
  WellKnownAuthDto,
} from './dto/auth.dto';

/** Credentials are server-wide (one `auth.json`), so these routes take no project directory. */
@Controller('auth')
@ApiExtraModels(OAuthDto, ApiAuthDto, WellKnownAuthDto)
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Put(':providerID')
  @Endpoint({
    operationId: 'auth.set',
    tag: 'control',
    summary: 'Set auth credentials',
    description: 'Set authentication credentials',
    response: 'boolean',
    responseDescription: 'Successfully set authentication credentials',
    serverScoped: true,
  })
  @ApiBody({
    schema: {
      anyOf: [OAuthDto, ApiAuthDto, WellKnownAuthDto].map((dto) => ({ $ref: getSchemaPath(dto) })),
    },
  })
  set(@Param() params: ProviderIdParamsDto, @Body(AuthBodyPipe) body: AuthDto): Promise<boolean> {
    return this.auth.set(params.providerID, body);
  }

  @Delete(':providerID')
  @Endpoint({
    operationId: 'auth.remove',
    tag: 'control',
    summary: 'Remove auth credentials',
    description: 'Remove authentication credentials',
    response: 'boolean',
    responseDescription: 'Successfully removed authentication credentials',
    serverScoped: true,
  })
  remove(@Param() params: ProviderIdParamsDto): Promise<boolean> {
    return this.auth.remove(params.providerID);
  }
}
