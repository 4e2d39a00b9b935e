import type { ClientConnection } from './client-connection';
import { TuiControlClosedError, TuiControlQueueFullError } from './tui.errors';

/** A request the server wants the terminal client to handle, as `GET /tui/control/next` gives it. */
export interface TuiControlRequest {
  path: string;
  body: unknown;
}

/** What became of an answer the terminal client posted. */
export type TuiControlAnswerOutcome =
  /** Given to the oldest request the client took. */
  | 'answered'
  /** Meant for the oldest request the client took, whose caller had given up: dropped. */
  | 'cancelled'
  /** The client had taken no request: dropped, so that it never lands on a later one. */
  | 'unmatched';

interface Entry {
  /** Arrival order: a request put back in line goes back to its place. */
  readonly seq: number;
  readonly request: TuiControlRequest;
  readonly resolve: (answer: unknown) => void;
  readonly reject: (error: Error) => void;
  /** The caller gave up; a taken entry stays in line only to swallow the answer meant for it. */
  cancelled: boolean;
}

interface Poller {
  /** Answers the poll with `entry`, or with nothing (timeout, client gone, queue closed). */
  settle(entry?: Entry): void;
}

/**
 * The control channel between the server and the terminal client of one directory. Callers queue
 * requests and wait for their answer; the client long-polls for the next request, handles it and
 * posts the answer. The protocol carries no ids, so answers are matched to the requests the client
 * took, oldest first. A request only counts as taken once the poll's answer was handed to the
 * connection: one whose poller went away is put back in line, so a disconnect loses nothing.
 * (A client that vanishes in the very moment its answer is written can still miss it, as with
 * any HTTP response: the write succeeds and TCP gives no receipt.)
 */
export class TuiControlQueue {
  private readonly queued: Entry[] = [];
  /** Handed to a poller, delivery not known yet. */
  private readonly sending = new Set<Entry>();
  /** Delivered to the client, waiting for its answer, oldest first. */
  private readonly taken: Entry[] = [];
  private readonly pollers: Poller[] = [];
  private seq = 0;
  private closed = false;

  constructor(private readonly limit: number) {}

  /** Requests not answered yet: queued, being sent, or taken. */
  get size(): number {
    return this.queued.length + this.sending.size + this.taken.length;
  }

  /**
   * Queues a request and resolves with the client's answer. Rejects with
   * `TuiControlQueueFullError` when `limit` requests are unanswered, `TuiControlClosedError` when
   * the queue closes first, or the signal's reason when the caller aborts.
   */
  request(path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    if (this.closed) return Promise.reject(new TuiControlClosedError());
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.size >= this.limit) return Promise.reject(new TuiControlQueueFullError(this.limit));
    return new Promise<unknown>((resolve, reject) => {
      const onAbort = () => signal && this.cancel(entry, abortError(signal));
      const entry: Entry = {
        seq: ++this.seq,
        request: { path, body },
        cancelled: false,
        resolve: (answer) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(answer);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queued.push(entry);
      this.dispatch();
    });
  }

  /**
   * The next request for the client on `connection`: at once if one is queued, else the first
   * one queued within `timeoutMs`; `undefined` on timeout, when the client goes away or when the
   * queue closes.
   */
  next(connection: ClientConnection, timeoutMs: number): Promise<TuiControlRequest | undefined> {
    if (this.closed || connection.signal.aborted) return Promise.resolve(undefined);
    const ready = this.queued.shift();
    if (ready) return Promise.resolve(this.send(ready, connection));
    return new Promise((resolve) => {
      let settled = false;
      const poller: Poller = {
        settle: (entry) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          connection.signal.removeEventListener('abort', end);
          this.pollers.splice(this.pollers.indexOf(poller), 1);
          resolve(entry && this.send(entry, connection));
        },
      };
      const end = () => poller.settle();
      const timer = setTimeout(end, timeoutMs);
      connection.signal.addEventListener('abort', end, { once: true });
      this.pollers.push(poller);
    });
  }

  /** Gives the client's answer to the oldest request it took. */
  answer(answer: unknown): TuiControlAnswerOutcome {
    const entry = this.taken.shift();
    if (!entry) return 'unmatched';
    if (entry.cancelled) return 'cancelled';
    entry.resolve(answer);
    return 'answered';
  }

  /** Ends waiting polls and fails every unanswered request; later calls are refused. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const poller of [...this.pollers]) poller.settle();
    const unanswered = [...this.queued, ...this.sending, ...this.taken];
    this.queued.length = 0;
    this.sending.clear();
    this.taken.length = 0;
    for (const entry of unanswered) {
      if (!entry.cancelled) entry.reject(new TuiControlClosedError());
    }
  }

  private dispatch(): void {
    while (this.pollers.length > 0 && this.queued.length > 0) {
      this.pollers[0].settle(this.queued.shift());
    }
  }

  private send(entry: Entry, connection: ClientConnection): TuiControlRequest {
    this.sending.add(entry);
    void connection.delivered.then((delivered) => this.settleDelivery(entry, delivered));
    return entry.request;
  }

  private settleDelivery(entry: Entry, delivered: boolean): void {
    // Closing already failed the entry and emptied every list.
    if (!this.sending.delete(entry)) return;
    if (delivered) {
      this.taken.push(entry);
      return;
    }
    if (entry.cancelled) return;
    // The poller went away before the request reached it: back to its place in line.
    const index = this.queued.findIndex((queued) => queued.seq > entry.seq);
    this.queued.splice(index < 0 ? this.queued.length : index, 0, entry);
    this.dispatch();
  }

  private cancel(entry: Entry, reason: Error): void {
    entry.cancelled = true;
    const index = this.queued.indexOf(entry);
    // A queued request just leaves the line; one being sent or taken stays (see `Entry`).
    if (index >= 0) this.queued.splice(index, 1);
    entry.reject(reason);
  }
}

/** The signal's reason when it is an error (`AbortError`, `TimeoutError`), else an `AbortError`. */
function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error
    ? reason
    : new DOMException('The request was aborted', 'AbortError');
}
