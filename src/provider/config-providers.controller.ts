import { Controller, Get } from '@nestjs/common';
import { ApiExtraModels } from '@nestjs/swagger';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { CONFIG_PROVIDERS_SCHEMA, ModelDto, ProviderDto } from './dto/provider.dto';
import { ConfiguredProviders, ProviderService } from './provider.service';

/** `GET /config/providers` lives with the providers (the config module cannot see them). */
@Controller('config')
@ApiExtraModels(ProviderDto, ModelDto)
export class ConfigProvidersController {
  constructor(private readonly providers: ProviderService) {}

  @Get('providers')
  @Endpoint({
    operationId: 'config.providers',
    tag: 'config',
    summary: 'List config providers',
    description: 'Get a list of all configured AI providers and their default models.',
    response: CONFIG_PROVIDERS_SCHEMA,
    responseDescription: 'List of providers',
  })
  list(@CurrentInstance() instance: Instance): Promise<ConfiguredProviders> {
    return this.providers.configured(instance);
  }
}
