import { Body, Controller, Get, Header, Param, Post } from '@nestjs/common';
import { ApiExtraModels } from '@nestjs/swagger';
import { ProviderIdParamsDto } from '../auth/dto/auth.dto';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import {
  OAuthAuthorizeBodyDto,
  OAuthCallbackBodyDto,
  PROVIDER_AUTH_METHODS_SCHEMA,
  ProviderAuthAuthorizationDto,
  ProviderAuthMethodDto,
} from './dto/provider-auth.dto';
import { ModelDto, PROVIDER_LIST_SCHEMA, ProviderDto } from './dto/provider.dto';
import {
  AuthMethodInfo,
  AuthorizationInfo,
  ProviderAuthService,
} from './oauth/provider-auth.service';
import { ProviderService } from './provider.service';

@Controller('provider')
@ApiExtraModels(ProviderDto, ModelDto, ProviderAuthMethodDto)
export class ProviderController {
  constructor(
    private readonly providers: ProviderService,
    private readonly providerAuth: ProviderAuthService,
  ) {}

  @Get()
  @Endpoint({
    operationId: 'provider.list',
    tag: 'provider',
    summary: 'List providers',
    description:
      'Get a list of all available AI providers, including both available and connected ones.',
    response: PROVIDER_LIST_SCHEMA,
    responseDescription: 'List of providers',
  })
  @Header('content-type', 'application/json; charset=utf-8')
  list(@CurrentInstance() instance: Instance): Promise<string> {
    return this.providers.listingJson(instance);
  }

  @Get('auth')
  @Endpoint({
    operationId: 'provider.auth',
    tag: 'provider',
    summary: 'Get provider auth methods',
    description: 'Retrieve available authentication methods for all AI providers.',
    response: PROVIDER_AUTH_METHODS_SCHEMA,
    responseDescription: 'Provider auth methods',
  })
  auth(@CurrentInstance() instance: Instance): Promise<Record<string, AuthMethodInfo[]>> {
    return this.providerAuth.methods(instance);
  }

  @Post(':providerID/oauth/authorize')
  @Endpoint({
    operationId: 'provider.oauth.authorize',
    tag: 'provider',
    summary: 'Start OAuth authorization',
    description: 'Start the OAuth authorization flow for a provider.',
    response: ProviderAuthAuthorizationDto,
    responseDescription: 'Authorization URL and method',
    notFound: true,
  })
  authorize(
    @CurrentInstance() instance: Instance,
    @Param() params: ProviderIdParamsDto,
    @Body() body: OAuthAuthorizeBodyDto,
  ): Promise<AuthorizationInfo> {
    return this.providerAuth.authorize(instance, params.providerID, body.method, body.inputs);
  }

  @Post(':providerID/oauth/callback')
  @Endpoint({
    operationId: 'provider.oauth.callback',
    tag: 'provider',
    summary: 'Handle OAuth callback',
    description: 'Handle the OAuth callback from a provider after user authorization.',
    response: 'boolean',
    responseDescription: 'OAuth callback processed successfully',
    notFound: true,
  })
  callback(
    @Param() params: ProviderIdParamsDto,
    @Body() body: OAuthCallbackBodyDto,
  ): Promise<boolean> {
    return this.providerAuth.callback(params.providerID, body.code);
  }
}
