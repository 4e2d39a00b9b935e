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
import { ApiEventModule } from './event/api-event.module';
import { CredentialController } from './integration/credential.controller';
import { CredentialRepository } from './integration/credential.repository';
import { IntegrationAttempts, IntegrationClock } from './integration/integration-attempts';
import { IntegrationController } from './integration/integration.controller';
import { IntegrationService } from './integration/integration.service';
import { LocationController } from './location/location.controller';
import { PermissionV2Module } from './permission/permission-v2.module';
import { QuestionV2Module } from './question/question-v2.module';
import { ReferenceController } from './reference/reference.controller';
import { ReferenceService } from './reference/reference.service';
import { SessionV2Module } from './session/session-v2.module';

/**
 * The `/api/*` (v2) routes of the areas that have no module of their own here (health,
 * location, agents, the catalog, references, integrations, the file system). Every v2 route,
 * these and those in other modules (skills, commands), is built from the same pieces in
 * `core/http/v2/`: `@V2Controller` / `@V2Endpoint` (prefix, error shape, location parameter),
 * `@CurrentLocation()` and `located()` for the `{ location, data }` envelope.
 */
@Module({
  imports: [
    AgentModule,
    ConfigModule,
    FileModule,
    ProviderModule,
    SessionV2Module,
    PermissionV2Module,
    QuestionV2Module,
    ApiEventModule,
  ],
  controllers: [
    HealthController,
    LocationController,
    AgentV2Controller,
    ModelV2Controller,
    ProviderV2Controller,
    ReferenceController,
    IntegrationController,
    CredentialController,
    FileSystemController,
  ],
  providers: [
    AgentV2Service,
    CatalogV2Service,
    IntegrationService,
    CredentialRepository,
    IntegrationAttempts,
    IntegrationClock,
    ReferenceService,
    FileSystemService,
  ],
})
export class V2Module {}
