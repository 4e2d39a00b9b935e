import {
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
} from '../support/agent-app';

/**
 * A `noReply` prompt stored while a turn runs (what plugins such as opencode-skills do from a
 * tool) is new input of that turn: its next model request reads it. A normal prompt sent
 * meanwhile waits for a turn of its own and is not read early.
 */
describe('agent loop: noReply prompts while a turn runs', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    // The bash call waits for an answer to its permission: the turn is between its two steps.
    t = await startAgentTestApp({ config: { permission: { bash: 'ask' } } });
  });
  afterAll(() => t.close());

  function conversation(index: number): string[] {
    return requestMessages(turnRequests(t.model)[index])
      .filter((message) => message.role !== 'system')
      .map((message) => `${message.role}:${JSON.stringify(message.content)}`);
  }

  it('reads a noReply prompt at the next step; a queued prompt keeps its own turn', async () => {
    const sessionID = await t.createSession('noReply');
    const before = turnRequests(t.model).length;
    t.model.enqueue(
      { toolCalls: [{ name: 'bash', arguments: { command: 'echo hi', description: 'Says hi' } }] },
      { text: 'first done' },
      { text: 'second done' },
    );
    await t.promptAsync(sessionID, 'first question');
    const asked = await t.waitForEvent('permission.asked', sessionID);

    await t.http
      .post(`/session/${sessionID}/message`)
      .send({ noReply: true, parts: [{ type: 'text', text: 'context injected mid-turn' }] })
      .expect(200);
    await t.promptAsync(sessionID, 'second question');
    await t.http
      .post(`/permission/${asked.properties.id}/reply`)
      .send({ reply: 'once' })
      .expect(200);
    await t.waitForIdle(sessionID);
    // The queued prompt's turn may start just after the first one's idle.
    await t.waitForEvent('message.part.updated', sessionID, {
      match: (event) => (event.properties.part as { text?: string }).text === 'second done',
    });
    await t.waitForIdle(sessionID);

    const requests = turnRequests(t.model).slice(before);
    expect(requests).toHaveLength(3);
    const [firstStep, secondStep, secondTurn] = [0, 1, 2].map((i) => conversation(before + i));
    expect(firstStep).toEqual(['user:"first question"']);
    // The second step of the running turn reads the injected context, after the tool's result,
    // and not the queued prompt.
    expect(secondStep[0]).toBe('user:"first question"');
    expect(secondStep.at(-1)).toBe('user:"context injected mid-turn"');
    expect(secondStep.some((line) => line.startsWith('tool:'))).toBe(true);
    expect(secondStep.join('\n')).not.toContain('second question');
    // The queued prompt has its own turn, after everything the first turn saw.
    expect(secondTurn.slice(-3)).toEqual([
      'user:"context injected mid-turn"',
      'assistant:"first done"',
      'user:"second question"',
    ]);

    const stored = await t.messages(sessionID);
    const users = stored.filter((message) => message.info.role === 'user');
    expect(users.map((message) => message.parts[0].text)).toEqual([
      'first question',
      'context injected mid-turn',
      'second question',
    ]);
    // No answer of its own for the noReply prompt.
    expect(stored.some((message) => message.info.parentID === users[1].info.id)).toBe(false);
  });
});
