import type { ClientConnection } from './client-connection';
import { TuiControlQueue } from './tui-control.queue';
import { TuiControlClosedError, TuiControlQueueFullError } from './tui.errors';

/** A poll's connection whose fate the test decides. */
function connection() {
  const controller = new AbortController();
  let settle!: (delivered: boolean) => void;
  const delivered = new Promise<boolean>((resolve) => (settle = resolve));
  const conn: ClientConnection = { signal: controller.signal, delivered };
  return {
    conn,
    deliver: async () => {
      settle(true);
      await flush();
    },
    drop: async () => {
      controller.abort();
      settle(false);
      await flush();
    },
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));
const LONG = 60_000;

/** Takes the next request on a connection that receives it. */
async function take(queue: TuiControlQueue) {
  const poll = connection();
  const request = await queue.next(poll.conn, LONG);
  await poll.deliver();
  return request;
}

describe('TuiControlQueue', () => {
  it('hands a queued request to the next poll and resolves the caller with the answer', async () => {
    const queue = new TuiControlQueue(10);
    const answer = queue.request('/tui/open-help', { a: 1 });
    expect(await take(queue)).toEqual({ path: '/tui/open-help', body: { a: 1 } });
    expect(queue.answer({ ok: true })).toBe('answered');
    await expect(answer).resolves.toEqual({ ok: true });
    expect(queue.size).toBe(0);
  });

  it('answers a waiting poll as soon as a request is queued', async () => {
    const queue = new TuiControlQueue(10);
    const poll = connection();
    const next = queue.next(poll.conn, LONG);
    void queue.request('/x', 1);
    await expect(next).resolves.toEqual({ path: '/x', body: 1 });
  });

  it('matches answers to taken requests in order', async () => {
    const queue = new TuiControlQueue(10);
    const answers = [queue.request('/a', 'a'), queue.request('/b', 'b'), queue.request('/c', 'c')];
    expect((await take(queue))?.path).toBe('/a');
    expect((await take(queue))?.path).toBe('/b');
    queue.answer('A');
    queue.answer('B');
    expect((await take(queue))?.path).toBe('/c');
    queue.answer('C');
    await expect(Promise.all(answers)).resolves.toEqual(['A', 'B', 'C']);
  });

  it('drops an answer when nothing was taken, so it never lands on a later request', async () => {
    const queue = new TuiControlQueue(10);
    expect(queue.answer('stray')).toBe('unmatched');
    const answer = queue.request('/a', null);
    expect(queue.answer('too early')).toBe('unmatched');
    await take(queue);
    queue.answer('right');
    await expect(answer).resolves.toBe('right');
  });

  it('ends a poll with nothing after the timeout', async () => {
    jest.useFakeTimers();
    try {
      const queue = new TuiControlQueue(10);
      const next = queue.next(connection().conn, 1000);
      jest.advanceTimersByTime(1000);
      await expect(next).resolves.toBeUndefined();
      // The poll no longer waits: a new request stays queued for the next one.
      void queue.request('/a', null);
      expect(queue.size).toBe(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('keeps the request queued when the polling client went away before it came', async () => {
    const queue = new TuiControlQueue(10);
    const gone = connection();
    const next = queue.next(gone.conn, LONG);
    await gone.drop();
    await expect(next).resolves.toBeUndefined();
    void queue.request('/a', 'body');
    expect(await take(queue)).toEqual({ path: '/a', body: 'body' });
  });

  it('puts a request back in its place when its poll answer never reached the client', async () => {
    const queue = new TuiControlQueue(10);
    const answers = [queue.request('/a', 1), queue.request('/b', 2)];
    const lost = connection();
    expect((await queue.next(lost.conn, LONG))?.path).toBe('/a');
    await lost.drop();
    expect((await take(queue))?.path).toBe('/a');
    expect((await take(queue))?.path).toBe('/b');
    queue.answer('A');
    queue.answer('B');
    await expect(Promise.all(answers)).resolves.toEqual(['A', 'B']);
  });

  it('does not match an answer to a request still on its way to the client', async () => {
    const queue = new TuiControlQueue(10);
    const answer = queue.request('/a', 1);
    const poll = connection();
    await queue.next(poll.conn, LONG);
    expect(queue.answer('early')).toBe('unmatched');
    await poll.deliver();
    queue.answer('A');
    await expect(answer).resolves.toBe('A');
  });

  it('refuses requests beyond the limit with a named error', async () => {
    const queue = new TuiControlQueue(2);
    void queue.request('/a', 1);
    void queue.request('/b', 2);
    await expect(queue.request('/c', 3)).rejects.toBeInstanceOf(TuiControlQueueFullError);
    await take(queue);
    // Taken but unanswered still counts: the client has not answered it.
    await expect(queue.request('/c', 3)).rejects.toMatchObject({
      name: 'TuiControlQueueFullError',
      status: 503,
      data: { limit: 2 },
    });
    queue.answer('A');
    void queue.request('/c', 3);
    expect(queue.size).toBe(2);
  });

  it('removes a queued request whose caller aborts', async () => {
    const queue = new TuiControlQueue(10);
    const controller = new AbortController();
    const aborted = queue.request('/a', 1, controller.signal);
    const kept = queue.request('/b', 2);
    controller.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    expect((await take(queue))?.path).toBe('/b');
    queue.answer('B');
    await expect(kept).resolves.toBe('B');
  });

  it('swallows the answer of a taken request whose caller aborted', async () => {
    const queue = new TuiControlQueue(10);
    const controller = new AbortController();
    const aborted = queue.request('/a', 1, controller.signal);
    const kept = queue.request('/b', 2);
    await take(queue);
    await take(queue);
    controller.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    expect(queue.answer('for a')).toBe('cancelled');
    expect(queue.answer('for b')).toBe('answered');
    await expect(kept).resolves.toBe('for b');
  });

  it('fails every unanswered request and ends waiting polls when closed', async () => {
    const queue = new TuiControlQueue(10);
    const taken = queue.request('/a', 1);
    await take(queue);
    const queued = queue.request('/b', 2);
    queue.close();
    await expect(taken).rejects.toBeInstanceOf(TuiControlClosedError);
    await expect(queued).rejects.toBeInstanceOf(TuiControlClosedError);
    await expect(queue.next(connection().conn, LONG)).resolves.toBeUndefined();
    await expect(queue.request('/c', 3)).rejects.toBeInstanceOf(TuiControlClosedError);

    const other = new TuiControlQueue(10);
    const waiting = other.next(connection().conn, LONG);
    other.close();
    await expect(waiting).resolves.toBeUndefined();
  });
});
