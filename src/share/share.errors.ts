import { NamedError, NotFoundError } from '../core/errors/named-error';

/** Config `share: "disabled"`: sessions of this project may not be shared. */
export class ShareDisabledError extends NamedError {
  constructor() {
    super('ShareDisabledError', 400, {
      message: 'Sharing is disabled in configuration (share: "disabled")',
    });
  }
}

/**
 * The share service could not be reached or refused the request: the server's upstream failed,
 * not the client's request (502). `status` is the service's HTTP status when it answered.
 */
export class ShareServiceError extends NamedError<{ message: string; status?: number }> {
  constructor(message: string, status?: number) {
    super('ShareServiceError', 502, { message, ...(status !== undefined && { status }) });
  }
}

/**
 * No local share has this id (never created, unshared, or its session deleted). Every case
 * answers alike, so the answer tells nothing about which ids ever existed.
 */
export class ShareNotFoundError extends NotFoundError {
  constructor() {
    super('Share not found');
  }
}
