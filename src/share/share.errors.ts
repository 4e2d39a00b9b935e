import { NamedError } from '../core/errors/named-error';

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
