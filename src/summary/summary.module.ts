import { Module } from '@nestjs/common';
import { AgentModule } from '../agent/agent.module';
import { LlmModule } from '../llm/llm.module';
import { ProviderModule } from '../provider/provider.module';
import { RevertModule } from '../revert/revert.module';
import { SessionModule } from '../session/session.module';
import { AutoCompactionService } from './auto-compaction.service';
import { SummaryController } from './summary.controller';
import { SummaryService } from './summary.service';

/**
 * `POST /session/:id/summarize` (compaction). Exports `SummaryService`, whose `conversation` /
 * `history` the agent loop uses so the model's context starts at the last summary, and
 * `AutoCompactionService`, with which the loop keeps a session within its model's context.
 */
@Module({
  imports: [SessionModule, ProviderModule, AgentModule, RevertModule, LlmModule],
  controllers: [SummaryController],
  providers: [SummaryService, AutoCompactionService],
  exports: [SummaryService, AutoCompactionService],
})
export class SummaryModule {}
