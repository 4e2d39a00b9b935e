import { NamedError, NotFoundError } from '../core/errors/named-error';

export class MessageNotFoundError extends NotFoundError {
  constructor(sessionID: string, messageID: string) {
    super(`Message not found: ${messageID} (session ${sessionID})`);
  }
}

export class PartNotFoundError extends NotFoundError {
  constructor(messageID: string, partID: string) {
    super(`Part not found: ${partID} (message ${messageID})`);
  }
}

/**
 * The session is running a turn, and the request would change what the turn works on.
 * The reference answers 409 with `{ _tag, sessionID, message }`; we keep the one error contract
 * of this server (`{ name, data }`) and carry the same fields in `data`.
 */
export class SessionBusyError extends NamedError<{ message: string; sessionID: string }> {
  constructor(sessionID: string) {
    super('SessionBusyError', 409, { message: `Session ${sessionID} is busy`, sessionID });
  }
}

/** An import names a session id that is already stored: an import never overwrites. */
export class SessionExistsError extends NamedError<{ message: string; sessionID: string }> {
  constructor(sessionID: string) {
    super('SessionExistsError', 409, {
      message: `Session already exists: ${sessionID}`,
      sessionID,
    });
  }
}
