import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startAgentTestApp, type AgentTestApp } from '../support/agent-app';
import { short, TEXT_TURN, TOOL_TURN, type Durable } from '../support/api-v2-turns';

/*
 * The `/api/session*` routes through the OFFICIAL SDK's v2 client (`client.v2.session.*`), as a
 * script on the SDK would drive them: sessions created, read and paged; text and tool turns
 * followed on `v2.session.events` in the reference order; a stream cut mid-turn and resumed with
 * `after`, with `Last-Event-ID`, and by the SDK's own retry; wait, interrupt, idempotent
 * admission, revert staging, the message projections and the SDK's view of the v2 errors.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read field by field */
type Json = any;

interface SdkAnswer {
  request?: string;
  status?: number;
  data?: Json;
  error?: Json;
  thrown?: string;
}

/** One connection the SDK's SSE client made: what it asked for and how it went. */
interface Attempt {
  after?: string;
  lastEventId?: string;
  status?: number;
  thrown?: string;
}

const BRIDGE = join(__dirname, '..', 'support', 'v2-sdk-bridge.mjs');

/** The `data` fields of each type in those recordings (`snapshot`, `files`, `outputPaths` optional). */
const REFERENCE_FIELDS: Record<string, { required: string[]; optional?: string[] }> = {
  'prompt.admitted': { required: ['delivery', 'messageID', 'prompt', 'sessionID', 'timestamp'] },
  prompted: { required: ['delivery', 'messageID', 'prompt', 'sessionID', 'timestamp'] },
  'step.started': {
    required: ['agent', 'assistantMessageID', 'model', 'sessionID', 'timestamp'],
    optional: ['snapshot'],
  },
  'step.ended': {
    required: ['assistantMessageID', 'cost', 'finish', 'sessionID', 'timestamp', 'tokens'],
    optional: ['snapshot', 'files'],
  },
  'step.failed': { required: ['assistantMessageID', 'error', 'sessionID', 'timestamp'] },
  'text.started': { required: ['assistantMessageID', 'sessionID', 'textID', 'timestamp'] },
  'text.ended': { required: ['assistantMessageID', 'sessionID', 'text', 'textID', 'timestamp'] },
  'tool.input.started': {
    required: ['assistantMessageID', 'callID', 'name', 'sessionID', 'timestamp'],
  },
  'tool.input.ended': {
    required: ['assistantMessageID', 'callID', 'sessionID', 'text', 'timestamp'],
  },
  'tool.called': {
    required: [
      'assistantMessageID',
      'callID',
      'input',
      'provider',
      'sessionID',
      'timestamp',
      'tool',
    ],
  },
  'tool.success': {
    required: ['assistantMessageID', 'callID', 'content', 'provider', 'sessionID', 'structured'],
    optional: ['outputPaths', 'result', 'timestamp'],
  },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `v2.session.events` as the bridge reports it: every connection attempt and every frame. */
class EventStream {
  readonly frames: Array<{ id?: string; data: Durable }> = [];
  readonly attempts: Attempt[] = [];
  readonly errors: string[] = [];
  ended = false;
  private readonly waiters = new Set<() => void>();

  constructor(readonly key: string) {}

  /** A line the bridge reported for this stream. */
  take(line: { frame?: { id?: string; data: Durable }; attempt?: Attempt; error?: string }) {
    if (line.frame) this.frames.push(line.frame);
    if (line.attempt) this.attempts.push(line.attempt);
    if (line.error) this.errors.push(line.error);
    if ('ended' in line) this.ended = true;
    for (const wake of [...this.waiters]) wake();
  }

  get events(): Durable[] {
    return this.frames.map((frame) => frame.data);
  }

  get types(): string[] {
    return this.events.map((event) => short(event.type));
  }

  get seqs(): number[] {
    return this.events.map((event) => event.durable.seq);
  }

  /** Resolves once `condition` holds for what arrived (at once when it already does). */
  until(condition: (stream: this) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (condition(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(`${this.key}: no ${what} within ${timeoutMs} ms; got ${this.types.join(', ')}`),
        );
      }, timeoutMs);
      const check = () => {
        if (!condition(this)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  /** Resolves with the first event of `type` (from event index `from` on). */
  async event(type: string, from = 0): Promise<Durable> {
    const find = () => this.events.slice(from).find((event) => short(event.type) === type);
    await this.until(() => find() !== undefined, type);
    return find()!;
  }
}

/** The SDK's v2 client in a child process (ESM), one call per line, answered by id. */
class SdkBridge {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<number, (answer: SdkAnswer) => void>();
  private readonly streams = new Map<string, EventStream>();
  private next = 0;

  constructor(url: string, directory: string) {
    this.child = spawn(process.execPath, [BRIDGE, url, directory]);
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const parsed: Json = JSON.parse(line);
      if (parsed.stream !== undefined) return this.streams.get(parsed.stream)?.take(parsed);
      const { id, ...answer } = parsed as SdkAnswer & { id: number };
      this.waiting.get(id)?.(answer);
      this.waiting.delete(id);
    });
  }

  call(method: string, args: Json = {}): Promise<SdkAnswer> {
    const id = ++this.next;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin.write(`${JSON.stringify({ id, method, args })}\n`);
    });
  }

  /** The data of a call that must answer `status`. */
  async ok(method: string, args: Json = {}, status = 200): Promise<Json> {
    const answer = await this.call(method, args);
    expect({ method, status: answer.status, thrown: answer.thrown, error: answer.error }).toEqual({
      method,
      status,
      thrown: undefined,
      error: undefined,
    });
    return answer.data;
  }

  /** The error body of a call that must fail with `status`. */
  async fails(method: string, args: Json, status: number): Promise<Json> {
    const answer = await this.call(method, args);
    expect({ method, status: answer.status }).toEqual({ method, status });
    return answer.error;
  }

  /**
   * Opens `v2.session.events` and resolves once its first connection has an answer. Options are
   * those of the bridge: `after`, `headers`, `baseUrl`, `retryDelay`, `maxAttempts` (default 1:
   * no automatic retry).
   */
  async events(sessionID: string, options: Json = {}): Promise<EventStream> {
    const key = `s${++this.next}`;
    const stream = new EventStream(key);
    this.streams.set(key, stream);
    const answer = await this.call('bridge.events.open', { key, sessionID, ...options });
    expect(answer.thrown).toBeUndefined();
    return stream;
  }

  async closeEvents(stream: EventStream): Promise<void> {
    await this.call('bridge.events.close', { key: stream.key });
    await stream.until((s) => s.ended, 'end');
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

/** A TCP relay to the app whose connections can be cut, as a network drop would. */
interface CuttingProxy {
  url: string;
  cut(): void;
  close(): Promise<void>;
}

async function startCuttingProxy(target: string): Promise<CuttingProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', drop).on('close', drop);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    cut: () => sockets.forEach((socket) => socket.destroy()),
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('/api sessions through the official SDK v2 client', () => {
  let t: AgentTestApp;
  let sdk: SdkBridge;
  let proxy: CuttingProxy;
  const open: EventStream[] = [];

  beforeAll(async () => {
    t = await startAgentTestApp();
    sdk = new SdkBridge(t.url, t.directory);
    proxy = await startCuttingProxy(t.url);
  });

  afterEach(async () => {
    for (const stream of open.splice(0)) if (!stream.ended) await sdk.closeEvents(stream);
    expect(t?.model.pendingScripts()).toBe(0);
  });

  afterAll(async () => {
    sdk?.close();
    await proxy?.close();
    await t?.close();
  });

  async function createSession(): Promise<string> {
    const created = await sdk.ok('session.create', { location: { directory: t.directory } });
    return created.data.id as string;
  }

  async function events(sessionID: string, options: Json = {}): Promise<EventStream> {
    const stream = await sdk.events(sessionID, options);
    open.push(stream);
    return stream;
  }

  async function prompt(sessionID: string, text: string, extra: Json = {}): Promise<Json> {
    return (await sdk.ok('session.prompt', { sessionID, prompt: { text }, ...extra })).data;
  }

  const wait = (sessionID: string) => sdk.ok('session.wait', { sessionID }, 204);

  async function history(sessionID: string, after?: number): Promise<Durable[]> {
    const page = await sdk.ok('session.history', { sessionID, after, limit: 100 });
    expect(page.hasMore).toBe(false);
    return page.data as Durable[];
  }

  /** Polls the history until an event satisfies `match`. */
  async function untilLogged(sessionID: string, match: (event: Durable) => boolean) {
    for (let i = 0; i < 200; i++) {
      const all = await history(sessionID);
      if (all.some(match)) return all;
      await sleep(25);
    }
    throw new Error(`no such event in the history of ${sessionID}`);
  }

  /** Each event has the fields its type has in the recorded reference frames, no others. */
  function expectReferenceShapes(sessionID: string, list: Durable[]) {
    for (const event of list) {
      expect(Object.keys(event).sort()).toEqual(['data', 'durable', 'id', 'type']);
      expect(event.id).toMatch(/^evt_/);
      expect(event.durable.aggregateID).toBe(sessionID);
      expect(event.data.sessionID).toBe(sessionID);
      const fields = REFERENCE_FIELDS[short(event.type)];
      if (!fields) continue;
      const keys = Object.keys(event.data);
      expect({
        type: event.type,
        keys: keys.filter((k) => fields.required.includes(k)).sort(),
      }).toEqual({ type: event.type, keys: [...fields.required].sort() });
      const allowed = [...fields.required, ...(fields.optional ?? [])];
      expect({ type: event.type, extra: keys.filter((k) => !allowed.includes(k)) }).toEqual({
        type: event.type,
        extra: [],
      });
    }
  }

  it('creates, gets, lists by pages and reports active sessions', async () => {
    const created = await sdk.call('session.create', { location: { directory: t.directory } });
    expect(created.request).toBe('POST /api/session');
    const session = created.data.data;
    expect(session).toMatchObject({
      id: expect.stringMatching(/^ses_/),
      title: expect.stringMatching(/^New session - /),
      location: { directory: t.directory },
      cost: 0,
      tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } },
      time: { created: expect.any(Number), updated: expect.any(Number) },
    });
    expect((await sdk.ok('session.get', { sessionID: session.id })).data).toEqual(session);
    // An id that exists answers that session.
    const again = await sdk.ok('session.create', {
      id: session.id,
      location: { directory: t.directory },
    });
    expect(again.data.id).toBe(session.id);

    for (let i = 0; i < 3; i++) await createSession();
    const all = (await sdk.ok('session.list', { order: 'asc', limit: 100 })).data.map(
      (s: Json) => s.id,
    );
    expect(all.length).toBeGreaterThanOrEqual(4);
    // Page by page with cursor.next, then back with cursor.previous.
    const pages: string[][] = [];
    const cursors: Json[] = [];
    let page = await sdk.ok('session.list', { order: 'asc', limit: 2 });
    for (;;) {
      pages.push(page.data.map((s: Json) => s.id));
      cursors.push(page.cursor);
      if (!page.cursor?.next || page.data.length < 2) break;
      page = await sdk.ok('session.list', { limit: 2, cursor: page.cursor.next });
      if (page.data.length === 0) break;
    }
    expect(pages.flat()).toEqual(all);
    expect(cursors[0].previous).toBeUndefined();
    const back = await sdk.ok('session.list', { limit: 2, cursor: cursors[1].previous });
    expect(back.data.map((s: Json) => s.id)).toEqual(pages[0]);
    const bad = await sdk.fails('session.list', { cursor: 'not-a-cursor' }, 400);
    expect(bad._tag).toBe('InvalidCursorError');

    // Nothing runs: no session is active.
    const active = await sdk.call('session.active');
    expect(active.request).toMatch(/^GET \/api\/session\/active/);
    expect(active.data.data[session.id]).toBeUndefined();
  });

  it('follows a text turn on v2.session.events: the reference order, seqs and ids', async () => {
    const id = await createSession();
    const stream = await events(id);
    expect(stream.attempts).toEqual([{ status: 200 }]);
    t.model.enqueue({ text: ['Hello ', 'there.'] });
    const admitted = await prompt(id, 'Say hello');
    expect(admitted).toMatchObject({
      admittedSeq: 1,
      id: expect.stringMatching(/^msg_/),
      sessionID: id,
      prompt: { text: 'Say hello' },
      delivery: 'steer',
      timeCreated: expect.any(Number),
    });
    await wait(id);
    await stream.event('step.ended');
    expect(stream.types).toEqual(TEXT_TURN);
    expect(stream.seqs).toEqual([1, 2, 3, 4, 5, 6]);
    // The SDK saw each seq as the SSE id.
    expect(stream.frames.map((frame) => frame.id)).toEqual(['1', '2', '3', '4', '5', '6']);
    expectReferenceShapes(id, stream.events);
    const [, prompted, started, , ended, stepEnded] = stream.events;
    expect(prompted.data).toMatchObject({ messageID: admitted.id, prompt: { text: 'Say hello' } });
    expect(started.data).toMatchObject({
      agent: 'build',
      model: { id: 'fake-model', providerID: 'fake' },
    });
    expect(ended.data.text).toBe('Hello there.');
    expect(stepEnded.data).toMatchObject({ finish: 'stop', cost: expect.any(Number) });
    expect(stepEnded.durable.version).toBe(2);
    // The history is the same events.
    expect(await history(id)).toEqual(stream.events);
    expect(await history(id, 4)).toEqual(stream.events.slice(4));

    // The projections of those events.
    const messages = await sdk.ok('session.messages', { sessionID: id, order: 'asc' });
    expect(messages.data).toEqual([
      expect.objectContaining({ id: admitted.id, type: 'user', text: 'Say hello' }),
      expect.objectContaining({
        id: started.data.assistantMessageID,
        type: 'assistant',
        agent: 'build',
        finish: 'stop',
        content: [expect.objectContaining({ type: 'text', text: 'Hello there.' })],
      }),
    ]);
    const newest = await sdk.ok('session.messages', { sessionID: id, limit: 1 });
    expect(newest.data.map((m: Json) => m.id)).toEqual([started.data.assistantMessageID]);
    const older = await sdk.ok('session.messages', {
      sessionID: id,
      limit: 1,
      cursor: newest.cursor.next,
    });
    expect(older.data.map((m: Json) => m.id)).toEqual([admitted.id]);
    const one = await sdk.ok('session.message', { sessionID: id, messageID: admitted.id });
    expect(one.data).toEqual(messages.data[0]);
    const context = await sdk.ok('session.context', { sessionID: id });
    expect(context.data).toEqual(messages.data);
  });

  it('follows a tool turn (read with filePath): two steps, the reference order', async () => {
    const id = await createSession();
    const readme = join(t.directory, 'README.md');
    writeFileSync(readme, '# Fixture\n\nA tiny project.\n');
    const stream = await events(id);
    t.model.enqueue(
      { toolCalls: [{ id: 'call_1', name: 'read', arguments: { filePath: readme } }] },
      { text: 'It is a fixture.' },
    );
    await prompt(id, 'Read the README');
    await wait(id);
    await stream.until((s) => s.types.filter((type) => type === 'step.ended').length === 2, 'end');
    expect(stream.types).toEqual(TOOL_TURN);
    expect(stream.seqs).toEqual(TOOL_TURN.map((_type, i) => i + 1));
    expectReferenceShapes(id, stream.events);
    const byType = (type: string) => stream.events.filter((event) => short(event.type) === type);
    expect(byType('tool.input.started')[0].data).toMatchObject({ callID: 'call_1', name: 'read' });
    expect(JSON.parse(byType('tool.input.ended')[0].data.text)).toEqual({ filePath: readme });
    expect(byType('tool.called')[0].data).toMatchObject({
      callID: 'call_1',
      tool: 'read',
      input: { filePath: readme },
      provider: { executed: false },
    });
    expect(JSON.stringify(byType('tool.success')[0].data.content)).toContain('A tiny project.');
    expect(byType('step.ended').map((event) => event.data.finish)).toEqual(['tool-calls', 'stop']);
    // Each model step is its own assistant message.
    const steps = byType('step.started').map((event) => event.data.assistantMessageID);
    expect(new Set(steps).size).toBe(2);
    const messages = await sdk.ok('session.messages', { sessionID: id, order: 'asc' });
    const assistants = messages.data.filter((m: Json) => m.type === 'assistant');
    expect(assistants.map((m: Json) => m.id)).toEqual(steps);
    expect(assistants[0].content[0]).toMatchObject({
      type: 'tool',
      id: 'call_1',
      name: 'read',
      state: { status: 'completed' },
    });
  });

  it('a read with the reference parameter `path` reads the file; the call is stored as made', async () => {
    const id = await createSession();
    const stream = await events(id);
    t.model.enqueue(
      { toolCalls: [{ id: 'call_p', name: 'read', arguments: { path: 'README.md' } }] },
      { text: 'Done.' },
    );
    await prompt(id, 'Read the README by path');
    await wait(id);
    await stream.until((s) => s.types.filter((type) => type === 'step.ended').length === 2, 'end');
    const called = await stream.event('tool.called');
    expect(called.data).toMatchObject({ tool: 'read', input: { path: 'README.md' } });
    // `path` is an alias of the classic `filePath`: the call is stored as made and the file read.
    const outcome = stream.events[stream.types.indexOf('tool.called') + 1];
    expect(short(outcome.type)).toBe('tool.success');
    expect(stream.types.slice(stream.types.indexOf('tool.called') + 2)).toEqual([
      'step.ended',
      'step.started',
      'text.started',
      'text.ended',
      'step.ended',
    ]);
    expect(
      stream.events.filter((e) => short(e.type) === 'step.ended').map((e) => e.data.finish),
    ).toEqual(['tool-calls', 'stop']);
  });

  it('resumes a stream cut mid-turn with after=<last seq>: nothing lost, nothing repeated', async () => {
    const id = await createSession();
    writeFileSync(join(t.directory, 'README.md'), '# Fixture\n');
    const first = await events(id);
    t.model.enqueue(
      {
        toolCalls: [
          { id: 'call_s', name: 'read', arguments: { filePath: join(t.directory, 'README.md') } },
        ],
        delayMs: 50,
      },
      { text: ['slow ', 'words ', 'come ', 'one ', 'by ', 'one.'], delayMs: 250 },
    );
    await prompt(id, 'Read slowly');
    await first.event('tool.input.started');
    await sdk.closeEvents(first);
    const seen = first.seqs.at(-1)!;
    // Events go on while nobody listens: the second step starts.
    const logged = await untilLogged(
      id,
      (event) => short(event.type) === 'step.started' && event.durable.seq > seen,
    );
    const resumed = await events(id, { after: seen });
    expect(resumed.attempts).toEqual([{ after: String(seen), status: 200 }]);
    await wait(id);
    const all = await history(id);
    // Some of the turn came live on the resumed stream.
    expect(logged.length).toBeLessThan(all.length);
    await resumed.until((s) => s.seqs.at(-1) === all.at(-1)!.durable.seq, 'last event');
    expect([...first.seqs, ...resumed.seqs]).toEqual(all.map((event) => event.durable.seq));
    expect([...first.events, ...resumed.events]).toEqual(all);
    expect(all.map((event) => short(event.type))).toEqual(TOOL_TURN);
  });

  it('resumes with a Last-Event-ID header given to the SDK, later than `after`', async () => {
    const id = await createSession();
    t.model.enqueue({ text: 'one' }, { text: 'two' });
    await prompt(id, 'first');
    await wait(id);
    await prompt(id, 'second');
    await wait(id);
    const all = await history(id);
    expect(all).toHaveLength(12);
    const stream = await events(id, { after: 2, headers: { 'Last-Event-ID': '7' } });
    expect(stream.attempts).toEqual([{ after: '2', lastEventId: '7', status: 200 }]);
    await stream.until((s) => s.seqs.at(-1) === 12, 'seq 12');
    expect(stream.seqs).toEqual([8, 9, 10, 11, 12]);
    expect(stream.frames[0].id).toBe('8');
    // A header that is not a seq is no resume point.
    const odd = await events(id, { headers: { 'Last-Event-ID': 'evt_not-a-seq' } });
    await odd.until((s) => s.seqs.at(-1) === 12, 'seq 12');
    expect(odd.seqs).toEqual(all.map((event) => event.durable.seq));
  });

  it("the SDK's own retry after a dropped connection resumes by Last-Event-ID, without duplicates", async () => {
    const id = await createSession();
    t.model.enqueue({ text: 'warm up' });
    await prompt(id, 'first');
    await wait(id);
    // Opened from seq 2 (the retry repeats this URL) through a relay that can drop it.
    const stream = await events(id, {
      after: 2,
      baseUrl: proxy.url,
      retryDelay: 100,
      maxAttempts: 5,
    });
    await stream.until((s) => s.seqs.at(-1) === 6, 'seq 6');
    t.model.enqueue({ text: ['a ', 'slow ', 'second ', 'answer ', 'in ', 'parts.'], delayMs: 250 });
    await prompt(id, 'second');
    await stream.event('step.started', 4);
    const seen = stream.seqs.at(-1)!;
    proxy.cut();
    await stream.until((s) => s.attempts.length === 2, 'second attempt');
    expect(stream.errors.length).toBeGreaterThanOrEqual(1);
    expect(stream.attempts).toEqual([
      { after: '2', status: 200 },
      { after: '2', lastEventId: String(seen), status: 200 },
    ]);
    await wait(id);
    const all = await history(id);
    await stream.until((s) => s.seqs.at(-1) === all.at(-1)!.durable.seq, 'last event');
    expect(stream.seqs).toEqual(all.filter((e) => e.durable.seq > 2).map((e) => e.durable.seq));
    expect(stream.frames.map((frame) => frame.id)).toEqual(stream.seqs.map(String));
    expect(stream.types.slice(-TEXT_TURN.length)).toEqual(TEXT_TURN);
  });

  it('wait answers only after the step ended; interrupt fails the step and leaves the session idle', async () => {
    const id = await createSession();
    const stream = await events(id);
    t.model.enqueue({ text: ['taking ', 'its ', 'time.'], delayMs: 300 });
    await prompt(id, 'Slowly');
    await stream.event('step.started');
    const waited = sdk.ok('session.wait', { sessionID: id }, 204).then(async () => {
      // What the log holds the moment wait answered.
      return history(id);
    });
    const atWait = await waited;
    expect(short(atWait.at(-1)!.type)).toBe('step.ended');
    expect(atWait.map((event) => short(event.type))).toEqual(TEXT_TURN);

    t.model.enqueue({ text: 'partial answer', hang: true });
    const from = stream.events.length;
    await prompt(id, 'Talk forever');
    await stream.event('text.started', from);
    expect((await sdk.ok('session.active')).data[id]).toEqual({ type: 'running' });
    let done = false;
    const waiting = wait(id).then(() => (done = true));
    await sleep(300);
    expect(done).toBe(false);
    await sdk.ok('session.interrupt', { sessionID: id }, 204);
    await waiting;
    const failed = await stream.event('step.failed', from);
    expect(failed.data.error).toEqual({ type: 'unknown', message: 'Provider turn interrupted' });
    expect(failed.durable.version).toBe(2);
    expect(stream.types.slice(from)).toEqual([
      'prompt.admitted',
      'prompted',
      'step.started',
      'text.started',
      'text.ended',
      'step.failed',
    ]);
    expectReferenceShapes(id, stream.events);
    expect((await sdk.ok('session.active')).data[id]).toBeUndefined();
    // Idle: both answer at once.
    await sdk.ok('session.interrupt', { sessionID: id }, 204);
    await wait(id);
    const interrupted = await sdk.ok('session.message', {
      sessionID: id,
      messageID: failed.data.assistantMessageID,
    });
    expect(interrupted.data).toMatchObject({ type: 'assistant', error: expect.anything() });
  });

  it('admits idempotently: same id and input, same admission; another input, a ConflictError', async () => {
    const id = await createSession();
    const messageID = 'msg_000000000000sdkIdempotnt';
    t.model.enqueue({ text: 'once' });
    const first = await prompt(id, 'Only once', { id: messageID });
    expect(first).toMatchObject({ id: messageID, admittedSeq: 1, delivery: 'steer' });
    const second = await prompt(id, 'Only once', { id: messageID });
    expect(second).toMatchObject(first);
    const conflict = await sdk.fails(
      'session.prompt',
      { sessionID: id, id: messageID, prompt: { text: 'Something else' } },
      409,
    );
    expect(conflict).toEqual({
      _tag: 'ConflictError',
      message: `Prompt message ID conflicts with an existing durable record: ${messageID}`,
      resource: messageID,
    });
    // Another delivery is another input too.
    await sdk.fails(
      'session.prompt',
      { sessionID: id, id: messageID, prompt: { text: 'Only once' }, delivery: 'queue' },
      409,
    );
    await wait(id);
    const third = await prompt(id, 'Only once', { id: messageID });
    expect(third).toEqual({ ...first, promotedSeq: expect.any(Number) });
    const types = (await history(id)).map((event) => short(event.type));
    expect(types).toEqual(TEXT_TURN);
  });

  it('stages, clears and commits a revert through the SDK', async () => {
    const id = await createSession();
    const stream = await events(id);
    const file = join(t.directory, 'made-by-sdk-turn.txt');
    t.model.enqueue(
      { toolCalls: [{ name: 'write', arguments: { filePath: file, content: 'hello\n' } }] },
      { text: 'Written.' },
    );
    const write = await prompt(id, 'Write a file');
    await wait(id);
    expect(readFileSync(file, 'utf8')).toBe('hello\n');
    t.model.enqueue({ text: 'Just text.' });
    await prompt(id, 'Say something');
    await wait(id);
    const before = await sdk.ok('session.messages', { sessionID: id, order: 'asc' });

    const staged = await sdk.ok('session.revert.stage', { sessionID: id, messageID: write.id });
    expect(staged.data).toMatchObject({ messageID: write.id });
    expect(staged.data.files).toEqual([
      // What restoring changed (as the reference says it): the file the turn made is deleted.
      expect.objectContaining({
        path: 'made-by-sdk-turn.txt',
        status: 'deleted',
        additions: 0,
        deletions: 1,
        patch: expect.stringMatching(
          /^diff --git a\/made-by-sdk-turn.txt b\/made-by-sdk-turn.txt\ndeleted file mode .*\n-hello\n$/s,
        ),
      }),
    ]);
    expect(staged.data.diff).toBe(staged.data.files[0].patch.trimEnd());
    expect(existsSync(file)).toBe(false);
    expect((await sdk.ok('session.get', { sessionID: id })).data.revert).toMatchObject({
      messageID: write.id,
    });
    // Staged, nothing is hidden yet.
    const during = await sdk.ok('session.messages', { sessionID: id, order: 'asc' });
    expect(during.data).toEqual(before.data);

    await sdk.ok('session.revert.clear', { sessionID: id }, 204);
    expect(readFileSync(file, 'utf8')).toBe('hello\n');
    expect((await sdk.ok('session.get', { sessionID: id })).data.revert).toBeUndefined();

    await sdk.ok('session.revert.stage', { sessionID: id, messageID: write.id });
    await sdk.ok('session.revert.commit', { sessionID: id }, 204);
    expect(existsSync(file)).toBe(false);
    const after = await sdk.ok('session.messages', { sessionID: id, order: 'asc' });
    expect(after.data.map((m: Json) => m.id)).toEqual([write.id]);
    expect((await sdk.ok('session.context', { sessionID: id })).data).toEqual(after.data);

    const all = await history(id);
    await stream.until((s) => s.seqs.at(-1) === all.at(-1)!.durable.seq, 'revert events');
    expect(stream.types.slice(-4)).toEqual([
      'revert.staged',
      'revert.cleared',
      'revert.staged',
      'revert.committed',
    ]);
    expect(stream.events.at(-4)!.data.revert).toMatchObject({ messageID: write.id });
    expect(stream.events.at(-1)!.data.messageID).toBe(write.id);
    // Nothing staged: clear and commit change nothing.
    await sdk.ok('session.revert.clear', { sessionID: id }, 204);
    await sdk.ok('session.revert.commit', { sessionID: id }, 204);
    expect(await history(id)).toHaveLength(all.length);
  });

  it('answers the v2 errors through the SDK: 404 for unknown ids, 400 for bad ones', async () => {
    const missing = 'ses_doesnotexist';
    const notFound = {
      _tag: 'SessionNotFoundError',
      sessionID: missing,
      message: `Session not found: ${missing}`,
    };
    expect(await sdk.fails('session.get', { sessionID: missing }, 404)).toEqual(notFound);
    for (const method of ['session.wait', 'session.interrupt', 'session.context']) {
      expect(await sdk.fails(method, { sessionID: missing }, 404)).toEqual(notFound);
    }
    expect(await sdk.fails('session.history', { sessionID: missing }, 404)).toEqual(notFound);
    expect(await sdk.fails('session.messages', { sessionID: missing }, 404)).toEqual(notFound);
    expect(
      await sdk.fails('session.prompt', { sessionID: missing, prompt: { text: 'x' } }, 404),
    ).toEqual(notFound);
    const badID = await sdk.fails('session.get', { sessionID: 'nope' }, 400);
    expect(badID).toMatchObject({ _tag: 'InvalidRequestError' });
    // The SDK's SSE client sees the 404 before any frame, and with one attempt gives up.
    const gone = await events(missing);
    await gone.until((s) => s.ended, 'end');
    expect(gone.attempts).toEqual([{ status: 404 }]);
    expect(gone.errors[0]).toContain('404');
    expect(gone.frames).toEqual([]);

    const id = await createSession();
    const unknownMessage = await sdk.fails(
      'session.message',
      { sessionID: id, messageID: 'msg_missing' },
      404,
    );
    expect(unknownMessage).toMatchObject({
      _tag: 'MessageNotFoundError',
      sessionID: id,
      messageID: 'msg_missing',
    });
    expect(
      await sdk.fails('session.revert.stage', { sessionID: id, messageID: 'msg_missing' }, 404),
    ).toMatchObject({ _tag: 'MessageNotFoundError' });
    const noPrompt = await sdk.fails('session.prompt', { sessionID: id }, 400);
    expect(noPrompt._tag).toBe('InvalidRequestError');
    expect(JSON.stringify(noPrompt)).toContain('prompt');
    await sdk.fails('session.prompt', { sessionID: id, prompt: { text: 'x' }, id: 'nope' }, 400);
    await sdk.fails(
      'session.prompt',
      { sessionID: id, prompt: { text: 'x' }, delivery: 'later' },
      400,
    );
    await sdk.fails('session.history', { sessionID: id, limit: 101 }, 400);
    await sdk.fails('session.history', { sessionID: id, after: -1 }, 400);
    await sdk.fails('session.message', { sessionID: id, messageID: 'nope' }, 400);
    const badAfter = await events(id, { after: 'x' });
    await badAfter.until((s) => s.ended, 'end');
    expect(badAfter.attempts).toEqual([{ after: 'x', status: 400 }]);
    // Nothing of those reached the log.
    expect(await history(id)).toEqual([]);
  });
});
