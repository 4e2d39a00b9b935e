import { TaggedError } from '../core/errors/tagged-error';

/** 404 of every route naming a terminal, in the reference's tagged shape (classic routes too). */
export class PtyNotFoundError extends TaggedError<{ ptyID: string }> {
  constructor(ptyID: string) {
    super('PtyNotFoundError', 404, `PTY session not found: ${ptyID}`, { ptyID });
  }
}

/**
 * 403 of a refused connect-token request (no `x-opencode-ticket: 1`, or a foreign page's
 * origin) or connect (a bad, used, expired or foreign ticket; a foreign page's origin). `/api`
 * answers it as `ForbiddenError`, as the reference does there.
 */
export class PtyForbiddenError extends TaggedError {
  constructor(message: string) {
    super('PtyForbiddenError', 403, message, {});
  }
}
