import { abortError } from './errors/abort-error';
import type { Instance } from './instance/instance';

/** A request waiting for the user, and how to settle it. */
export interface PendingAnswer<TInfo, TAnswer> {
  instance: Instance;
  info: TInfo;
  resolve(answer: TAnswer): void;
  reject(error: Error): void;
}

/**
 * Requests that wait for a user's answer (permission asks, questions), each tied to its turn:
 * listed until answered, and withdrawn (failing with an `AbortError`) when the turn is aborted.
 * Settling removes a request, so it can be answered once only.
 */
export class PendingAnswers<TInfo extends { id: string }, TAnswer> {
  private readonly pending = new Map<string, PendingAnswer<TInfo, TAnswer>>();

  /** Registers `info` and waits for its answer; `announce` runs once it can be answered. */
  wait(
    instance: Instance,
    info: TInfo,
    signal: AbortSignal,
    announce: () => void,
  ): Promise<TAnswer> {
    if (signal.aborted) return Promise.reject(abortError());
    return new Promise<TAnswer>((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(info.id);
        reject(abortError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = (action: () => void) => {
        signal.removeEventListener('abort', onAbort);
        this.pending.delete(info.id);
        action();
      };
      this.pending.set(info.id, {
        instance,
        info,
        resolve: (answer) => settle(() => resolve(answer)),
        reject: (error) => settle(() => reject(error)),
      });
      announce();
    });
  }

  get(id: string): PendingAnswer<TInfo, TAnswer> | undefined {
    return this.pending.get(id);
  }

  /** Every waiting request, oldest first (a copy: settling while iterating is safe). */
  all(): PendingAnswer<TInfo, TAnswer>[] {
    return [...this.pending.values()];
  }

  /** The requests of one instance (its directory), oldest first. */
  of(instance: Instance): TInfo[] {
    return this.all()
      .filter((request) => request.instance.directory === instance.directory)
      .map((request) => request.info);
  }
}
