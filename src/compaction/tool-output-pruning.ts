import type { MessageWithParts } from '../session/dto/message-with-parts.dto';
import type { ToolPart } from '../session/dto/part.dto';

/** Estimated tokens of tool output of the latest turns that stay in the model's context. */
export const PRUNE_KEEP_TOKENS = 40_000;
/** Older output is cleared only when at least this much (estimated tokens) would go. */
export const PRUNE_MIN_TOKENS = 20_000;
/** The latest turns (prompts), whose tool output is never cleared. */
const PROTECTED_TURNS = 2;

/** A rough token count: tokenizers average about four characters of text per token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** A completed tool part as it is stored once its output is cleared from the context. */
export type PrunableToolPart = ToolPart & { state: { status: 'completed' } };

/**
 * The tool outputs that can leave the model's context (`conversation`: oldest first, from the
 * last summary on). Walking back from the newest message, past the latest turns and the newest
 * {@link PRUNE_KEEP_TOKENS} of output, every older completed output is a candidate, up to one
 * cleared before (all older ones were cleared with it). None are answered unless together they
 * weigh at least {@link PRUNE_MIN_TOKENS}: clearing less is not worth changing the prompt.
 */
export function toolOutputsToPrune(conversation: MessageWithParts[]): PrunableToolPart[] {
  const candidates: PrunableToolPart[] = [];
  let kept = 0;
  let prunable = 0;
  let turns = 0;
  for (let index = conversation.length - 1; index >= 0; index--) {
    const { info, parts } = conversation[index];
    if (info.role === 'user') {
      turns++;
      continue;
    }
    if (turns < PROTECTED_TURNS) continue;
    for (let partIndex = parts.length - 1; partIndex >= 0; partIndex--) {
      const part = parts[partIndex];
      if (part.type !== 'tool' || part.state.status !== 'completed') continue;
      if (part.state.time.compacted !== undefined) return settle(candidates, prunable);
      const tokens = estimateTokens(part.state.output);
      if (kept + tokens <= PRUNE_KEEP_TOKENS) {
        kept += tokens;
        continue;
      }
      kept = PRUNE_KEEP_TOKENS;
      prunable += tokens;
      candidates.push(part as PrunableToolPart);
    }
  }
  return settle(candidates, prunable);
}

function settle(candidates: PrunableToolPart[], prunable: number): PrunableToolPart[] {
  return prunable >= PRUNE_MIN_TOKENS ? candidates : [];
}
