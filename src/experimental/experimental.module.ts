import { Module } from '@nestjs/common';
import { SessionModule } from '../session/session.module';
import { ConsoleController } from './console.controller';
import { ConsoleService } from './console.service';
import { ExperimentalController } from './experimental.controller';
import { ExperimentalService } from './experimental.service';
import { WorkspaceController } from './workspace.controller';
import { WorkspaceService } from './workspace.service';

/**
 * The `/experimental/*` routes of features this server does not share with the stable API:
 * capabilities, every project's sessions, and the workspace, project copy and Console routes,
 * which answer as the reference does when none exist. (`/experimental/tool` belongs to the tool
 * module.)
 */
@Module({
  imports: [SessionModule],
  controllers: [ExperimentalController, WorkspaceController, ConsoleController],
  providers: [ExperimentalService, WorkspaceService, ConsoleService],
})
export class ExperimentalModule {}
