import { NamedError } from '../core/errors/named-error';

export type VcsApplyReason = 'non-git' | 'not-clean';

/** `POST /vcs/apply` refused a patch; the working tree is as it was. */
export class VcsApplyError extends NamedError<{ message: string; reason: VcsApplyReason }> {
  constructor(message: string, reason: VcsApplyReason) {
    super('VcsApplyError', 400, { message, reason });
  }
}

/**
 * `GET /vcs/diff/raw` would be larger than one response may be. Deliberate difference: the
 * reference builds the whole text in memory, whatever its size.
 */
export class VcsDiffTooLargeError extends NamedError<{ message: string; limit: number }> {
  constructor(limit: number) {
    super('VcsDiffTooLargeError', 413, {
      message: `The uncommitted changes make a patch of more than ${limit} bytes`,
      limit,
    });
  }
}
