import {
  eventLabel,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
} from '../support/agent-app';
import { processesMatching } from '../support/processes';

/** `POST /session/:id/abort` stops the model stream, running tools and waiting questions. */
describe('agent loop: abort', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    t = await startAgentTestApp({
      config: { permission: { bash: { '*': 'allow', 'ask *': 'ask' } } },
    });
  });
  afterAll(() => t.close());

  function abort(sessionID: string) {
    return t.http.post(`/session/${sessionID}/abort`).expect(200);
  }

  function labels(sessionID: string): string[] {
    return t.sessionEvents(sessionID).map(eventLabel);
  }

  it('mid-stream: keeps what arrived, stores MessageAbortedError, goes idle once', async () => {
    const sessionID = await t.createSession('abort stream');
    t.model.enqueue({ text: ['partial ', 'answer'], hang: true });
    const answer = t.prompt(sessionID, 'talk');
    await t.waitForEvent('message.part.delta', sessionID, {
      match: (event) => event.properties.delta === 'answer',
    });
    expect((await abort(sessionID)).body).toBe(true);
    const result = await answer;
    expect(result.info.error).toEqual({
      name: 'MessageAbortedError',
      data: { message: 'Aborted' },
    });
    expect(result.info.time.completed).toEqual(expect.any(Number));
    expect(result.parts.find((part) => part.type === 'text')?.text).toBe('partial answer');
    await t.waitForIdle(sessionID);
    const error = await t.waitForEvent('session.error', sessionID);
    expect(error.properties).toEqual({
      sessionID,
      error: { name: 'MessageAbortedError', data: { message: 'Aborted' } },
    });
    // Give a second idle the time to show up, then count.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(labels(sessionID).filter((label) => label === 'session.idle')).toHaveLength(1);
    expect(labels(sessionID).filter((label) => label === 'session.status:idle')).toHaveLength(1);
    expect(turnRequests(t.model).at(-1)!.aborted).toBe(true);
    const stored = await t.messages(sessionID);
    expect(stored[1].info.error?.name).toBe('MessageAbortedError');
    const status = await t.http.get('/session/status').expect(200);
    expect(status.body[sessionID]).toBeUndefined();
  });

  it('stores the text of a long stream as it goes, without extra events', async () => {
    const sessionID = await t.createSession('checkpoint');
    t.model.enqueue({ text: ['first ', 'second ', 'third ', 'fourth '], delayMs: 400, hang: true });
    const answer = t.prompt(sessionID, 'talk slowly');
    await t.waitForEvent('message.part.delta', sessionID, {
      match: (event) => event.properties.delta === 'fourth ',
    });
    // Read while the answer still streams: a second in, the text so far was stored.
    const [, streaming] = await t.messages(sessionID);
    const text = streaming.parts.find((part) => part.type === 'text');
    expect(text?.text).toMatch(/^first second( third)?/);
    expect(streaming.info.time.completed).toBeUndefined();
    const textUpdates = labels(sessionID).filter((label) => label === 'message.part.updated:text');
    // The user's prompt and the part's start: the stored text went out as deltas only.
    expect(textUpdates).toHaveLength(2);
    await abort(sessionID);
    await answer;
  });

  it('mid-bash: kills the whole process group and marks the tool interrupted', async () => {
    const sessionID = await t.createSession('abort bash');
    const marker = `abort-marker-${process.pid}-${Date.now()}`;
    t.model.enqueue({
      toolCalls: [
        {
          name: 'bash',
          arguments: {
            command: `sh -c 'sleep 300; : ${marker}' & sh -c 'sleep 300; : ${marker}'; echo never`,
          },
        },
      ],
    });
    const requestsBefore = turnRequests(t.model).length;
    const answer = t.prompt(sessionID, 'sleep');
    await t.waitForEvent('message.part.updated', sessionID, {
      match: (event) => event.properties.part.state?.status === 'running',
    });
    // Both sleepers are up before the abort.
    const deadline = Date.now() + 3000;
    // The shell and both sleepers (whose command lines carry the marker) are up before the abort.
    while ((await processesMatching(marker, 0)).length < 3 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await processesMatching(marker, 0)).toHaveLength(3);

    const started = Date.now();
    await abort(sessionID);
    const result = await answer;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.info.error?.name).toBe('MessageAbortedError');
    const tool = result.parts.find((part) => part.type === 'tool')!;
    expect(tool.state).toMatchObject({
      status: 'error',
      error: 'Tool execution aborted',
      metadata: { interrupted: true },
    });
    await expect(processesMatching(marker)).resolves.toEqual([]);
    // The turn stopped: no further model call.
    expect(turnRequests(t.model).length).toBe(requestsBefore + 1);
    await t.waitForIdle(sessionID);
    expect(labels(sessionID).filter((label) => label === 'session.idle')).toHaveLength(1);
  });

  it('withdraws a waiting permission request: a later reply is a 404', async () => {
    const sessionID = await t.createSession('abort permission');
    t.model.enqueue({ toolCalls: [{ name: 'bash', arguments: { command: 'ask me' } }] });
    await t.promptAsync(sessionID, 'ask');
    const request = await t.waitForEvent('permission.asked', sessionID);
    await abort(sessionID);
    await t.waitForIdle(sessionID);
    await t.http
      .post(`/session/${sessionID}/permissions/${request.properties.id}`)
      .send({ response: 'once' })
      .expect(404);
    const stored = await t.messages(sessionID);
    const assistant = stored[1];
    expect(assistant.info.error?.name).toBe('MessageAbortedError');
    const tool = assistant.parts.find((part) => part.type === 'tool')!;
    expect(tool.state).toMatchObject({ status: 'error', error: 'Tool execution aborted' });
    const sequence = labels(sessionID);
    expect(sequence.filter((label) => label === 'session.idle')).toHaveLength(1);
    expect(sequence.indexOf('session.error')).toBeLessThan(sequence.indexOf('session.idle'));
  });

  it('answers prompts queued behind the aborted turn as aborted, without calling the model', async () => {
    const sessionID = await t.createSession('abort queue');
    t.model.enqueue({ text: ['slow'], hang: true });
    const first = t.prompt(sessionID, 'first');
    await t.waitForEvent('message.part.delta', sessionID);
    const second = t.prompt(sessionID, 'second');
    // The second prompt is stored before the abort.
    await t.waitForEvent('message.updated', sessionID, {
      match: (event) =>
        event.properties.info.role === 'user' &&
        t
          .sessionEvents(sessionID)
          .filter((e) => e.type === 'message.updated' && e.properties.info.role === 'user')
          .length === 2,
    });
    const requests = turnRequests(t.model).length;
    await abort(sessionID);
    const [a, b] = await Promise.all([first, second]);
    expect(a.info.error?.name).toBe('MessageAbortedError');
    expect(b.info.error?.name).toBe('MessageAbortedError');
    expect(a.info.id).not.toBe(b.info.id);
    expect(turnRequests(t.model).length).toBe(requests);
    await t.waitForIdle(sessionID);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(labels(sessionID).filter((label) => label === 'session.idle')).toHaveLength(1);
  });

  it('aborts while waiting to retry', async () => {
    const sessionID = await t.createSession('abort retry');
    t.model.enqueue({ status: 429, retryAfter: 20 });
    const answer = t.prompt(sessionID, 'hi');
    await t.waitForEvent('session.status', sessionID, {
      match: (event) => event.properties.status.type === 'retry',
    });
    const status = await t.http.get('/session/status').expect(200);
    expect(status.body[sessionID]).toMatchObject({ type: 'retry', attempt: 1 });
    await abort(sessionID);
    const result = await answer;
    expect(result.info.error?.name).toBe('MessageAbortedError');
    await t.waitForIdle(sessionID);
  });

  it('aborting a turn aborts the subagent session its task tool runs', async () => {
    const sessionID = await t.createSession('abort task');
    t.model.enqueue(
      {
        toolCalls: [
          {
            name: 'task',
            arguments: { description: 'Dig', prompt: 'dig deep', subagent_type: 'general' },
          },
        ],
      },
      { text: ['digging'], hang: true },
    );
    const answer = t.prompt(sessionID, 'delegate');
    const created = await t.sse.waitFor(
      (frame) =>
        (frame.data as { type: string }).type === 'session.created' &&
        (frame.data as { properties: { info: { parentID?: string } } }).properties.info.parentID ===
          sessionID,
    );
    const childID = (created.data as { properties: { info: { id: string } } }).properties.info.id;
    await t.waitForEvent('message.part.delta', childID);
    await abort(sessionID);
    const result = await answer;
    expect(result.info.error?.name).toBe('MessageAbortedError');
    const tool = result.parts.find((part) => part.type === 'tool')!;
    expect(tool.state.status).toBe('error');
    await t.waitForIdle(childID);
    const child = await t.messages(childID);
    expect(child[1].info.error?.name).toBe('MessageAbortedError');
  });

  it('is a no-op on an idle session and a 404 on an unknown one', async () => {
    const sessionID = await t.createSession('idle abort');
    expect((await abort(sessionID)).body).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(labels(sessionID).filter((label) => label.startsWith('session.status'))).toEqual([]);
    await t.http.post('/session/ses_unknown/abort').expect(404);
  });

  it('the session works again after an abort', async () => {
    const sessionID = await t.createSession('after abort');
    t.model.enqueue({ text: ['x'], hang: true });
    const answer = t.prompt(sessionID, 'one');
    await t.waitForEvent('message.part.delta', sessionID);
    await abort(sessionID);
    await answer;
    t.model.enqueue({ text: 'fine again' });
    const next = await t.prompt(sessionID, 'two');
    expect(next.info.error).toBeUndefined();
    expect(next.parts.find((part) => part.type === 'text')?.text).toBe('fine again');
    // The aborted answer is part of the history the model sees.
    const history = JSON.stringify(turnRequests(t.model).at(-1)!.body.messages);
    expect(history).toContain('one');
    expect(history).toContain('two');
  });

  // Last: disposing the instance ends the `/event` stream the other tests read.
  it('disposing the instance aborts the turns running in it', async () => {
    const sessions = [await t.createSession('dispose a'), await t.createSession('dispose b')];
    t.model.enqueue({ text: ['a'], hang: true }, { text: ['b'], hang: true });
    const answers = Promise.all(sessions.map((id) => t.prompt(id, 'hang')));
    await Promise.all(sessions.map((id) => t.waitForEvent('message.part.delta', id)));
    await t.http.post('/instance/dispose').expect(200);
    const results = await answers;
    expect(results.map((result) => result.info.error?.name)).toEqual([
      'MessageAbortedError',
      'MessageAbortedError',
    ]);
  });
});
