import { SessionRunRegistry } from '../../src/session/session-run.registry';
import { CompactionService, SUMMARY_QUESTION } from '../../src/compaction/compaction.service';
import {
  eventLabel,
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
} from '../support/agent-app';

const MODEL = { providerID: 'fake', modelID: 'fake-model' };

describe('POST /session/:id/summarize', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    t = await startAgentTestApp();
  });
  afterAll(() => t.close());
  afterEach(() => t.model.reset());

  /** A session with one answered prompt (titled, so no title is generated meanwhile). */
  async function conversation(): Promise<string> {
    const sessionID = await t.createSession('Compact me');
    t.model.enqueue({ text: 'The answer is 42.' });
    await t.prompt(sessionID, 'What is the answer?');
    // The turn's last events may still be on their way over SSE when the answer arrives.
    await t.waitForIdle(sessionID);
    return sessionID;
  }

  it('compacts: a compaction prompt answered by a summary message, then session.compacted', async () => {
    const sessionID = await conversation();
    const from = t.sessionEvents(sessionID).length;
    const requestsBefore = turnRequests(t.model).length;
    t.model.enqueue({ text: '## Goal\nKnow the answer.' });

    await t.http
      .post(`/session/${sessionID}/summarize`)
      .send({ ...MODEL })
      .expect(200, 'true');

    // The model saw the conversation, then the request for a summary.
    const request = turnRequests(t.model)[requestsBefore];
    const sent = requestMessages(request);
    expect(sent[0]).toMatchObject({ role: 'system' });
    expect(JSON.stringify(sent)).toContain('What is the answer?');
    expect(JSON.stringify(sent)).toContain('The answer is 42.');
    expect(sent.at(-1)).toMatchObject({ role: 'user' });
    expect(JSON.stringify(sent.at(-1))).toContain('Summarize the conversation above');

    const messages = await t.messages(sessionID);
    const [prompt, summary] = messages.slice(-2);
    expect(prompt.info).toMatchObject({ role: 'user', agent: 'build', model: MODEL });
    expect(prompt.parts).toEqual([
      {
        id: expect.stringMatching(/^prt_/) as string,
        sessionID,
        messageID: prompt.info.id,
        type: 'compaction',
        auto: false,
      },
    ]);
    expect(summary.info).toMatchObject({
      role: 'assistant',
      parentID: prompt.info.id,
      summary: true,
      mode: 'compaction',
      agent: 'compaction',
      providerID: 'fake',
      modelID: 'fake-model',
      finish: 'stop',
      tokens: { input: 10, output: 5 },
    });
    expect(summary.info.cost).toBeGreaterThan(0);
    expect(summary.info.time.completed).toBeGreaterThanOrEqual(summary.info.time.created);
    expect(summary.parts.map((part) => part.type)).toEqual(['step-start', 'text', 'step-finish']);
    expect(summary.parts[1].text).toBe('## Goal\nKnow the answer.');

    await t.waitForEvent('session.compacted', sessionID, { from });
    await t.waitForIdle(sessionID, 2);
    const labels = t
      .sessionEvents(sessionID)
      .slice(from)
      .map((event) =>
        event.type === 'session.updated'
          ? `session.updated${event.properties.info.time.compacting ? ':compacting' : ''}`
          : event.type === 'session.status'
            ? `session.status:${event.properties.status.type}`
            : eventLabel(event),
      );
    expect(labels.filter((label) => !label.startsWith('message.'))).toEqual([
      'session.status:busy',
      'session.updated:compacting',
      // The summary's cost and tokens added to the session's.
      'session.updated:compacting',
      'session.updated',
      'session.compacted',
      'session.status:idle',
      'session.idle',
      // Run as the session's turn: touched when its queue empties, as after a prompt.
      'session.updated',
    ]);
    expect(labels.indexOf('session.compacted')).toBeGreaterThan(
      labels.lastIndexOf('message.updated:assistant:stop:completed'),
    );
  });

  it("starts the model's context at the last summary", async () => {
    const sessionID = await conversation();
    t.model.enqueue({ text: 'First summary.' });
    await t.http.post(`/session/${sessionID}/summarize`).send(MODEL).expect(200, 'true');

    const history = t.app.get(CompactionService).conversation(sessionID);
    expect(history.map(({ info }) => info.role)).toEqual(['user', 'assistant']);
    expect(history[0].parts.map((part) => part.type)).toEqual(['compaction', 'text']);
    expect(history[0].parts[1]).toMatchObject({ text: SUMMARY_QUESTION, synthetic: true });

    // A second compaction summarizes from the first summary on.
    const before = turnRequests(t.model).length;
    t.model.enqueue({ text: 'Second summary.' });
    await t.http
      .post(`/session/${sessionID}/summarize`)
      .send({ ...MODEL, auto: true })
      .expect(200, 'true');
    const sent = JSON.stringify(requestMessages(turnRequests(t.model)[before]));
    expect(sent).toContain('First summary.');
    expect(sent).toContain(SUMMARY_QUESTION);
    expect(sent).not.toContain('What is the answer?');
    const messages = await t.messages(sessionID);
    expect(messages.at(-2)!.parts[0]).toMatchObject({ type: 'compaction', auto: true });
  });

  it('stores a failed model call on the summary message and answers false', async () => {
    const sessionID = await conversation();
    const from = t.sessionEvents(sessionID).length;
    t.model.enqueue({ status: 400, body: { error: { message: 'bad request' } } });
    await t.http.post(`/session/${sessionID}/summarize`).send(MODEL).expect(200, 'false');
    const summary = (await t.messages(sessionID)).at(-1)!;
    expect(summary.info).toMatchObject({
      summary: true,
      error: { name: 'APIError', data: { statusCode: 400 } },
    });
    expect(summary.parts.map((part) => part.type)).toEqual(['step-start']);
    await t.waitForEvent('session.error', sessionID, { from });
    await t.waitForIdle(sessionID, 2);
    const types = t
      .sessionEvents(sessionID)
      .slice(from)
      .map((event) => event.type);
    expect(types).not.toContain('session.compacted');
    // The failed summary does not become the start of the context.
    expect(t.app.get(CompactionService).conversation(sessionID)).toHaveLength(4);
  });

  it('queues a prompt sent while the summary is written, and answers it after', async () => {
    const sessionID = await conversation();
    t.model.enqueue({ text: ['slow ', 'summary'], delayMs: 150 }, { text: 'after the summary' });
    // supertest sends on then(): start the request now, await it later.
    const summarizing = t.http
      .post(`/session/${sessionID}/summarize`)
      .send({ ...MODEL })
      .then((response) => response);
    const from = t.sessionEvents(sessionID).length;
    await t.waitForEvent('session.status', sessionID, { from });
    const answer = await t.prompt(sessionID, 'and now?');
    expect((await summarizing).body).toBe(true);
    expect(answer.info.error).toBeUndefined();
    expect(answer.parts.find((part) => part.type === 'text')?.text).toBe('after the summary');
  });

  it('is stopped by POST /session/:id/abort', async () => {
    const sessionID = await conversation();
    t.model.enqueue({ text: 'too late', delayMs: 3000 });
    const pending = t.http.post(`/session/${sessionID}/summarize`).send(MODEL);
    const done = pending.then((response) => response);
    await t.model.waitForRequests(turnRequests(t.model).length + 1);
    await t.http.post(`/session/${sessionID}/abort`).expect(200);
    const response = await done;
    expect(response.status).toBe(200);
    expect(response.body).toBe(false);
    const summary = (await t.messages(sessionID)).at(-1)!;
    expect(summary.info.error).toEqual({
      name: 'MessageAbortedError',
      data: { message: 'Aborted' },
    });
  });

  it('refuses a busy session (409), an empty one (400) and an unknown model (400)', async () => {
    const sessionID = await conversation();
    const runs = t.app.get(SessionRunRegistry);
    const signal = runs.begin(sessionID);
    try {
      const busy = await t.http.post(`/session/${sessionID}/summarize`).send(MODEL).expect(409);
      expect(busy.body.name).toBe('SessionBusyError');
    } finally {
      runs.end(sessionID, signal);
    }

    const unknown = await t.http
      .post(`/session/${sessionID}/summarize`)
      .send({ providerID: 'fake', modelID: 'nope' })
      .expect(400);
    expect(unknown.body).toMatchObject({
      name: 'ProviderModelNotFoundError',
      data: { providerID: 'fake', modelID: 'nope' },
    });
    expect(await t.messages(sessionID)).toHaveLength(2);

    const empty = await t.createSession();
    const response = await t.http.post(`/session/${empty}/summarize`).send(MODEL).expect(400);
    expect(response.body).toEqual({
      name: 'BadRequest',
      data: { message: 'The session has no messages to summarize' },
    });
  });

  it('answers 404 for an unknown session and 400 naming the field of a bad body', async () => {
    const sessionID = await t.createSession();
    const missing = await t.http
      .post('/session/ses_0123456789abcdefABCDEF/summarize')
      .send(MODEL)
      .expect(404);
    expect(missing.body.name).toBe('NotFoundError');
    const malformed = await t.http.post('/session/nope/summarize').send(MODEL).expect(400);
    expect(malformed.body).toMatchObject({ data: { field: 'sessionID' } });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ modelID: 'fake-model' }, 'providerID'],
      [{ providerID: 'fake' }, 'modelID'],
      [{ ...MODEL, auto: 'yes' }, 'auto'],
      [{ ...MODEL, extra: 1 }, 'extra'],
      [{ providerID: 1, modelID: 'fake-model' }, 'providerID'],
    ];
    for (const [body, field] of cases) {
      const response = await t.http.post(`/session/${sessionID}/summarize`).send(body).expect(400);
      expect(response.body).toMatchObject({ name: 'BadRequest', data: { kind: 'Body', field } });
    }
  });
});
