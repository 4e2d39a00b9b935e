import type { Instance } from '../core/instance/instance';

/**
 * Runs work as a session's turn: one at a time per session, busy meanwhile, abortable through
 * `POST /session/:id/abort`, with prompts that arrive meanwhile queued behind it. The agent loop
 * provides it (`SessionLoopService`); areas that also need the session to themselves, such as
 * summarize, resolve it lazily by this token, since the loop itself depends on them.
 */
export const SESSION_WORK_QUEUE = Symbol('SessionWorkQueue');

export interface SessionWorkQueue {
  /** Rejects with `SessionBusyError` when the session is already working. */
  runExclusive<T>(
    instance: Instance,
    sessionID: string,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T>;
}
