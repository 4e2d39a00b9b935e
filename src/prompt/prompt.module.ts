import { Module, type OnModuleInit } from '@nestjs/common';
import { AgentModule } from '../agent/agent.module';
import { AgentLoopModule } from '../agent-loop/agent-loop.module';
import { CommandModule } from '../command/command.module';
import { ConfigModule } from '../config/config.module';
import { EventModule } from '../event/event.module';
import { LlmModule } from '../llm/llm.module';
import { ProjectModule } from '../project/project.module';
import { ProviderModule } from '../provider/provider.module';
import { RevertModule } from '../revert/revert.module';
import { SessionModule } from '../session/session.module';
import { ToolRegistryService } from '../tool/tool-registry.service';
import { ToolModule } from '../tool/tool.module';
import { PromptController } from './prompt.controller';
import { PromptService } from './prompt.service';
import { TitleService } from './title.service';

/**
 * The routes that feed work into a session (prompt, prompt_async, command, shell, init): they
 * check and store the prompt, then hand it to the agent loop (`AgentLoopModule`) to answer. Also
 * generates session titles and runs the `task` tool's subagents as prompts of child sessions.
 */
@Module({
  imports: [
    SessionModule,
    ProviderModule,
    AgentModule,
    ConfigModule,
    EventModule,
    CommandModule,
    ProjectModule,
    ToolModule,
    RevertModule,
    LlmModule,
    AgentLoopModule,
  ],
  controllers: [PromptController],
  providers: [PromptService, TitleService],
  exports: [PromptService],
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
