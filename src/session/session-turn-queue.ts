import { Injectable, Logger } from '@nestjs/common';
import { abortError } from '../core/errors/abort-error';
import { errorMessage } from '../core/errors/error-message';
import type { Instance } from '../core/instance/instance';
import { SessionRunRegistry } from './session-run.registry';
import { SessionBusyError } from './session.errors';
import { SessionStatusService } from './session-status.service';
import { SessionService } from './session.service';

/** One turn of a session: a prompt's answer, a compaction, or a shell command run for the user. */
export interface SessionWork {
  /**
   * Does the work with the run's abort signal, never throws, and resolves with the function that
   * delivers its outcome to the caller (called once the session is free, when it was the last).
   */
  run(signal: AbortSignal): Promise<() => void>;
  /** Settles the caller without doing the work (an abort ended the queue before it). */
  skip(error: unknown): void;
}

interface QueuedWork extends SessionWork {
  instance: Instance;
}

interface SessionQueue {
  work: QueuedWork[];
  running: boolean;
}

/**
 * What a session does, one turn at a time, in the order the work arrived. Status goes busy when
 * a session starts working and idle once its queue is empty; `POST /session/:id/abort` (through
 * the run registry) or disposing the instance stops the running turn, and an abort ends the
 * queue: work that waited behind the turn is skipped. The agent loop queues prompts here;
 * summarize and shell commands take the session for themselves with {@link runExclusive}.
 */
@Injectable()
export class SessionTurnQueue {
  private readonly logger = new Logger(SessionTurnQueue.name);
  private readonly queues = new Map<string, SessionQueue>();
  /** Sessions running in each instance, and the one listener that aborts them on disposal. */
  private readonly instanceRuns = new Map<
    Instance,
    { sessions: Set<string>; onDispose: () => void }
  >();

  constructor(
    private readonly sessions: SessionService,
    private readonly status: SessionStatusService,
    private readonly runs: SessionRunRegistry,
  ) {}

  /** Queues `work` as a turn of the session; it starts at once when the session is idle. */
  enqueue(instance: Instance, sessionID: string, work: SessionWork): void {
    const queue = this.queues.get(sessionID) ?? { work: [], running: false };
    this.queues.set(sessionID, queue);
    queue.work.push({ instance, run: (signal) => work.run(signal), skip: (e) => work.skip(e) });
    if (queue.running) return;
    this.drain(sessionID, queue).catch((error: unknown) =>
      // Every caller is settled inside; this only guards the process against a bug there.
      this.logger.error(`turn queue of ${sessionID} failed: ${errorMessage(error)}`),
    );
  }

  /**
   * Runs `work` as the session's turn: busy meanwhile, abortable like a turn, and prompts that
   * arrive meanwhile wait for it. A busy session refuses it (`SessionBusyError`), as the
   * reference does.
   */
  runExclusive<T>(
    instance: Instance,
    sessionID: string,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (this.isBusy(sessionID)) throw new SessionBusyError(sessionID);
    return new Promise<T>((resolve, reject) => {
      this.enqueue(instance, sessionID, {
        run: (signal) =>
          work(signal).then(
            (value) => () => resolve(value),
            (error: unknown) => () => reject(asError(error)),
          ),
        skip: reject,
      });
    });
  }

  isBusy(sessionID: string): boolean {
    return this.queues.get(sessionID)?.running ?? false;
  }

  private async drain(sessionID: string, queue: SessionQueue): Promise<void> {
    queue.running = true;
    const { instance } = queue.work[0];
    this.status.set(instance, sessionID, { type: 'busy' });
    // The last outcome is delivered after the session is idle again, so a client that sends its
    // next request as soon as it has the answer finds the session free (not a 409).
    let deliverLast: (() => void) | undefined;
    try {
      for (let work = queue.work.shift(); work; work = queue.work.shift()) {
        let run: { signal: AbortSignal; end(): void };
        try {
          run = this.beginRun(sessionID, work.instance);
        } catch (error) {
          work.skip(error);
          continue;
        }
        try {
          const deliver = await work.run(run.signal);
          if (run.signal.aborted) {
            // An abort ends the whole queue: prompts that waited behind the turn are not started.
            for (const waiting of queue.work.splice(0)) waiting.skip(abortError());
          }
          if (queue.work.length > 0) deliver();
          else deliverLast = deliver;
        } finally {
          run.end();
        }
      }
    } finally {
      queue.running = false;
      this.queues.delete(sessionID);
      this.status.set(instance, sessionID, { type: 'idle' });
      this.touchSession(instance, sessionID);
      deliverLast?.();
    }
  }

  /**
   * Starts the session's run in the registry; disposing the instance aborts it too. One abort
   * listener per instance serves all its running sessions, removed when the last run ends: a
   * listener per run would pile up on the long-lived instance signal (and warn past 10).
   */
  private beginRun(sessionID: string, instance: Instance): { signal: AbortSignal; end(): void } {
    const signal = this.runs.begin(sessionID);
    let running = this.instanceRuns.get(instance);
    if (!running) {
      const sessions = new Set<string>();
      const onDispose = () => {
        for (const id of sessions) this.runs.abort(id, instance.signal.reason);
      };
      instance.signal.addEventListener('abort', onDispose, { once: true });
      running = { sessions, onDispose };
      this.instanceRuns.set(instance, running);
    }
    const { sessions, onDispose } = running;
    sessions.add(sessionID);
    if (instance.signal.aborted) this.runs.abort(sessionID, instance.signal.reason);
    return {
      signal,
      end: () => {
        this.runs.end(sessionID, signal);
        sessions.delete(sessionID);
        if (sessions.size > 0 || this.instanceRuns.get(instance)?.sessions !== sessions) return;
        instance.signal.removeEventListener('abort', onDispose);
        this.instanceRuns.delete(instance);
      },
    };
  }

  private touchSession(instance: Instance, sessionID: string): void {
    try {
      this.sessions.touch(instance, sessionID);
    } catch {
      // The session was deleted while its turn ran.
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
