import { NamedError } from '../core/errors/named-error';
import { TaggedError } from '../core/errors/tagged-error';
import { UserRejectedError } from './permission.types';

/** The user answered "reject" without a word: the tool fails and the turn stops after its step. */
export class PermissionRejectedError extends UserRejectedError {
  override readonly name = 'PermissionRejectedError';
  /** `by`: a plugin's `permission.ask` hook answered `deny` for the user. */
  constructor(permission: string, by: 'user' | 'plugin' = 'user') {
    super(
      `${by === 'plugin' ? 'A plugin' : 'The user'} rejected the ${permission} permission for this tool call. Do not retry it; ask the user how to proceed.`,
    );
  }
}

/**
 * The user answered "reject" and said what to do instead: the tool fails with those words, and
 * the turn goes on so the model can follow them.
 */
export class PermissionCorrectedError extends Error {
  override readonly name = 'PermissionCorrectedError';
  constructor(permission: string, feedback: string) {
    super(
      `The user rejected the ${permission} permission for this tool call and answered: ${feedback}`,
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

/** 404 of the deprecated `POST /session/:id/permissions/:permissionID`, in its classic shape. */
export class PermissionNotFoundError extends NamedError<{ message: string; requestID: string }> {
  constructor(requestID: string) {
    super('NotFoundError', 404, {
      message: `Permission request not found: ${requestID}`,
      requestID,
    });
  }
}

/** 404 of `POST /permission/:requestID/reply`, in the shape the reference answers there. */
export class PermissionRequestNotFoundError extends TaggedError<{ requestID: string }> {
  constructor(requestID: string) {
    super('PermissionNotFoundError', 404, `Permission request not found: ${requestID}`, {
      requestID,
    });
  }
}

/** A client-chosen request id that is already pending (`POST /api/session/:id/permission`). */
export class PermissionRequestConflictError extends TaggedError<{ resource: string }> {
  constructor(requestID: string) {
    super('ConflictError', 409, `Permission request already pending: ${requestID}`, {
      resource: requestID,
    });
  }
}
