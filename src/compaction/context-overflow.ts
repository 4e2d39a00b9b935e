import type { ModelInfo } from '../provider/provider.types';
import type { MessageTokensDto } from '../session/dto/message.dto';

/**
 * Tokens kept free for the model's next answer when the config names no `compaction.reserved`
 * (or the model's own output limit, if that is smaller).
 */
export const DEFAULT_RESERVED_TOKENS = 20_000;

/**
 * Whether a model call used so much of the model's context that the next one may not fit: its
 * tokens (prompt, cache and answer) reach the input budget less the room reserved for an
 * answer. A model of unknown context size (0) never overflows.
 */
export function isContextOverflow(
  tokens: MessageTokensDto,
  limit: ModelInfo['limit'],
  reserved?: number,
): boolean {
  if (!limit.context) return false;
  const used =
    tokens.input + tokens.output + tokens.reasoning + tokens.cache.read + tokens.cache.write;
  const room =
    reserved ?? Math.min(DEFAULT_RESERVED_TOKENS, limit.output || DEFAULT_RESERVED_TOKENS);
  const budget = (limit.input ?? limit.context) - room;
  return used >= budget;
}
