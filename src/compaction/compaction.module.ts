import { Module } from '@nestjs/common';
import { AgentModule } from '../agent/agent.module';
import { LlmModule } from '../llm/llm.module';
import { ProviderModule } from '../provider/provider.module';
import { RevertModule } from '../revert/revert.module';
import { SessionModule } from '../session/session.module';
import { AutoCompactionService } from './auto-compaction.service';
import { CompactionController } from './compaction.controller';
import { CompactionService } from './compaction.service';

/**
 * Compaction: a session's conversation replaced, for the model, by a model-written summary
 * (`POST /session/:id/summarize`, the reference's route name). Exports `CompactionService`, whose
 * `conversation` / `history` the agent loop uses so the model's context starts at the last
 * summary, and `AutoCompactionService`, with which the loop keeps a session within its model's
 * context. Below it: `llm` for the model call, `session` for storage and the turn queue.
 */
@Module({
  imports: [SessionModule, ProviderModule, AgentModule, RevertModule, LlmModule],
  controllers: [CompactionController],
  providers: [CompactionService, AutoCompactionService],
  exports: [CompactionService, AutoCompactionService],
})
export class CompactionModule {}
