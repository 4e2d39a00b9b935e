/**
 * Typed failures of the text search. Plain classes (no framework base) so the engine stays
 * framework-free; the HTTP layer maps InvalidPatternError -> 400, SearchTimeoutError and
 * SearchClosedError -> 503.
 */
export class InvalidPatternError extends Error {
  override readonly name = 'InvalidPatternError';

  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`Invalid search pattern ${JSON.stringify(pattern)}: ${reason}`);
  }
}

/** The search ran past its time budget (e.g. a catastrophically backtracking regex) and was stopped. */
export class SearchTimeoutError extends Error {
  override readonly name = 'SearchTimeoutError';

  constructor(
    readonly pattern: string,
    readonly timeoutMs: number,
  ) {
    super(`Search for ${JSON.stringify(pattern)} took longer than ${timeoutMs} ms and was stopped`);
  }
}

/** The search was closed (its project disposed, the server stopping) before it answered. */
export class SearchClosedError extends Error {
  override readonly name = 'SearchClosedError';

  constructor(readonly pattern: string) {
    super(`Search for ${JSON.stringify(pattern)} was cancelled: the search was closed`);
  }
}
