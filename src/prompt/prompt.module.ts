import { Module, type OnModuleInit } from '@nestjs/common';
import { AgentModule } from '../agent/agent.module';
import { CommandModule } from '../command/command.module';
import { CompactionModule } from '../compaction/compaction.module';
import { ConfigModule } from '../config/config.module';
import { EventModule } from '../event/event.module';
import { LlmModule } from '../llm/llm.module';
import { PermissionModule } from '../permission/permission.module';
import { ProjectModule } from '../project/project.module';
import { ProviderModule } from '../provider/provider.module';
import { RevertModule } from '../revert/revert.module';
import { SessionModule } from '../session/session.module';
import { SnapshotModule } from '../snapshot/snapshot.module';
import { ToolRegistryService } from '../tool/tool-registry.service';
import { ToolModule } from '../tool/tool.module';
import { PromptController } from './prompt.controller';
import { PromptService } from './prompt.service';
import { SessionLoopService } from './session-loop.service';
import { SystemPromptService } from './system-prompt.service';
import { TitleService } from './title.service';

/** The agent loop and the routes that feed it (prompt, prompt_async, command, shell, init). */
@Module({
  imports: [
    SessionModule,
    ProviderModule,
    AgentModule,
    ConfigModule,
    EventModule,
    CommandModule,
    PermissionModule,
    ProjectModule,
    ToolModule,
    SnapshotModule,
    CompactionModule,
    RevertModule,
    LlmModule,
  ],
  controllers: [PromptController],
  providers: [PromptService, SessionLoopService, SystemPromptService, TitleService],
})
export class PromptModule implements OnModuleInit {
  constructor(
    private readonly tools: ToolRegistryService,
    private readonly prompts: PromptService,
  ) {}

  /** The `task` tool runs its subagents as prompts of child sessions, through this module. */
  onModuleInit(): void {
    this.tools.registerSubagentRunner(this.prompts);
  }
}
