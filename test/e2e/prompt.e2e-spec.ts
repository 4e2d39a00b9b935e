import { connectSse, frameType, type SseClient } from '../support/sse-client';
import { startAgentTestApp, turnRequests, type AgentTestApp } from '../support/agent-app';

interface Event {
  type: string;
  properties: { sessionID?: string; delta?: string; info?: { sessionID?: string } };
}

interface StoredMessage {
  info: { role: string; finish?: string };
  parts: Array<{ type: string; text?: string; state?: { status: string; output?: string } }>;
}

function events(sse: SseClient, sessionID: string): Event[] {
  return sse.frames
    .map((frame) => frame.data as Event)
    .filter(
      (event) =>
        event.properties?.sessionID === sessionID ||
        event.properties?.info?.sessionID === sessionID,
    );
}

describe('agent loop: prompts', () => {
  let t: AgentTestApp;
  let sse: SseClient;

  beforeAll(async () => {
    t = await startAgentTestApp();
    sse = connectSse(`${t.url}/event`);
    await sse.waitFor((frame) => frameType(frame) === 'server.connected');
  });
  afterAll(async () => {
    sse.close();
    await t.close();
  });

  it('answers a text prompt, streaming deltas and storing the parts', async () => {
    const sessionID = await t.createSession('text turn');
    t.model.enqueue({
      text: ['Hello', ', ', 'world'],
      usage: { prompt_tokens: 100, completion_tokens: 20 },
    });
    const response = await t.http
      .post(`/session/${sessionID}/message`)
      .send({ parts: [{ type: 'text', text: 'Say hello' }] })
      .expect(200);
    const { info, parts } = response.body;
    expect(info.role).toBe('assistant');
    expect(info.finish).toBe('stop');
    expect(info.providerID).toBe('fake');
    expect(info.modelID).toBe('fake-model');
    expect(info.time.completed).toBeGreaterThanOrEqual(info.time.created);
    expect(parts.map((part: { type: string }) => part.type)).toEqual([
      'step-start',
      'text',
      'step-finish',
    ]);
    expect(parts[1].text).toBe('Hello, world');
    expect(parts[2].tokens).toMatchObject({ input: 100, output: 20 });
    // 100 input tokens at $1/M and 20 output tokens at $2/M.
    expect(parts[2].cost).toBeCloseTo(0.00014, 8);

    await sse.waitFor(
      (frame) =>
        frameType(frame) === 'session.idle' &&
        (frame.data as Event).properties.sessionID === sessionID,
    );
    const types = events(sse, sessionID).map((event) => event.type);
    const deltas = events(sse, sessionID).filter((event) => event.type === 'message.part.delta');
    expect(deltas.map((event) => event.properties.delta)).toEqual(['Hello', ', ', 'world']);
    expect(types.indexOf('session.status')).toBeLessThan(types.indexOf('message.part.delta'));
    expect(types.lastIndexOf('session.idle')).toBeGreaterThan(types.lastIndexOf('message.updated'));
    expect(types.filter((type) => type === 'session.idle')).toHaveLength(1);

    const stored = await t.http.get(`/session/${sessionID}/message`).expect(200);
    expect(stored.body).toHaveLength(2);
    expect(stored.body[1].parts[1].text).toBe('Hello, world');
    const session = await t.http.get(`/session/${sessionID}`).expect(200);
    expect(session.body.cost).toBeCloseTo(0.00014, 8);
  });

  it('runs a tool and feeds its result back to the model', async () => {
    const sessionID = await t.createSession('tool turn');
    const before = turnRequests(t.model).length;
    t.model.enqueue(
      { toolCalls: [{ name: 'read', arguments: { filePath: 'README.md' } }] },
      { text: 'The README is a heading.' },
    );
    const response = await t.http
      .post(`/session/${sessionID}/message`)
      .send({ parts: [{ type: 'text', text: 'Read the README' }] })
      .expect(200);
    expect(response.body.parts.find((part: { type: string }) => part.type === 'text').text).toBe(
      'The README is a heading.',
    );
    const messages = (await t.http.get(`/session/${sessionID}/message`).expect(200))
      .body as StoredMessage[];
    expect(messages.map((message) => message.info.role)).toEqual([
      'user',
      'assistant',
      'assistant',
    ]);
    expect(messages[1].info.finish).toBe('tool-calls');
    const tool = messages[1].parts.find((part) => part.type === 'tool')!;
    expect(tool.state?.status).toBe('completed');
    expect(tool.state?.output).toContain('1: # test');
    const second = turnRequests(t.model)[before + 1];
    const toolMessage = (second.body.messages as Array<{ role: string; content: string }>).find(
      (message) => message.role === 'tool',
    );
    expect(toolMessage?.content).toContain('# test');
  });

  it('refuses unknown sessions, malformed ids, bad parts and unknown models without storing anything', async () => {
    await t.http
      .post('/session/ses_unknown123/message')
      .send({ parts: [{ type: 'text', text: 'x' }] })
      .expect(404);
    await t.http
      .post('/session/nope/message')
      .send({ parts: [{ type: 'text', text: 'x' }] })
      .expect(400);
    const sessionID = await t.createSession();
    const bad = await t.http
      .post(`/session/${sessionID}/message`)
      .send({ parts: [{ type: 'text', text: 42 }] })
      .expect(400);
    expect(bad.body.name).toBe('BadRequest');
    await t.http
      .post(`/session/${sessionID}/message`)
      .send({ parts: [{ type: 'bogus' }] })
      .expect(400);
    await t.http.post(`/session/${sessionID}/message`).send({ parts: [] }).expect(400);
    const unknownModel = await t.http
      .post(`/session/${sessionID}/message`)
      .send({
        model: { providerID: 'fake', modelID: 'nope' },
        parts: [{ type: 'text', text: 'x' }],
      })
      .expect(400);
    expect(unknownModel.body.name).toBe('ProviderModelNotFoundError');
    const outside = await t.http
      .post(`/session/${sessionID}/message`)
      .send({ parts: [{ type: 'file', mime: 'text/plain', url: 'file:///etc/passwd' }] })
      .expect(400);
    expect(outside.body.data.field).toBe('parts.0.url');
    const stored = await t.http.get(`/session/${sessionID}/message`).expect(200);
    expect(stored.body).toEqual([]);
  });

  it('accepts prompt_async with 204 and answers in the background', async () => {
    const sessionID = await t.createSession();
    t.model.enqueue({ text: 'async answer' });
    await t.http
      .post(`/session/${sessionID}/prompt_async`)
      .send({ parts: [{ type: 'text', text: 'hi' }] })
      .expect(204);
    await sse.waitFor(
      (frame) =>
        frameType(frame) === 'session.idle' &&
        (frame.data as Event).properties.sessionID === sessionID,
    );
    const stored = await t.http.get(`/session/${sessionID}/message`).expect(200);
    expect(stored.body[1].parts.find((part: { type: string }) => part.type === 'text').text).toBe(
      'async answer',
    );
  });

  it('runs a shell command without the model', async () => {
    const sessionID = await t.createSession();
    const before = t.model.requests.length;
    const response = await t.http
      .post(`/session/${sessionID}/shell`)
      .send({ agent: 'build', command: 'echo shell-output' })
      .expect(200);
    const tool = response.body.parts.find((part: { type: string }) => part.type === 'tool');
    expect(tool.tool).toBe('bash');
    expect(tool.state.status).toBe('completed');
    expect(tool.state.output).toContain('shell-output');
    expect(t.model.requests.length).toBe(before);
  });

  it('init: has the model study the project, then marks the project initialized', async () => {
    const sessionID = await t.createSession('init');
    const before = (await t.http.get('/project/current').expect(200)).body as {
      time: { initialized?: number };
    };
    expect(before.time.initialized).toBeUndefined();
    t.model.enqueue({ text: 'Wrote AGENTS.md.' });
    await t.http
      .post(`/session/${sessionID}/init`)
      .send({
        providerID: 'fake',
        modelID: 'fake-model',
        messageID: 'msg_ffffffffffff00init0000000',
      })
      .expect(200, 'true');
    expect(JSON.stringify(turnRequests(t.model).at(-1)?.body)).toContain('AGENTS.md');
    const after = (await t.http.get('/project/current').expect(200)).body as {
      id: string;
      time: { initialized?: number };
    };
    expect(after.time.initialized).toEqual(expect.any(Number));
    const updated = await sse.waitFor((frame) => frameType(frame) === 'project.updated');
    expect(updated.data).toMatchObject({
      type: 'project.updated',
      properties: { id: after.id, time: { initialized: after.time.initialized } },
    });
  });
});
