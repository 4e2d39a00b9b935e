import http from 'node:http';
import type { Socket } from 'node:net';
import { InstanceService } from '../../src/core/instance/instance.service';
import { TuiControlService } from '../../src/tui/tui-control.service';
import { tempDir } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';

const POLL_TIMEOUT_MS = 400;
const QUEUE_LIMIT = 3;

describe('TUI control queue: GET /tui/control/next, POST /tui/control/response', () => {
  let t: TestApp;
  let control: TuiControlService;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        OPENCODE_TUI_CONTROL_POLL_TIMEOUT_MS: String(POLL_TIMEOUT_MS),
        OPENCODE_TUI_CONTROL_QUEUE_LIMIT: String(QUEUE_LIMIT),
      },
    });
    control = t.app.get(TuiControlService);
  });
  afterAll(() => t.close());

  /** Queues a control request in `directory` as another module would. */
  function request(directory: string, path: string, body: unknown): Promise<unknown> {
    const answered = t.app
      .get(InstanceService)
      .resolve(directory)
      .then((instance) => control.request(instance, path, body));
    // A test that fails early leaves requests unanswered: closing the app must not crash jest.
    answered.catch(() => undefined);
    return answered;
  }

  const next = (directory: string) => t.http.get('/tui/control/next').query({ directory });
  /** Posts the client's answer (any JSON value) and checks the reference's `true`. */
  async function answer(directory: string, body: unknown): Promise<void> {
    const res = await t.http
      .post('/tui/control/response')
      .query({ directory })
      .set('content-type', 'application/json')
      .send(JSON.stringify(body));
    expect(res.status).toBe(200);
    expect(res.body).toBe(true);
  }

  it('answers a waiting poll as soon as a request is queued, and relays the answer', async () => {
    const dir = tempDir();
    // The directory's instance is made first: its creation (once 3 s on a loaded CI box) is not
    // what this times.
    await t.http.get('/path').query({ directory: dir }).expect(200);
    const started = Date.now();
    const poll = next(dir).then((res) => res);
    await sleep(100);
    const pending = request(dir, '/tui/open-help', { from: 'test' });

    const res = await poll;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ path: '/tui/open-help', body: { from: 'test' } });
    expect(Date.now() - started).toBeLessThan(POLL_TIMEOUT_MS);

    await answer(dir, { handled: true });
    await expect(pending).resolves.toEqual({ handled: true });
  });

  it('hands over a request queued before the poll at once', async () => {
    const dir = tempDir();
    const pending = request(dir, '/tui/append-prompt', { text: 'hi' });
    await next(dir).expect(200, { path: '/tui/append-prompt', body: { text: 'hi' } });
    await answer(dir, 'done');
    await expect(pending).resolves.toBe('done');
  });

  it('answers 204 with no body when nothing was queued within the poll timeout', async () => {
    const dir = tempDir();
    const started = Date.now();
    const res = await next(dir);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(Date.now() - started).toBeGreaterThanOrEqual(POLL_TIMEOUT_MS - 50);

    // The expired poll took nothing with it: the next request goes to the next poll.
    const pending = request(dir, '/x', 1);
    await next(dir).expect(200, { path: '/x', body: 1 });
    await answer(dir, 2);
    await expect(pending).resolves.toBe(2);
  });

  it('loses nothing when a polling client disconnects', async () => {
    const dir = tempDir();
    const server = t.app.getHttpServer();
    const serverSideClosed = new Promise<void>((resolve) =>
      server.once('connection', (socket: Socket) => socket.once('close', () => resolve())),
    );
    const gone = http.get(`${t.url}/tui/control/next?directory=${encodeURIComponent(dir)}`);
    gone.on('error', () => undefined);
    await sleep(100);
    gone.destroy();
    await serverSideClosed;
    const pending = request(dir, '/tui/open-models', { n: 1 });

    await next(dir).expect(200, { path: '/tui/open-models', body: { n: 1 } });
    await answer(dir, 'ok');
    await expect(pending).resolves.toBe('ok');
  });

  it('matches several answers to the requests taken, in order', async () => {
    const dir = tempDir();
    const first = request(dir, '/a', 'A');
    const second = request(dir, '/b', 'B');
    const third = request(dir, '/c', 'C');

    await next(dir).expect(200, { path: '/a', body: 'A' });
    await next(dir).expect(200, { path: '/b', body: 'B' });
    await answer(dir, { for: 'a' });
    await answer(dir, { for: 'b' });
    await next(dir).expect(200, { path: '/c', body: 'C' });
    await answer(dir, [1, 2, 3]);

    await expect(Promise.all([first, second, third])).resolves.toEqual([
      { for: 'a' },
      { for: 'b' },
      [1, 2, 3],
    ]);
  });

  it('drops an answer that matches no taken request instead of keeping it for a later one', async () => {
    const dir = tempDir();
    await answer(dir, 'stray');
    const pending = request(dir, '/a', null);
    await answer(dir, 'too early');
    await next(dir).expect(200, { path: '/a', body: null });
    await answer(dir, 'right');
    await expect(pending).resolves.toBe('right');
  });

  it('never lets requests or answers cross between directories', async () => {
    const a = tempDir();
    const b = tempDir();
    const pending = request(a, '/only-a', 1);

    await next(b).expect(204);
    await answer(b, 'from b');

    await next(a).expect(200, { path: '/only-a', body: 1 });
    await answer(a, 'from a');
    await expect(pending).resolves.toBe('from a');
  });

  it('refuses requests beyond the queue limit with a named error', async () => {
    const dir = tempDir();
    const accepted = Array.from({ length: QUEUE_LIMIT }, (_, i) => request(dir, '/r', i));
    await expect(request(dir, '/r', 'one too many')).rejects.toMatchObject({
      name: 'TuiControlQueueFullError',
      status: 503,
      data: { limit: QUEUE_LIMIT },
    });
    for (let i = 0; i < QUEUE_LIMIT; i++) {
      await next(dir).expect(200, { path: '/r', body: i });
      await answer(dir, i * 10);
    }
    await expect(Promise.all(accepted)).resolves.toEqual([0, 10, 20]);
  });

  it('fails pending requests and ends polls when the instance is disposed', async () => {
    const dir = tempDir();
    const pending = request(dir, '/a', 1);
    await next(dir).expect(200);
    const waiting = next(dir).then((res) => res);
    await sleep(50);
    await t.http.post('/instance/dispose').query({ directory: dir }).expect(200);
    await expect(pending).rejects.toMatchObject({ name: 'TuiControlClosedError' });
    expect((await waiting).status).toBe(204);
  });

  it('refuses malformed answers and unknown directories with 400', async () => {
    const res = await t.http
      .post('/tui/control/response')
      .set('content-type', 'application/json')
      .send('{"not json');
    expect(res.status).toBe(400);
    expect(res.body.name).toBe('BadRequest');

    const missing = await t.http.get('/tui/control/next').query({ directory: '/does/not/exist' });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ name: 'BadRequest', data: { field: 'directory' } });
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
