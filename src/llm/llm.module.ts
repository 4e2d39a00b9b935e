import { Module } from '@nestjs/common';
import { LlmService } from './llm.service';

/**
 * Model calls, below the agent loop, compaction and title generation: `LlmService` (the one
 * wrapper over the AI SDK, loaded lazily) beside the plain helpers every caller shares: stored
 * history as model messages (`model-messages.ts`), provider failures as stored message errors
 * (`llm-errors.ts`) and token usage and cost (`usage.ts`).
 */
@Module({
  providers: [LlmService],
  exports: [LlmService],
})
export class LlmModule {}
