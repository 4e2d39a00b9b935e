import { request as httpRequest, type IncomingMessage } from 'node:http';
import {
  eventLabel,
  sessionOf,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
  type BusEvent,
} from '../support/agent-app';
import { connectSse } from '../support/sse-client';

/**
 * The events of a turn, in the order the original server publishes them (see
 * `../shared/reference/recorded/prompt1.event.jsonl`), and what the turn stores.
 */
describe('agent loop: events and stored parts of a turn', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    t = await startAgentTestApp();
  });
  afterAll(() => t.close());

  it('publishes a read-then-answer turn in the original order', async () => {
    const sessionID = await t.createSession();
    t.model.enqueue(
      {
        toolCalls: [{ name: 'read', arguments: { filePath: 'README.md' } }],
        usage: { prompt_tokens: 100, completion_tokens: 10 },
      },
      {
        reasoning: ['Short ', 'file.'],
        text: ['The ', 'README ', 'is a heading.'],
        usage: { prompt_tokens: 200, completion_tokens: 30, reasoning_tokens: 4 },
      },
    );
    const answer = await t.prompt(sessionID, 'Read the README and summarise it');
    await t.waitForIdle(sessionID);

    const events = t.sessionEvents(sessionID);
    const labels = events.map(eventLabel);
    // The session is updated (agent and model chosen, usage added, title, touched) at several
    // points; the other events follow the original exactly.
    expect(labels.filter((label) => label !== 'session.updated')).toEqual([
      'session.created',
      'message.updated:user',
      'message.part.updated:text',
      'session.status:busy',
      'message.updated:assistant',
      'message.part.updated:step-start',
      'message.part.updated:tool:pending',
      'message.part.updated:tool:running',
      'message.part.updated:tool:completed',
      'message.part.updated:step-finish',
      'message.updated:assistant:tool-calls',
      'message.updated:assistant:tool-calls:completed',
      'message.updated:assistant',
      'message.part.updated:step-start',
      'message.part.updated:reasoning',
      'message.part.delta',
      'message.part.delta',
      'message.part.updated:reasoning',
      'message.part.updated:text',
      'message.part.delta',
      'message.part.delta',
      'message.part.delta',
      'message.part.updated:text',
      'message.part.updated:step-finish',
      'message.updated:assistant:stop',
      'message.updated:assistant:stop:completed',
      // The turn's changed files: the prompt's summary.diffs, then session.diff (empty here).
      'message.updated:user',
      'session.diff',
      'session.status:idle',
      'session.idle',
    ]);
    expect(labels[1]).toBe('session.updated');
    expect(labels.at(-1)).toBe('session.updated');
    expect(labels.filter((label) => label === 'session.idle')).toHaveLength(1);

    // Deltas carry exactly the reference's fields and name the part they grow.
    const deltas = events.filter((event) => event.type === 'message.part.delta');
    const textPart = answer.parts.find((part) => part.type === 'text')!;
    const reasoningPart = answer.parts.find((part) => part.type === 'reasoning')!;
    expect(deltas.map((event) => event.properties)).toEqual([
      ...['Short ', 'file.'].map((delta) => ({
        sessionID,
        messageID: answer.info.id,
        partID: reasoningPart.id,
        field: 'text',
        delta,
      })),
      ...['The ', 'README ', 'is a heading.'].map((delta) => ({
        sessionID,
        messageID: answer.info.id,
        partID: textPart.id,
        field: 'text',
        delta,
      })),
    ]);
    const partUpdate = events.find((event) => event.type === 'message.part.updated')!;
    expect(Object.keys(partUpdate.properties).sort()).toEqual(['part', 'sessionID', 'time']);

    // The HTTP answer is the last assistant message, as stored.
    expect(answer.info).toMatchObject({
      role: 'assistant',
      finish: 'stop',
      providerID: 'fake',
      modelID: 'fake-model',
      mode: 'build',
      agent: 'build',
      path: { cwd: t.directory, root: t.directory },
    });
    expect(answer.parts.map((part) => part.type)).toEqual([
      'step-start',
      'reasoning',
      'text',
      'step-finish',
    ]);
    expect(textPart.text).toBe('The README is a heading.');
    expect(reasoningPart.text).toBe('Short file.');
    expect(textPart.time.end).toBeGreaterThanOrEqual(textPart.time.start);

    const stored = await t.messages(sessionID);
    expect(stored.map((message) => message.info.role)).toEqual(['user', 'assistant', 'assistant']);
    expect(stored[2]).toEqual(answer);
    const [user, first] = stored;
    expect(first.info.parentID).toBe(user.info.id);
    expect(stored[2].info.parentID).toBe(user.info.id);
    const tool = first.parts.find((part) => part.type === 'tool')!;
    expect(tool).toMatchObject({
      tool: 'read',
      callID: expect.any(String),
      state: {
        status: 'completed',
        input: { filePath: 'README.md' },
        title: expect.any(String),
        metadata: expect.any(Object),
        time: { start: expect.any(Number), end: expect.any(Number) },
      },
    });
    expect(tool.state.output).toContain('# test');

    // The second request carried the tool call and its result.
    const requests = turnRequests(t.model).slice(-2);
    const history = requests[1].body.messages as Array<{ role: string }>;
    expect(history.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'tool']);
  });

  it('prices each step from the catalog and adds tokens and cost up on the session', async () => {
    const sessionID = await t.createSession('usage');
    t.model.enqueue(
      {
        toolCalls: [{ name: 'todoread', arguments: {} }],
        usage: { prompt_tokens: 1000, completion_tokens: 100 },
      },
      { text: 'one', usage: { prompt_tokens: 2000, completion_tokens: 200, reasoning_tokens: 50 } },
      {
        text: 'two',
        usage: { prompt_tokens: 3000, completion_tokens: 300, cached_tokens: 1000 },
      },
    );
    const first = await t.prompt(sessionID, 'first');
    const finish = first.parts.find((part) => part.type === 'step-finish')!;
    expect(finish.reason).toBe('stop');
    expect(finish.tokens).toEqual({
      total: 2200,
      input: 2000,
      output: 150,
      reasoning: 50,
      cache: { read: 0, write: 0 },
    });
    // $1 per million input tokens, $2 per million output (and reasoning) tokens.
    expect(finish.cost).toBeCloseTo((2000 * 1 + 200 * 2) / 1e6, 10);
    expect(first.info.cost).toBeCloseTo(finish.cost, 10);
    await t.prompt(sessionID, 'second');
    await t.waitForIdle(sessionID, 2);

    const session = (await t.http.get(`/session/${sessionID}`).expect(200)).body;
    expect(session.tokens).toEqual({
      input: 1000 + 2000 + 2000,
      output: 100 + 150 + 300,
      reasoning: 50,
      cache: { read: 1000, write: 0 },
    });
    const expected = (1000 + 100 * 2 + 2000 + 200 * 2 + 2000 + 300 * 2) / 1e6;
    expect(session.cost).toBeCloseTo(expected, 10);
    const updates = t
      .sessionEvents(sessionID)
      .filter((event: BusEvent) => event.type === 'session.updated');
    expect(updates.at(-1)!.properties.info.cost).toBeCloseTo(expected, 10);
  });

  it('keeps a default-titled prompt on the build agent and remembers agent and model on the session', async () => {
    const sessionID = await t.createSession();
    await t.prompt(sessionID, 'hello');
    const session = (await t.http.get(`/session/${sessionID}`).expect(200)).body;
    expect(session).toMatchObject({
      agent: 'build',
      model: { id: 'fake-model', providerID: 'fake' },
    });
  });

  it('stores agent and subtask parts; a subtask runs as a task before the model answers', async () => {
    const sessionID = await t.createSession('agent parts');
    // The subagent's own turn (in a child session) first, then the parent's answer.
    t.model.enqueue({ text: 'three test files' }, { text: 'noted' });
    const answer = await t.prompt(sessionID, {
      parts: [
        { type: 'text', text: 'look into it' },
        { type: 'agent', name: 'explore' },
        {
          type: 'subtask',
          prompt: 'list the tests',
          description: 'List tests',
          agent: 'general',
        },
      ],
    });
    expect(answer.parts.find((part) => part.type === 'text')?.text).toBe('noted');
    const [user, subtask] = await t.messages(sessionID);
    expect(user.parts.map((part) => part.type)).toEqual(['text', 'agent', 'subtask']);
    expect(user.parts[1]).toMatchObject({ name: 'explore', messageID: user.info.id, sessionID });
    expect(user.parts[2]).toMatchObject({ prompt: 'list the tests', agent: 'general' });
    const task = subtask.parts.find((part) => part.type === 'tool');
    expect(task).toMatchObject({ tool: 'task', state: { status: 'completed' } });
    expect(task?.state?.output).toContain('three test files');
    const children = await t.http.get(`/session/${sessionID}/children`).expect(200);
    expect(children.body).toHaveLength(1);
    const sent = JSON.stringify(turnRequests(t.model).at(-1)!.body.messages);
    expect(sent).toContain('explore');
    expect(sent).toContain('list the tests');
    expect(sent).toContain('three test files');
  });

  it('the sync route sends status and headers at once and the body when the turn ends', async () => {
    const sessionID = await t.createSession('slow turn');
    t.model.enqueue({ text: ['one ', 'two ', 'three ', 'four ', 'five'], delayMs: 80 });
    const sent = Date.now();
    const { response, headersAt, body, bodyAt } = await new Promise<{
      response: IncomingMessage;
      headersAt: number;
      body: string;
      bodyAt: number;
    }>((resolve, reject) => {
      const request = httpRequest(
        `${t.url}/session/${sessionID}/message`,
        { method: 'POST', headers: { 'content-type': 'application/json' } },
        (response) => {
          const headersAt = Date.now();
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ response, headersAt, body, bodyAt: Date.now() }));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(JSON.stringify({ parts: [{ type: 'text', text: 'count slowly' }] }));
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    // The model takes ~0.6 s (8 chunks, 80 ms apart); the headers come long before that.
    expect(headersAt - sent).toBeLessThan(300);
    expect(bodyAt - headersAt).toBeGreaterThan(300);
    const answer = JSON.parse(body);
    expect(answer.info.role).toBe('assistant');
    expect(answer.parts.find((part: { type: string }) => part.type === 'text').text).toBe(
      'one two three four five',
    );
  });

  it('answers the sync route only after the turn’s last events reached the event streams', async () => {
    // `opencode run --attach` stops reading /event as soon as this answer arrives: the
    // step-finish part and the idle status must be in before it, on every run.
    const global = connectSse(`${t.url}/global/event`);
    await global.waitFor(() => true);
    try {
      for (let run = 0; run < 15; run++) {
        const sessionID = await t.createSession(`ordered ${run}`);
        const response = await fetch(`${t.url}/session/${sessionID}/message`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ parts: [{ type: 'text', text: 'hi' }] }),
        });
        const answer = (await response.json()) as { info: { id: string } };
        // Checked synchronously on arrival: nothing else may run in between.
        const seen = t.sessionEvents(sessionID).map(eventLabel);
        expect(seen).toEqual(
          expect.arrayContaining(['message.part.updated:step-finish', 'session.idle']),
        );
        const globalSeen = global.frames.filter(
          (frame) =>
            (frame.data as { payload: BusEvent }).payload.type === 'session.idle' &&
            sessionOf((frame.data as { payload: BusEvent }).payload) === sessionID,
        );
        expect(globalSeen).toHaveLength(1);
        expect(answer.info.id).toMatch(/^msg_/);
      }
    } finally {
      global.close();
    }
  });

  it('prompt_async answers 204 before the model has finished', async () => {
    const sessionID = await t.createSession('async');
    t.model.enqueue({ text: ['slow ', 'answer'], delayMs: 150 });
    const sent = Date.now();
    await t.promptAsync(sessionID, 'hi');
    expect(Date.now() - sent).toBeLessThan(300);
    const statusNow = await t.http.get('/session/status').expect(200);
    expect(statusNow.body[sessionID]).toEqual({ type: 'busy' });
    await t.waitForIdle(sessionID);
    const stored = await t.messages(sessionID);
    expect(stored[1].parts.find((part) => part.type === 'text')?.text).toBe('slow answer');
  });
});
