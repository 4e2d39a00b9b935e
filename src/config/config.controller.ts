import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import type { Config } from './config.schema';
import { ConfigService } from './config.service';
import { ConfigDto } from './dto/config.dto';

@Controller('config')
export class ConfigController {
  constructor(private readonly config: ConfigService) {}

  @Get()
  @Endpoint({
    operationId: 'config.get',
    tag: 'config',
    summary: 'Get configuration',
    description: 'Retrieve the current OpenCode configuration settings and preferences.',
    response: ConfigDto,
    responseDescription: 'Get config info',
  })
  get(@CurrentInstance() instance: Instance): Promise<Config> {
    return this.config.get(instance);
  }

  /** The body is validated by the service against the config schema (see `ConfigDto`). */
  @Patch()
  @Endpoint({
    operationId: 'config.update',
    tag: 'config',
    summary: 'Update configuration',
    description: 'Update OpenCode configuration settings and preferences.',
    response: ConfigDto,
    responseDescription: 'Successfully updated config',
  })
  @ApiBody({ type: ConfigDto })
  update(
    @CurrentInstance() instance: Instance,
    @Body() patch: Record<string, unknown>,
  ): Promise<Config> {
    return this.config.update(instance, patch);
  }
}
