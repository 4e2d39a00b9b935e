import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startAgentTestApp, type AgentTestApp } from '../support/agent-app';
import { short, TEXT_TURN, TOOL_TURN, type Durable } from '../support/api-v2-turns';
import { connectSse, type SseClient } from '../support/sse-client';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('/api sessions: durable event log, admissions, loop control, revert staging', () => {
  let t: AgentTestApp;
  const streams: SseClient[] = [];

  beforeAll(async () => {
    t = await startAgentTestApp();
  });

  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
    expect(t.model.pendingScripts()).toBe(0);
  });

  afterAll(async () => {
    await t.close();
  });

  async function createSession(body: Record<string, unknown> = {}): Promise<string> {
    const res = await t.http
      .post('/api/session')
      .send({ location: { directory: t.directory }, ...body })
      .expect(200);
    return res.body.data.id as string;
  }

  function stream(sessionID: string, query = '', headers: Record<string, string> = {}) {
    const client = connectSse(`${t.url}/api/session/${sessionID}/event${query}`, headers);
    streams.push(client);
    return client;
  }

  const typesOf = (frames: { data: unknown }[]) =>
    frames.map((f) => short((f.data as Durable).type));

  async function history(sessionID: string, after = 0): Promise<Durable[]> {
    const res = await t.http
      .get(`/api/session/${sessionID}/history?after=${after}&limit=100`)
      .expect(200);
    return res.body.data as Durable[];
  }

  async function prompt(sessionID: string, text: string, extra: Record<string, unknown> = {}) {
    const res = await t.http
      .post(`/api/session/${sessionID}/prompt`)
      .send({ prompt: { text }, ...extra })
      .expect(200);
    return res.body.data as Record<string, any>;
  }

  async function wait(sessionID: string) {
    await t.http.post(`/api/session/${sessionID}/wait`).expect(204);
  }

  it('creates, gets and lists sessions shared with the classic routes', async () => {
    const id = await createSession({ model: { id: 'fake-model', providerID: 'fake' } });
    const got = await t.http.get(`/api/session/${id}`).expect(200);
    expect(got.body.data).toMatchObject({
      id,
      title: expect.stringMatching(/^New session - /),
      location: { directory: t.directory },
      model: { id: 'fake-model', providerID: 'fake', variant: 'default' },
      cost: 0,
      tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } },
    });
    expect(got.body.data.slug).toBeUndefined();
    await t.http.get(`/session/${id}`).query({ directory: t.directory }).expect(200);
    const classic = await t.http
      .post('/session')
      .query({ directory: t.directory })
      .send({})
      .expect(200);
    const list = await t.http.get('/api/session').expect(200);
    const ids = list.body.data.map((s: any) => s.id);
    expect(ids).toEqual(expect.arrayContaining([id, classic.body.id]));
    // Newest first by default.
    expect(ids.indexOf(classic.body.id)).toBeLessThan(ids.indexOf(id));
    // A given id is idempotent.
    const again = await t.http.post('/api/session').send({ id }).expect(200);
    expect(again.body.data.id).toBe(id);
  });

  it('pages the session list with cursors that keep the order', async () => {
    for (let i = 0; i < 3; i++) await createSession();
    const first = await t.http.get('/api/session?limit=2&order=asc').expect(200);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.cursor.previous).toBeUndefined();
    const next = await t.http
      .get(`/api/session?limit=2&cursor=${first.body.cursor.next}`)
      .expect(200);
    expect(next.body.data[0].time.created).toBeGreaterThanOrEqual(first.body.data[1].time.created);
    const back = await t.http
      .get(`/api/session?limit=2&cursor=${next.body.cursor.previous}`)
      .expect(200);
    expect(back.body.data.map((s: any) => s.id)).toEqual(first.body.data.map((s: any) => s.id));
    const bad = await t.http.get('/api/session?cursor=not-a-cursor').expect(400);
    expect(bad.body._tag).toBe('InvalidCursorError');
  });

  it('ends a session stream when the session is deleted, and deletes its log with it', async () => {
    const id = await createSession();
    t.model.enqueue({ text: 'hi' });
    await prompt(id, 'hello');
    await wait(id);
    const events = stream(id);
    await events.waitFor((f) => (f.data as Durable).type === 'session.next.step.ended');
    await t.http.delete(`/session/${id}`).query({ directory: t.directory }).expect(200);
    await events.ended;
    await t.http.get(`/api/session/${id}/history`).expect(404);
  });

  it('refuses bad input with the v2 error shapes', async () => {
    const unknown = await t.http.get('/api/session/ses_doesnotexist').expect(404);
    expect(unknown.body).toEqual({
      _tag: 'SessionNotFoundError',
      sessionID: 'ses_doesnotexist',
      message: 'Session not found: ses_doesnotexist',
    });
    // An unknown path under /api is a JSON 404 in the v2 shape (the reference answers its web
    // app's HTML).
    const unknownPath = await t.http.get('/api/no-such-route').expect(404);
    expect(unknownPath.body).toEqual({
      _tag: 'NotFoundError',
      message: 'Cannot GET /api/no-such-route',
    });
    const badId = await t.http.get('/api/session/nope').expect(400);
    expect(badId.body._tag).toBe('InvalidRequestError');
    const id = await createSession();
    const noPrompt = await t.http.post(`/api/session/${id}/prompt`).send({}).expect(400);
    expect(noPrompt.body).toMatchObject({ _tag: 'InvalidRequestError' });
    expect(JSON.stringify(noPrompt.body)).toContain('prompt');
    await t.http
      .post(`/api/session/${id}/prompt`)
      .send({ prompt: { text: 'x' }, delivery: 'later' })
      .expect(400);
    await t.http
      .post(`/api/session/${id}/prompt`)
      .send({ prompt: { text: 'x' }, id: 'nope' })
      .expect(400);
    await t.http.get(`/api/session/${id}/history?limit=101`).expect(400);
    await t.http.get(`/api/session/${id}/history?after=-1`).expect(400);
    await t.http.get(`/api/session/${id}/event?after=x`).expect(400);
    await t.http.get(`/api/session/ses_doesnotexist/event`).expect(404);
    await t.http.post('/api/session/ses_doesnotexist/wait').expect(404);
    await t.http.post('/api/session/ses_doesnotexist/interrupt').expect(404);
    await t.http
      .post('/api/session')
      .send({ location: { directory: join(t.directory, 'missing') } })
      .expect(400);
    const missing = await t.http.get(`/api/session/${id}/message/msg_missing`).expect(404);
    expect(missing.body._tag).toBe('MessageNotFoundError');
    await t.http
      .post(`/api/session/${id}/revert/stage`)
      .send({ messageID: 'msg_missing' })
      .expect(404);
  });

  it('runs a text turn: admission answered at once, then the exact event order on the stream', async () => {
    const id = await createSession();
    const events = stream(id);
    await events.response;
    t.model.enqueue({ text: ['Hello ', 'there.'] });
    const requestsBefore = t.model.requests.length;
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
    await events.waitFor((f) => (f.data as Durable).type === 'session.next.step.ended');
    expect(typesOf(events.frames)).toEqual(TEXT_TURN);
    const frames = events.frames.map((f) => f.data as Durable);
    expect(frames.map((f) => f.durable.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.frames.map((f) => f.id)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(frames[4].data.text).toBe('Hello there.');
    expect(frames[5].data).toMatchObject({ finish: 'stop', cost: expect.any(Number) });
    expect(frames[5].durable.version).toBe(2);
    expect(frames[2].data).toMatchObject({
      agent: 'build',
      model: { id: 'fake-model', providerID: 'fake' },
    });
    // One model call for the one step: as the reference's /api loop, no title is generated.
    expect(t.model.requests.length - requestsBefore).toBe(1);
    const info = await t.http.get(`/api/session/${id}`).expect(200);
    expect(info.body.data.title).toMatch(/^New session - /);
    // The messages are a projection of those events.
    const messages = await t.http.get(`/api/session/${id}/message?order=asc`).expect(200);
    expect(messages.body.data).toEqual([
      expect.objectContaining({ id: admitted.id, type: 'user', text: 'Say hello' }),
      expect.objectContaining({
        type: 'assistant',
        agent: 'build',
        finish: 'stop',
        content: [expect.objectContaining({ type: 'text', text: 'Hello there.' })],
      }),
    ]);
    const one = await t.http.get(`/api/session/${id}/message/${admitted.id}`).expect(200);
    expect(one.body.data.text).toBe('Say hello');
    const context = await t.http.get(`/api/session/${id}/context`).expect(200);
    expect(context.body.data).toHaveLength(2);
    // The same turn is in the classic store too (one conversation, two views).
    const classic = await t.messages(id);
    expect(classic.map((m) => m.info.id)).toContain(admitted.id);
  });

  it('runs a tool turn, each model step its own assistant message', async () => {
    const id = await createSession();
    writeFileSync(join(t.directory, 'README.md'), '# Fixture\n');
    t.model.enqueue(
      {
        toolCalls: [
          { id: 'call_1', name: 'read', arguments: { filePath: join(t.directory, 'README.md') } },
        ],
      },
      { text: 'It is a fixture.' },
    );
    await prompt(id, 'Read the README');
    await wait(id);
    const events = await history(id);
    expect(events.map((e) => short(e.type))).toEqual(TOOL_TURN);
    const called = events.find((e) => e.type === 'session.next.tool.called')!;
    expect(called.data).toMatchObject({
      callID: 'call_1',
      tool: 'read',
      provider: { executed: false },
    });
    expect(events[7].data.finish).toBe('tool-calls');
    const messages = await t.http.get(`/api/session/${id}/message?order=asc`).expect(200);
    const assistants = messages.body.data.filter((m: any) => m.type === 'assistant');
    expect(assistants).toHaveLength(2);
    expect(assistants[0].content[0]).toMatchObject({
      type: 'tool',
      id: 'call_1',
      name: 'read',
      state: { status: 'completed' },
    });
  });

  it('takes the /api tool set parameter names: read {path} reads the file', async () => {
    const id = await createSession();
    writeFileSync(join(t.directory, 'NOTES.md'), 'remember the milk\n');
    t.model.enqueue(
      { toolCalls: [{ id: 'call_path', name: 'read', arguments: { path: 'NOTES.md' } }] },
      { text: 'Done.' },
    );
    await prompt(id, 'Read the notes');
    await wait(id);
    const events = await history(id);
    const success = events.find((e) => e.type === 'session.next.tool.success');
    expect(success?.data.callID).toBe('call_path');
    expect(JSON.stringify(success?.data.content)).toContain('remember the milk');
    expect(events.some((e) => e.type === 'session.next.tool.failed')).toBe(false);
  });

  it('resumes a stream with ?after= and with Last-Event-ID: nothing lost, nothing repeated', async () => {
    const id = await createSession();
    t.model.enqueue({ text: 'one' });
    await prompt(id, 'first');
    await wait(id);
    const firstTurn = await history(id);
    const cut = firstTurn[2].durable.seq;
    t.model.enqueue({ text: 'two' });
    await prompt(id, 'second');
    await wait(id);
    const all = await history(id);
    const byAfter = stream(id, `?after=${cut}`);
    await byAfter.waitFor((f) => (f.data as Durable).durable.seq === all.at(-1)!.durable.seq);
    expect(byAfter.frames.map((f) => (f.data as Durable).durable.seq)).toEqual(
      all.filter((e) => e.durable.seq > cut).map((e) => e.durable.seq),
    );
    // A reconnecting EventSource repeats its first URL and names the last frame it got.
    const byHeader = stream(id, '?after=0', { 'last-event-id': String(cut + 1) });
    await byHeader.waitFor((f) => (f.data as Durable).durable.seq === all.at(-1)!.durable.seq);
    expect(byHeader.frames[0].id).toBe(String(cut + 2));
    // An id beyond the session's last event names no frame of it: the stream starts at `after`.
    const beyond = stream(id, `?after=${cut}`, { 'last-event-id': '999999' });
    await beyond.waitFor((f) => (f.data as Durable).durable.seq === all.at(-1)!.durable.seq);
    expect(beyond.frames[0].id).toBe(String(cut + 1));
    // Live events follow the replay on the same stream without a gap.
    t.model.enqueue({ text: 'three' });
    await prompt(id, 'third');
    await wait(id);
    const after = await history(id, all.at(-1)!.durable.seq);
    await byAfter.waitFor((f) => (f.data as Durable).durable.seq === after.at(-1)!.durable.seq);
    const seqs = byAfter.frames.map((f) => (f.data as Durable).durable.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    expect(seqs.at(-1)! - seqs[0] + 1).toBe(seqs.length);
  });

  it('admits idempotently: same id and input, same admission; another input, 409', async () => {
    const id = await createSession();
    t.model.enqueue({ text: 'once' });
    const requestsBefore = t.model.requests.length;
    const body = { id: 'msg_000000000000apiV2Idempot', prompt: { text: 'Only once' } };
    const first = await prompt(id, 'Only once', { id: body.id });
    const second = await prompt(id, 'Only once', { id: body.id });
    // The same admission (once the loop took it, with the seq of its `prompted`).
    expect(second).toMatchObject(first);
    const conflict = await t.http
      .post(`/api/session/${id}/prompt`)
      .send({ id: body.id, prompt: { text: 'Something else' } })
      .expect(409);
    expect(conflict.body).toEqual({
      _tag: 'ConflictError',
      message: `Prompt message ID conflicts with an existing durable record: ${body.id}`,
      resource: body.id,
    });
    await wait(id);
    const admitted = (await history(id)).filter((e) => e.type === 'session.next.prompt.admitted');
    expect(admitted).toHaveLength(1);
    // One turn (and the title of the session's first prompt).
    expect(t.model.requests.length - requestsBefore).toBeLessThanOrEqual(2);
    expect(t.model.pendingScripts()).toBe(0);
  });

  it('resume:false only admits; a later prompt wakes the loop, steered inputs before queued', async () => {
    const id = await createSession();
    t.model.enqueue({ text: 'A' }, { text: 'B' });
    const queued = await prompt(id, 'queued one', { delivery: 'queue', resume: false });
    const steered = await prompt(id, 'steered one', { resume: false });
    const active = await t.http.get('/api/session/active').expect(200);
    expect(active.body.data[id]).toBeUndefined();
    await wait(id);
    expect((await history(id)).map((e) => short(e.type))).toEqual([
      'prompt.admitted',
      'prompt.admitted',
    ]);
    await prompt(id, 'steered one', { id: steered.id });
    await wait(id);
    const prompted = (await history(id)).filter((e) => e.type === 'session.next.prompted');
    expect(prompted.map((e) => e.data.messageID)).toEqual([steered.id, queued.id]);
    expect(prompted.map((e) => e.data.delivery)).toEqual(['steer', 'queue']);
  });

  it('waits for a running turn, reports it active, and interrupts it', async () => {
    const id = await createSession();
    t.model.enqueue({ text: 'partial answer', hang: true });
    await prompt(id, 'Talk forever');
    const events = stream(id);
    await events.waitFor((f) => (f.data as Durable).type === 'session.next.text.started');
    const active = await t.http.get('/api/session/active').expect(200);
    expect(active.body.data[id]).toEqual({ type: 'running' });
    let waited = false;
    const waiting = t.http
      .post(`/api/session/${id}/wait`)
      .expect(204)
      .then(() => (waited = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(waited).toBe(false);
    await t.http.post(`/api/session/${id}/interrupt`).expect(204);
    await waiting;
    const failed = await events.waitFor(
      (f) => (f.data as Durable).type === 'session.next.step.failed',
    );
    expect((failed.data as Durable).data.error).toEqual({
      type: 'unknown',
      message: 'Provider turn interrupted',
    });
    const types = typesOf(events.frames);
    expect(types.slice(types.indexOf('text.started'))).toEqual([
      'text.started',
      'text.ended',
      'step.failed',
    ]);
    const after = await t.http.get('/api/session/active').expect(200);
    expect(after.body.data[id]).toBeUndefined();
    // Idle: interrupt and wait answer at once.
    await t.http.post(`/api/session/${id}/interrupt`).expect(204);
    await wait(id);
  });

  it('switches agent and model as durable events and messages', async () => {
    const id = await createSession({ model: { id: 'fake-model', providerID: 'fake' } });
    await t.http.post(`/api/session/${id}/agent`).send({ agent: 'plan' }).expect(204);
    await t.http
      .post(`/api/session/${id}/model`)
      .send({ model: { id: 'fake-model', providerID: 'fake' } })
      .expect(204);
    await t.http
      .post(`/api/session/${id}/model`)
      .send({ model: { id: 'other', providerID: 'fake' } })
      .expect(204);
    expect((await history(id)).map((e) => short(e.type))).toEqual([
      'agent.switched',
      'model.switched',
    ]);
    const info = await t.http.get(`/api/session/${id}`).expect(200);
    expect(info.body.data).toMatchObject({
      agent: 'plan',
      model: { id: 'other', providerID: 'fake' },
    });
    const messages = await t.http.get(`/api/session/${id}/message?order=asc`).expect(200);
    expect(messages.body.data.map((m: any) => m.type)).toEqual([
      'agent-switched',
      'model-switched',
    ]);
    await t.http.post(`/api/session/${id}/agent`).send({}).expect(400);
  });

  it('compacts through the compaction service', async () => {
    const id = await createSession();
    t.model.enqueue({ text: 'first answer' });
    await prompt(id, 'Something to summarize');
    await wait(id);
    t.model.enqueue({ text: 'The summary.' });
    await t.http.post(`/api/session/${id}/compact`).expect(204);
    const types = (await history(id)).map((e) => short(e.type));
    expect(types.slice(-2)).toEqual(['compaction.started', 'compaction.ended']);
    const context = await t.http.get(`/api/session/${id}/context`).expect(200);
    expect(context.body.data[0]).toMatchObject({
      type: 'compaction',
      reason: 'manual',
      summary: 'The summary.',
    });
  });

  it('stages, clears and commits a revert on top of the snapshots', async () => {
    const id = await createSession();
    const file = join(t.directory, 'made-by-agent.txt');
    t.model.enqueue(
      { toolCalls: [{ name: 'write', arguments: { filePath: file, content: 'hello\n' } }] },
      { text: 'Written.' },
    );
    const write = await prompt(id, 'Write a file');
    await wait(id);
    expect(existsSync(file)).toBe(true);
    t.model.enqueue({ text: 'Just text.' });
    await prompt(id, 'Say something');
    await wait(id);
    const before = await t.http.get(`/api/session/${id}/message?order=asc`).expect(200);

    const staged = await t.http
      .post(`/api/session/${id}/revert/stage`)
      .send({ messageID: write.id })
      .expect(200);
    expect(staged.body.data).toMatchObject({ messageID: write.id });
    expect(existsSync(file)).toBe(false);
    expect((await t.http.get(`/api/session/${id}`).expect(200)).body.data.revert).toMatchObject({
      messageID: write.id,
    });
    // Staged, the messages are still listed.
    const during = await t.http.get(`/api/session/${id}/message?order=asc`).expect(200);
    expect(during.body.data).toHaveLength(before.body.data.length);

    await t.http.post(`/api/session/${id}/revert/clear`).expect(204);
    expect(readFileSync(file, 'utf8')).toBe('hello\n');
    expect((await t.http.get(`/api/session/${id}`).expect(200)).body.data.revert).toBeUndefined();

    await t.http.post(`/api/session/${id}/revert/stage`).send({ messageID: write.id }).expect(200);
    await t.http.post(`/api/session/${id}/revert/commit`).expect(204);
    expect(existsSync(file)).toBe(false);
    const after = await t.http.get(`/api/session/${id}/message?order=asc`).expect(200);
    expect(after.body.data.map((m: any) => m.id)).toEqual([write.id]);
    const types = (await history(id)).map((e) => short(e.type));
    expect(types.slice(-4)).toEqual([
      'revert.staged',
      'revert.cleared',
      'revert.staged',
      'revert.committed',
    ]);
    // Nothing staged: clear and commit do nothing.
    await t.http.post(`/api/session/${id}/revert/clear`).expect(204);
    await t.http.post(`/api/session/${id}/revert/commit`).expect(204);
    expect((await history(id)).length).toBe(types.length);
  });

  it('numbers every session gap-free while many run at once', async () => {
    const ids = await Promise.all(Array.from({ length: 8 }, () => createSession()));
    for (let i = 0; i < ids.length * 2; i++) t.model.enqueue({ text: ['a', 'b', 'c'] });
    const clients = ids.map((id) => stream(id));
    await Promise.all(clients.map((c) => c.response));
    await Promise.all(ids.map((id) => prompt(id, 'go')));
    await Promise.all(ids.map((id) => prompt(id, 'again', { delivery: 'queue' })));
    await Promise.all(ids.map((id) => wait(id)));
    for (const [index, id] of ids.entries()) {
      const events = await history(id);
      expect(events.map((e) => e.durable.seq)).toEqual(events.map((_e, i) => i + 1));
      await clients[index].waitFor((f) => (f.data as Durable).durable.seq === events.length);
      expect(clients[index].frames.map((f) => (f.data as Durable).durable.seq)).toEqual(
        events.map((e) => e.durable.seq),
      );
      expect(events.filter((e) => e.type === 'session.next.step.ended')).toHaveLength(2);
    }
  });
});

describe('/api sessions across a restart', () => {
  it('keeps the log and the admitted inputs; the restarted loop takes them when woken', async () => {
    const first = await startAgentTestApp();
    const created = await first.http
      .post('/api/session')
      .send({ location: { directory: first.directory } })
      .expect(200);
    const id = created.body.data.id as string;
    const admitted = await first.http
      .post(`/api/session/${id}/prompt`)
      .send({ prompt: { text: 'kept for later' }, resume: false })
      .expect(200);
    await first.close();

    const second = await startAgentTestApp({ home: first.home, directory: first.directory });
    try {
      const before = await second.http.get(`/api/session/${id}/history`).expect(200);
      expect(before.body.data.map((e: Durable) => e.type)).toEqual([
        'session.next.prompt.admitted',
      ]);
      second.model.enqueue({ text: 'Taken after the restart.' });
      const again = await second.http
        .post(`/api/session/${id}/prompt`)
        .send({ id: admitted.body.data.id, prompt: { text: 'kept for later' } })
        .expect(200);
      expect(again.body.data.admittedSeq).toBe(admitted.body.data.admittedSeq);
      await second.http.post(`/api/session/${id}/wait`).expect(204);
      const after = await second.http.get(`/api/session/${id}/history`).expect(200);
      expect(after.body.data.map((e: Durable) => short(e.type))).toEqual(TEXT_TURN);
    } finally {
      await second.close();
    }
  });
});
