import { NamedError } from '../core/errors/named-error';

/** Files could not be put back from a snapshot (git failed): a server-side failure. */
export class SnapshotError extends NamedError<{ message: string; snapshot: string }> {
  constructor(snapshot: string, message: string) {
    super('SnapshotError', 500, { message, snapshot });
  }
}
