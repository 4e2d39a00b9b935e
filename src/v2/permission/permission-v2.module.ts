import { Module } from '@nestjs/common';
import { AgentModule } from '../../agent/agent.module';
import { PermissionModule } from '../../permission/permission.module';
import { ProjectModule } from '../../project/project.module';
import { SessionV2Module } from '../session/session-v2.module';
import { PermissionV2Controller, SessionPermissionV2Controller } from './permission-v2.controller';
import { PermissionV2Service } from './permission-v2.service';

/**
 * Permissions through `/api`: the pending requests of the classic `PermissionService` in the v2
 * shape (listed, read, answered, created), and the saved "always" answers.
 */
@Module({
  imports: [PermissionModule, AgentModule, ProjectModule, SessionV2Module],
  controllers: [PermissionV2Controller, SessionPermissionV2Controller],
  providers: [PermissionV2Service],
})
export class PermissionV2Module {}
