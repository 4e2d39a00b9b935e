import { NamedError } from '../core/errors/named-error';

/** The user answered "reject": the tool fails and the model is told why. */
export class PermissionRejectedError extends Error {
  override readonly name = 'PermissionRejectedError';
  constructor(permission: string) {
    super(
      `The user rejected the ${permission} permission for this tool call. Do not retry it; ask the user how to proceed.`,
    );
  }
}

/** A configured `deny` rule refused the call without asking. */
export class PermissionDeniedError extends Error {
  override readonly name = 'PermissionDeniedError';
  constructor(permission: string, pattern: string) {
    super(
      `The configuration denies the ${permission} permission for "${pattern}". Do not retry it.`,
    );
  }
}

export class PermissionNotFoundError extends NamedError<{ message: string; requestID: string }> {
  constructor(requestID: string) {
    super('NotFoundError', 404, {
      message: `Permission request not found: ${requestID}`,
      requestID,
    });
  }
}
