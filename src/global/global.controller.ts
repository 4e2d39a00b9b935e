import { Body, Controller, Get, Patch, Post } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import type { ConfigInput } from '../config/config.schema';
import { ConfigService } from '../config/config.service';
import { ConfigDto } from '../config/dto/config.dto';
import { AppEnvironment } from '../core/config/app-environment';
import { Endpoint } from '../core/http/endpoint.decorator';
import { HealthDto } from './dto/health.dto';
import { GlobalService } from './global.service';

@Controller('global')
export class GlobalController {
  constructor(
    private readonly env: AppEnvironment,
    private readonly config: ConfigService,
    private readonly global: GlobalService,
  ) {}

  @Get('health')
  @Endpoint({
    operationId: 'global.health',
    tag: 'global',
    summary: 'Get health',
    description: 'Get health information about the OpenCode server.',
    response: HealthDto,
    serverScoped: true,
  })
  health(): HealthDto {
    return { healthy: true, version: this.env.version };
  }

  @Get('config')
  @Endpoint({
    operationId: 'global.config.get',
    tag: 'global',
    summary: 'Get global configuration',
    description: 'Retrieve the global OpenCode configuration: the global config files alone.',
    response: ConfigDto,
    responseDescription: 'Get global config info',
    serverScoped: true,
  })
  getConfig(): Promise<ConfigInput> {
    return this.config.getGlobal();
  }

  /** The body is validated by the service against the config schema (see `ConfigDto`). */
  @Patch('config')
  @Endpoint({
    operationId: 'global.config.update',
    tag: 'global',
    summary: 'Update global configuration',
    description: 'Update the global config file, keeping its comments and the keys not given.',
    response: ConfigDto,
    responseDescription: 'Successfully updated global config',
    serverScoped: true,
  })
  @ApiBody({ type: ConfigDto })
  updateConfig(@Body() patch: Record<string, unknown>): Promise<ConfigInput> {
    return this.config.updateGlobal(patch);
  }

  @Post('dispose')
  @Endpoint({
    operationId: 'global.dispose',
    tag: 'global',
    summary: 'Dispose instance',
    description: 'Clean up and dispose all OpenCode instances, releasing all resources.',
    response: 'boolean',
    responseDescription: 'Global disposed',
    serverScoped: true,
  })
  dispose(): Promise<boolean> {
    return this.global.dispose();
  }
}
