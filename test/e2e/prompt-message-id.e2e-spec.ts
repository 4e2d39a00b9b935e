import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IdGenerator } from '../../src/core/id';
import {
  eventLabel,
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
} from '../support/agent-app';

/**
 * A client may choose the id of its prompt (`messageID`). Messages are listed, and the model's
 * history is built, in id order, so the id must be new and sort after the session's messages.
 */
describe('agent loop: client-chosen message ids', () => {
  let t: AgentTestApp;
  // Ids made the way a client makes them: ascending, so they sort by the time they were made.
  const ids = new IdGenerator();

  beforeAll(async () => {
    t = await startAgentTestApp({
      config: { command: { greet: { template: 'Say hello to $ARGUMENTS' } } },
    });
  });
  afterAll(() => t.close());

  function send(sessionID: string, route: string, body: Record<string, unknown>) {
    return t.http.post(`/session/${sessionID}/${route}`).send(body);
  }

  /** A session holding one stored prompt (no answer); returns its id and the prompt's. */
  async function sessionWithPrompt(title: string): Promise<{ sessionID: string; first: string }> {
    const sessionID = await t.createSession(title);
    const stored = await t.prompt(sessionID, {
      noReply: true,
      parts: [{ type: 'text', text: 'first' }],
    });
    return { sessionID, first: stored.info.id };
  }

  it.each([
    ['message', { parts: [{ type: 'text', text: 'late' }] }],
    ['prompt_async', { parts: [{ type: 'text', text: 'late' }] }],
    ['command', { command: 'greet', arguments: 'the past' }],
    ['shell', { agent: 'build', command: 'touch shell-ran.txt' }],
  ])(
    '%s: an id that sorts before the latest message is a 400 naming messageID; nothing is stored',
    async (route, body) => {
      const older = ids.ascending('message');
      const { sessionID, first } = await sessionWithPrompt(`older id ${route}`);
      const requests = t.model.requests.length;
      const response = await send(sessionID, route, { ...body, messageID: older }).expect(400);
      expect(response.body).toEqual({
        name: 'BadRequest',
        data: {
          kind: 'Body',
          field: 'messageID',
          message: expect.stringContaining(
            `messageID ${older} must sort after the session's latest message ${first}`,
          ),
        },
      });
      expect((await t.messages(sessionID)).map((message) => message.info.id)).toEqual([first]);
      expect(t.model.requests.length).toBe(requests);
      expect(existsSync(join(t.directory, 'shell-ran.txt'))).toBe(false);
      expect(t.sessionEvents(sessionID).map(eventLabel)).not.toContain('session.status:busy');
    },
  );

  it.each(['message', 'shell'])(
    '%s: an id already used is a 400, and the stored message stays as it was',
    async (route) => {
      const { sessionID, first } = await sessionWithPrompt(`reused id ${route}`);
      const body =
        route === 'shell'
          ? { agent: 'build', command: 'true' }
          : { parts: [{ type: 'text', text: 'replacement' }] };
      const response = await send(sessionID, route, { ...body, messageID: first }).expect(400);
      expect(response.body.data).toMatchObject({
        kind: 'Body',
        field: 'messageID',
        message: `messageID ${first} is already used`,
      });
      const stored = await t.messages(sessionID);
      expect(stored).toHaveLength(1);
      expect(stored[0].parts.map((part) => part.text)).toEqual(['first']);
    },
  );

  it('a newer id is the prompt id: listed last and answered', async () => {
    const { sessionID, first } = await sessionWithPrompt('newer id');
    const newer = ids.ascending('message');
    t.model.enqueue({ text: 'answered' });
    const answer = await t.prompt(sessionID, {
      messageID: newer,
      parts: [{ type: 'text', text: 'second' }],
    });
    expect(answer.info.parentID).toBe(newer);
    expect(answer.parts.find((part) => part.type === 'text')?.text).toBe('answered');
    const stored = await t.messages(sessionID);
    expect(stored.map((message) => message.info.id)).toEqual([first, newer, answer.info.id]);
  });

  it('shell: a newer id is the id of the recorded user message', async () => {
    const { sessionID, first } = await sessionWithPrompt('newer id shell');
    const newer = ids.ascending('message');
    await send(sessionID, 'shell', { agent: 'build', command: 'true', messageID: newer }).expect(
      200,
    );
    const stored = await t.messages(sessionID);
    expect(stored.map((message) => message.info.id).slice(0, 2)).toEqual([first, newer]);
    expect(stored).toHaveLength(3);
  });

  it('while a turn runs, an id made before its current step began is still accepted', async () => {
    const sessionID = await t.createSession('id during a turn');
    t.model.enqueue(
      { toolCalls: [{ name: 'bash', arguments: { command: 'sleep 0.4', description: 'Wait' } }] },
      { text: ['step ', 'two ', 'streams ', 'slowly'], delayMs: 100 },
      { text: 'queued answer' },
    );
    await t.promptAsync(sessionID, 'work');
    await t.waitForEvent('message.part.updated', sessionID, {
      match: (event) => eventLabel(event) === 'message.part.updated:tool:running',
    });
    // The client makes its id now; the server then begins the turn's second step (a new
    // assistant message, newer than the id) before the prompt arrives.
    const queued = ids.ascending('message');
    const stepTwo = await t.waitForEvent('message.updated', sessionID, {
      match: (event) =>
        event.properties.info.role === 'assistant' &&
        event.properties.info.finish === undefined &&
        t
          .sessionEvents(sessionID)
          .some((seen) => eventLabel(seen) === 'message.part.updated:tool:completed'),
    });
    expect(stepTwo.properties.info.id > queued).toBe(true);
    await send(sessionID, 'prompt_async', {
      messageID: queued,
      parts: [{ type: 'text', text: 'queued' }],
    }).expect(204);

    await t.waitForIdle(sessionID);
    const stored = await t.messages(sessionID);
    const queuedAnswer = stored.find((message) => message.info.parentID === queued);
    expect(queuedAnswer?.parts.find((part) => part.type === 'text')?.text).toBe('queued answer');
    // The queued prompt was answered after the running turn, with that whole turn in view.
    const history = requestMessages(turnRequests(t.model).at(-1)!).filter(
      (message) => message.role !== 'system',
    );
    expect(history.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
    ]);
    expect(history.at(-1)?.content).toEqual(expect.stringContaining('queued'));
  });
});
