import { IdGenerator } from '../../src/core/id';
import {
  eventLabel,
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
} from '../support/agent-app';

/**
 * A client may choose the id of its prompt (`messageID`): it must be new, but it comes from the
 * client's clock, so it may sort before messages the server made. Messages are listed in id
 * order (as the reference lists them); the model's history follows the order prompts arrived.
 */
describe('agent loop: client-chosen message ids', () => {
  let t: AgentTestApp;
  // Ids made the way a client makes them: ascending, so they sort by the time they were made.
  const ids = new IdGenerator();
  /** An id of the next millisecond or later: newer than anything the server made before. */
  async function newerId(): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 2));
    return ids.ascending('message');
  }

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

  it('an id that sorts before earlier prompts (a client clock behind ours) is accepted; the model still sees the conversation in the order it happened', async () => {
    const older = ids.ascending('message');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const sessionID = await t.createSession('older id');
    t.model.enqueue({ text: 'first answer' }, { text: 'second answer' });
    const first = await t.prompt(sessionID, 'first question');
    const second = await t.prompt(sessionID, {
      messageID: older,
      parts: [{ type: 'text', text: 'second question' }],
    });
    expect(second.info.parentID).toBe(older);
    expect(second.parts.find((part) => part.type === 'text')?.text).toBe('second answer');
    // Listed by id, as the reference lists them; the model's history follows arrival.
    const stored = await t.messages(sessionID);
    expect(stored[0].info.id).toBe(older);
    const history = requestMessages(turnRequests(t.model).at(-1)!).filter(
      (message) => message.role !== 'system',
    );
    expect(history.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(history[0].content)).toContain('first question');
    expect(JSON.stringify(history[1].content)).toContain('first answer');
    expect(JSON.stringify(history[2].content)).toContain('second question');
    expect(first.info.parentID).not.toBe(older);
  });

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

  it('an id used by a message of another session is a 400 too (ids are unique)', async () => {
    const elsewhere = await sessionWithPrompt('other session');
    const sessionID = await t.createSession('borrowing session');
    // The other session's message id sorts after everything here: only its use elsewhere is wrong.
    const response = await send(sessionID, 'message', {
      messageID: elsewhere.first,
      parts: [{ type: 'text', text: 'borrowed' }],
    }).expect(400);
    expect(response.body.data).toMatchObject({
      field: 'messageID',
      message: `messageID ${elsewhere.first} is already used`,
    });
    expect(await t.messages(sessionID)).toEqual([]);
    expect((await t.messages(elsewhere.sessionID)).map((message) => message.info.id)).toEqual([
      elsewhere.first,
    ]);
  });

  it('a newer id is the prompt id: listed last and answered', async () => {
    const { sessionID, first } = await sessionWithPrompt('newer id');
    const newer = await newerId();
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
    const newer = await newerId();
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
