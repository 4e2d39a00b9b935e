import { BadRequestError, NamedError } from '../core/errors/named-error';
import {
  InvalidPatternError,
  SearchClosedError,
  SearchTimeoutError as EngineSearchTimeoutError,
} from './engine/errors';

/** The text search ran past its time budget (a catastrophically backtracking regex) and was stopped. */
export class SearchTimeoutError extends NamedError<{ message: string; timeoutMs: number }> {
  constructor(timeoutMs: number) {
    super('SearchTimeoutError', 503, {
      message: `The search took longer than ${timeoutMs} ms and was stopped; try a simpler pattern`,
      timeoutMs,
    });
  }
}

/** The project's searches were closed (instance disposed, server stopping) while this one waited. */
export class SearchCancelledError extends NamedError {
  constructor() {
    super('SearchCancelledError', 503, {
      message: 'The search was cancelled because its project was closed; try again',
    });
  }
}

/** The named HTTP error for a failure of the text search, or the error itself (a logged 500). */
export function toNamedFindError(error: unknown): unknown {
  if (error instanceof InvalidPatternError) {
    // V8 says "Invalid regular expression: /(/gmu: Unterminated group": keep the problem only.
    const problem = error.reason.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    return new BadRequestError(
      `pattern is not a valid regular expression: ${problem}`,
      'Query',
      'pattern',
    );
  }
  if (error instanceof EngineSearchTimeoutError) return new SearchTimeoutError(error.timeoutMs);
  if (error instanceof SearchClosedError) return new SearchCancelledError();
  return error;
}
