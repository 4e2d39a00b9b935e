import { Instance } from '../core/instance/instance';
import type { SessionStatus } from './dto/session-status.dto';
import { SessionRunRegistry } from './session-run.registry';
import { SessionBusyError } from './session.errors';
import type { SessionStatusService } from './session-status.service';
import type { SessionService } from './session.service';
import { SessionTurnQueue, type SessionWork } from './session-turn-queue';

/** A promise and the function that resolves it, for work the test finishes by hand. */
function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/** Lets queued microtasks and promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SessionTurnQueue', () => {
  let events: string[];
  let runs: SessionRunRegistry;
  let touched: string[];
  let queue: SessionTurnQueue;
  const instance = new Instance('/work/app', { id: 'project', worktree: '/work/app' });

  beforeEach(() => {
    events = [];
    touched = [];
    runs = new SessionRunRegistry();
    const status = {
      set: (_instance: Instance, sessionID: string, value: SessionStatus) =>
        events.push(`${sessionID} ${value.type}`),
    } as unknown as SessionStatusService;
    const sessions = {
      touch: (_instance: Instance, sessionID: string) => {
        if (sessionID === 'ses_deleted') throw new Error('gone');
        touched.push(sessionID);
      },
    } as unknown as SessionService;
    queue = new SessionTurnQueue(sessions, status, runs);
  });

  /** Work that records when it starts and ends, finished by `finish`. */
  function work(name: string, outcomes: string[]) {
    const gate = deferred();
    let signal: AbortSignal | undefined;
    const item: SessionWork = {
      run: async (runSignal) => {
        signal = runSignal;
        events.push(`${name} start`);
        await gate.promise;
        events.push(`${name} end`);
        return () => outcomes.push(`${name} done`);
      },
      skip: (error) => outcomes.push(`${name} skipped: ${(error as Error).name}`),
    };
    return { item, finish: () => gate.resolve(), signal: () => signal };
  }

  it('runs the work of a session one at a time, busy until the last, whose outcome follows idle', async () => {
    const outcomes: string[] = [];
    const first = work('first', outcomes);
    const second = work('second', outcomes);
    queue.enqueue(instance, 'ses_a', first.item);
    queue.enqueue(instance, 'ses_a', second.item);
    await settle();
    expect(queue.isBusy('ses_a')).toBe(true);
    expect(runs.isRunning('ses_a')).toBe(true);
    first.finish();
    await settle();
    expect(outcomes).toEqual(['first done']);
    second.finish();
    await settle();
    expect(events).toEqual([
      'ses_a busy',
      'first start',
      'first end',
      'second start',
      'second end',
      'ses_a idle',
    ]);
    expect(outcomes).toEqual(['first done', 'second done']);
    expect(queue.isBusy('ses_a')).toBe(false);
    expect(runs.isRunning('ses_a')).toBe(false);
    expect(touched).toEqual(['ses_a']);
  });

  it('keeps sessions apart', async () => {
    const outcomes: string[] = [];
    const a = work('a', outcomes);
    const b = work('b', outcomes);
    queue.enqueue(instance, 'ses_a', a.item);
    queue.enqueue(instance, 'ses_b', b.item);
    await settle();
    expect(events).toEqual(['ses_a busy', 'a start', 'ses_b busy', 'b start']);
    b.finish();
    a.finish();
    await settle();
    expect(outcomes).toEqual(['b done', 'a done']);
  });

  it('ends the queue on an abort: work waiting behind the turn is skipped', async () => {
    const outcomes: string[] = [];
    const first = work('first', outcomes);
    const second = work('second', outcomes);
    queue.enqueue(instance, 'ses_a', first.item);
    queue.enqueue(instance, 'ses_a', second.item);
    await settle();
    expect(runs.abort('ses_a')).toBe(true);
    expect(first.signal()?.aborted).toBe(true);
    first.finish();
    await settle();
    expect(outcomes).toEqual(['second skipped: AbortError', 'first done']);
    expect(events).not.toContain('second start');
    expect(queue.isBusy('ses_a')).toBe(false);
  });

  it('runs exclusive work and refuses it while the session is busy', async () => {
    const outcomes: string[] = [];
    const turn = work('turn', outcomes);
    queue.enqueue(instance, 'ses_a', turn.item);
    expect(() => queue.runExclusive(instance, 'ses_a', () => Promise.resolve(1))).toThrow(
      SessionBusyError,
    );
    turn.finish();
    await settle();
    await expect(
      queue.runExclusive(instance, 'ses_a', (signal) => Promise.resolve(signal.aborted)),
    ).resolves.toBe(false);
    await expect(
      queue.runExclusive(instance, 'ses_a', () => Promise.reject(new Error('shell failed'))),
    ).rejects.toThrow('shell failed');
    expect(queue.isBusy('ses_a')).toBe(false);
  });

  it('skips work whose run cannot start (a turn of the session runs elsewhere)', async () => {
    runs.begin('ses_a');
    await expect(queue.runExclusive(instance, 'ses_a', () => Promise.resolve(1))).rejects.toThrow(
      SessionBusyError,
    );
    expect(events).toEqual(['ses_a busy', 'ses_a idle']);
  });

  it('aborts the running work of a disposed instance, with one listener per instance', async () => {
    const local = new Instance('/work/other', { id: 'other', worktree: '/work/other' });
    const added = jest.spyOn(local.signal, 'addEventListener');
    const removed = jest.spyOn(local.signal, 'removeEventListener');
    const outcomes: string[] = [];
    const a = work('a', outcomes);
    const b = work('b', outcomes);
    queue.enqueue(local, 'ses_a', a.item);
    queue.enqueue(local, 'ses_b', b.item);
    await settle();
    expect(added).toHaveBeenCalledTimes(1);
    await local.dispose({ warn: () => undefined } as never);
    expect(a.signal()?.aborted).toBe(true);
    expect(b.signal()?.aborted).toBe(true);
    a.finish();
    b.finish();
    await settle();
    expect(removed).toHaveBeenCalledTimes(1);
  });

  it('aborts at once work started in an instance already disposed', async () => {
    const local = new Instance('/work/gone', { id: 'gone', worktree: '/work/gone' });
    await local.dispose({ warn: () => undefined } as never);
    await expect(
      queue.runExclusive(local, 'ses_a', (signal) => Promise.resolve(signal.aborted)),
    ).resolves.toBe(true);
  });

  it('does not fail when the session was deleted while it worked', async () => {
    await expect(
      queue.runExclusive(instance, 'ses_deleted', () => Promise.resolve('ok')),
    ).resolves.toBe('ok');
    expect(touched).toEqual([]);
  });
});
