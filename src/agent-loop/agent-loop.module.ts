import { Module } from '@nestjs/common';
import { AgentModule } from '../agent/agent.module';
import { CompactionModule } from '../compaction/compaction.module';
import { ConfigModule } from '../config/config.module';
import { LlmModule } from '../llm/llm.module';
import { PermissionModule } from '../permission/permission.module';
import { ProviderModule } from '../provider/provider.module';
import { SessionModule } from '../session/session.module';
import { SnapshotModule } from '../snapshot/snapshot.module';
import { ToolModule } from '../tool/tool.module';
import { ModelStepService } from './model-step.service';
import { QueuedPrompts } from './queued-prompts';
import { SystemPromptService } from './system-prompt.service';
import { ToolExecutorService } from './tool-executor.service';
import { TurnRunnerService } from './turn-runner.service';
import { TurnSetupService } from './turn-setup.service';

/**
 * The agent loop, which answers a prompt: `TurnRunnerService` queues the turn on the session
 * (`SessionTurnQueue`) and runs it; `TurnSetupService` resolves agent, model, tools and system
 * prompt; `ModelStepService` streams one model call with retries, usage and snapshots;
 * `ToolExecutorService` runs the tools the model calls. It sits under the prompt routes and over
 * compaction, tools and the model-call layer (`llm`). Exports `TurnRunnerService`.
 */
@Module({
  imports: [
    SessionModule,
    ProviderModule,
    AgentModule,
    ConfigModule,
    PermissionModule,
    ToolModule,
    SnapshotModule,
    CompactionModule,
    LlmModule,
  ],
  providers: [
    TurnRunnerService,
    TurnSetupService,
    ModelStepService,
    ToolExecutorService,
    SystemPromptService,
    QueuedPrompts,
  ],
  exports: [TurnRunnerService],
})
export class AgentLoopModule {}
