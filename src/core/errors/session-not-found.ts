import { NotFoundError } from './named-error';
import { TaggedError } from './tagged-error';

/*
 * The 404 for a session the server does not have, in each API's shape. Kept in core because it
 * is answered below the session area too: by the request-context hook (a session of a directory
 * outside `--allow-dir`) and by `/event?sessionID=`.
 */

/** Classic routes: `{ name: 'NotFoundError', data: { message } }`. */
export class SessionNotFoundError extends NotFoundError {
  constructor(sessionID: string) {
    super(`Session not found: ${sessionID}`);
  }
}

/** Every `/api` route naming a session: `{ _tag: 'SessionNotFoundError', sessionID, message }`. */
export class SessionNotFoundV2Error extends TaggedError<{ sessionID: string }> {
  constructor(sessionID: string) {
    super('SessionNotFoundError', 404, `Session not found: ${sessionID}`, { sessionID });
  }
}
