import type { AssistantMessageDto } from '../session/dto/message.dto';

/** The token kinds of `opencode_tokens_total`'s `type` label. */
export const TOKEN_TYPES = ['input', 'output', 'reasoning', 'cache_read', 'cache_write'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenCounts = Record<TokenType, number>;

function countsOf(tokens: AssistantMessageDto['tokens']): TokenCounts {
  return {
    input: tokens.input,
    output: tokens.output,
    reasoning: tokens.reasoning,
    cache_read: tokens.cache.read,
    cache_write: tokens.cache.write,
  };
}

/**
 * Turns `message.updated` of assistant messages into token counts to add, so that every token a
 * model call used is counted once. A message being written is published many times, its tokens
 * growing with each finished step: only the growth since its last update counts. A message first
 * seen finished is not a model call of this process (a fork's copy, an import, a re-publication)
 * and counts nothing.
 */
export class TokenTally {
  /** Messages being written: what was counted of each so far. */
  private readonly open = new Map<string, { sessionID: string; counted: TokenCounts }>();

  /** The tokens this update adds (none: nothing to count). */
  add(info: AssistantMessageDto): TokenCounts | undefined {
    const seen = this.open.get(info.id);
    const finished = info.time.completed !== undefined;
    if (!seen && finished) return undefined;
    const now = countsOf(info.tokens);
    if (finished) this.open.delete(info.id);
    else this.open.set(info.id, { sessionID: info.sessionID, counted: now });
    const added = {} as TokenCounts;
    for (const type of TOKEN_TYPES)
      added[type] = Math.max(now[type] - (seen?.counted[type] ?? 0), 0);
    return added;
  }

  /**
   * The session went idle: a message of it still open ended without being marked finished (a
   * crash of its turn), so it is forgotten rather than kept forever.
   */
  forgetSession(sessionID: string): void {
    for (const [id, entry] of this.open) if (entry.sessionID === sessionID) this.open.delete(id);
  }
}
