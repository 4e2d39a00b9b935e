import { Injectable } from '@nestjs/common';
import { SessionBusyError } from './session.errors';

/**
 * The running turn of each session: the agent loop takes an abort signal when a turn starts and
 * gives it back when the turn ends; `POST /session/:id/abort` (or deleting the session) aborts it.
 * One registry for the process: session ids are unique across projects.
 */
@Injectable()
export class SessionRunRegistry {
  private readonly runs = new Map<string, { controller: AbortController; detach(): void }>();

  /**
   * Starts a turn of `sessionID` and returns the signal that aborts it. `parent` (e.g. the
   * instance's signal) aborts the turn too. Throws `SessionBusyError` while a turn is running.
   */
  begin(sessionID: string, parent?: AbortSignal): AbortSignal {
    if (this.runs.has(sessionID)) throw new SessionBusyError(sessionID);
    const controller = new AbortController();
    const onParentAbort = () => controller.abort(parent?.reason);
    if (parent?.aborted) controller.abort(parent.reason);
    else parent?.addEventListener('abort', onParentAbort, { once: true });
    // The parent (an instance's signal) outlives many turns: each turn takes its listener back.
    const detach = () => parent?.removeEventListener('abort', onParentAbort);
    this.runs.set(sessionID, { controller, detach });
    return controller.signal;
  }

  /**
   * Ends the turn of `sessionID`. With `signal`, only if it is still that turn's (a late `end` of
   * an aborted turn must not end the next one).
   */
  end(sessionID: string, signal?: AbortSignal): void {
    const run = this.runs.get(sessionID);
    if (!run || (signal && run.controller.signal !== signal)) return;
    run.detach();
    this.runs.delete(sessionID);
  }

  isRunning(sessionID: string): boolean {
    return this.runs.has(sessionID);
  }

  /** How many sessions have a turn running (the `opencode_turns_active` gauge). */
  get running(): number {
    return this.runs.size;
  }

  /** Aborts the running turn, if any; true when there was one. */
  abort(sessionID: string, reason?: unknown): boolean {
    const run = this.runs.get(sessionID);
    if (!run) return false;
    run.controller.abort(reason);
    return true;
  }
}
