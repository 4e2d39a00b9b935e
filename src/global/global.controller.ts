import { Controller, Get } from '@nestjs/common';
import { AppEnvironment } from '../core/config/app-environment';
import { Endpoint } from '../core/http/endpoint.decorator';
import { ServerScoped } from '../core/http/instance-context';
import { HealthDto } from './dto/health.dto';

@Controller('global')
@ServerScoped()
export class GlobalController {
  constructor(private readonly env: AppEnvironment) {}

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
}
