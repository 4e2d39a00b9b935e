import { Module } from '@nestjs/common';
import { AgentModule } from '../agent/agent.module';
import { ConfigModule } from '../config/config.module';
import { FileModule } from '../file/file.module';
import { ProviderModule } from '../provider/provider.module';
import { AgentV2Service } from './agent/agent-v2.service';
import { AgentV2Controller } from './agent/agent.controller';
import { CatalogV2Service } from './catalog/catalog-v2.service';
import { ModelV2Controller } from './catalog/model.controller';
import { ProviderV2Controller } from './catalog/provider.controller';
import { FileSystemController } from './fs/fs.controller';
import { FileSystemService } from './fs/fs.service';
import { HealthController } from './health/health.controller';
import { IntegrationController } from './integration/integration.controller';
import { IntegrationService } from './integration/integration.service';
import { LocationController } from './location/location.controller';
import { LocationInterceptor } from './location/location.interceptor';
import { ReferenceController } from './reference/reference.controller';
import { ReferenceService } from './reference/reference.service';

/**
 * The `/api/*` (v2) routes, one controller per area. Shared pieces for every v2 area (also those
 * in other modules): `@V2Controller` / `@V2Endpoint` (prefix, error shape, location parameter),
 * `LocationInterceptor` + `@CurrentLocation()` and `located()` for the `{ location, data }`
 * envelope; errors are the core `TaggedError`s.
 */
@Module({
  imports: [AgentModule, ConfigModule, FileModule, ProviderModule],
  controllers: [
    HealthController,
    LocationController,
    AgentV2Controller,
    ModelV2Controller,
    ProviderV2Controller,
    ReferenceController,
    IntegrationController,
    FileSystemController,
  ],
  providers: [
    LocationInterceptor,
    AgentV2Service,
    CatalogV2Service,
    IntegrationService,
    ReferenceService,
    FileSystemService,
  ],
  exports: [LocationInterceptor],
})
export class V2Module {}
