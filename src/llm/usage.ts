import type { LanguageModelUsage } from 'ai';
import type { ModelCost } from '../provider/provider.types';
import type { MessageTokensDto } from '../session/dto/message.dto';

/**
 * A model call's token usage in the reference's terms: `input` without the cached part, cache
 * reads and writes apart, `output` without the reasoning tokens.
 */
export function tokensOf(usage: LanguageModelUsage): MessageTokensDto {
  const cacheRead = usage.inputTokenDetails?.cacheReadTokens ?? 0;
  const cacheWrite = usage.inputTokenDetails?.cacheWriteTokens ?? 0;
  const reasoning = usage.outputTokenDetails?.reasoningTokens ?? 0;
  const input =
    usage.inputTokenDetails?.noCacheTokens ??
    Math.max(0, (usage.inputTokens ?? 0) - cacheRead - cacheWrite);
  const output =
    usage.outputTokenDetails?.textTokens ?? Math.max(0, (usage.outputTokens ?? 0) - reasoning);
  return {
    total: input + output + reasoning + cacheRead + cacheWrite,
    input,
    output,
    reasoning,
    cache: { read: cacheRead, write: cacheWrite },
  };
}

/** USD, from the model's prices per million tokens (reasoning is billed as output). */
export function costOf(prices: ModelCost, tokens: MessageTokensDto): number {
  return (
    (tokens.input * prices.input +
      (tokens.output + tokens.reasoning) * prices.output +
      tokens.cache.read * prices.cache.read +
      tokens.cache.write * prices.cache.write) /
    1_000_000
  );
}
