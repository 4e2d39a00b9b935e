import {
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
  type BusEvent,
} from '../support/agent-app';
import { gitRepo } from '../support/fixtures';

/**
 * The routes today's clients answer permissions with: `GET /permission` and
 * `POST /permission/:requestID/reply` (the deprecated per-session route is covered by
 * prompt-permissions.e2e-spec.ts).
 */
describe('permission routes: GET /permission, POST /permission/:requestID/reply', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    t = await startAgentTestApp({ config: { permission: { bash: 'ask' } } });
  });
  afterAll(() => t.close());

  const bash = (command: string) => ({ toolCalls: [{ name: 'bash', arguments: { command } }] });

  function pending(directory?: string) {
    const request = t.http.get('/permission');
    if (directory) void request.query({ directory });
    return request.expect(200).then((response) => response.body as Array<Record<string, unknown>>);
  }

  function reply(requestID: string, body: Record<string, unknown>) {
    return t.http.post(`/permission/${requestID}/reply`).send(body);
  }

  it('lists a waiting request in the reference shape until it is answered "once"', async () => {
    const sessionID = await t.createSession('list');
    t.model.enqueue(bash('echo listed'), { text: 'ran it' });
    const answer = t.prompt(sessionID, 'go');
    const asked = await t.waitForEvent('permission.asked', sessionID);
    const listed = await pending();
    expect(listed).toEqual([asked.properties]);
    expect(listed[0]).toMatchObject({
      id: expect.stringMatching(/^per_/),
      sessionID,
      permission: 'bash',
      patterns: ['echo listed'],
      always: ['echo *'],
      metadata: { command: 'echo listed' },
      tool: { messageID: expect.stringMatching(/^msg_/), callID: expect.any(String) },
    });
    // Another directory has its own (empty) list.
    expect(await pending(gitRepo())).toEqual([]);

    const replied = await reply(asked.properties.id as string, { reply: 'once' }).expect(200);
    expect(replied.body).toBe(true);
    const event = await t.waitForEvent('permission.replied', sessionID);
    expect(event.properties).toEqual({ sessionID, requestID: asked.properties.id, reply: 'once' });
    const result = await answer;
    expect(result.parts.find((part) => part.type === 'text')?.text).toBe('ran it');
    expect(await pending()).toEqual([]);
  });

  it('a reject with a message reaches the model as the tool error, and the turn goes on', async () => {
    const sessionID = await t.createSession('corrected');
    t.model.enqueue(bash('rm -rf build'), { text: 'listing instead' });
    const answer = t.prompt(sessionID, 'clean');
    const asked = await t.waitForEvent('permission.asked', sessionID);
    await reply(asked.properties.id as string, {
      reply: 'reject',
      message: 'do not delete, list it instead',
    }).expect(200);
    const result = await answer;
    expect(result.parts.find((part) => part.type === 'text')?.text).toBe('listing instead');
    const tool = (await t.messages(sessionID))[1].parts.find((part) => part.type === 'tool')!;
    expect(tool.state).toMatchObject({ status: 'error' });
    expect(tool.state.error).toContain('do not delete, list it instead');
    const toolResult = requestMessages(turnRequests(t.model).at(-1)!).find(
      (message) => message.role === 'tool',
    );
    expect(String(toolResult?.content)).toContain('do not delete, list it instead');
  });

  it('a plain reject ends the turn and refuses the other requests of the same step', async () => {
    const sessionID = await t.createSession('reject all');
    t.model.enqueue({
      toolCalls: [
        { name: 'bash', arguments: { command: 'echo one' } },
        { name: 'bash', arguments: { command: 'echo two' } },
      ],
    });
    const before = turnRequests(t.model).length;
    const answer = t.prompt(sessionID, 'two calls');
    await t.waitForEvent('permission.asked', sessionID);
    await t.sse.waitFor(
      () => t.sessionEvents(sessionID).filter((e) => e.type === 'permission.asked').length === 2,
    );
    const [first] = await pending();
    await reply(first.id as string, { reply: 'reject' }).expect(200);
    const result = await answer;
    expect(result.info.finish).toBe('tool-calls');
    expect(turnRequests(t.model).length).toBe(before + 1);
    const replies = t
      .sessionEvents(sessionID)
      .filter((event: BusEvent) => event.type === 'permission.replied')
      .map((event) => event.properties.reply);
    expect(replies).toEqual(['reject', 'reject']);
    const tools = (await t.messages(sessionID))[1].parts.filter((part) => part.type === 'tool');
    expect(tools.map((part) => part.state.status)).toEqual(['error', 'error']);
    expect(await pending()).toEqual([]);
    await t.waitForIdle(sessionID);
  });

  it('answers an unknown request with the reference 404 and refuses bad input with a 400', async () => {
    const unknown = await reply('per_doesnotexist', { reply: 'once' }).expect(404);
    expect(unknown.body).toEqual({
      _tag: 'PermissionNotFoundError',
      requestID: 'per_doesnotexist',
      message: 'Permission request not found: per_doesnotexist',
    });
    const badID = await reply('nope', { reply: 'once' }).expect(400);
    expect(badID.body.data.field).toBe('requestID');
    const badReply = await reply('per_x', { reply: 'sometimes' }).expect(400);
    expect(badReply.body.data.field).toBe('reply');
    const missing = await reply('per_x', {}).expect(400);
    expect(missing.body.data.field).toBe('reply');
    const badMessage = await reply('per_x', { reply: 'reject', message: 42 }).expect(400);
    expect(badMessage.body.data.field).toBe('message');
    const extra = await reply('per_x', { reply: 'once', remember: true }).expect(400);
    expect(extra.body.name).toBe('BadRequest');
  });

  it('an abort withdraws the request from the list', async () => {
    const sessionID = await t.createSession('abort');
    t.model.enqueue(bash('echo wait'));
    await t.promptAsync(sessionID, 'go');
    const asked = await t.waitForEvent('permission.asked', sessionID);
    expect((await pending()).map((request) => request.id)).toEqual([asked.properties.id]);
    await t.http.post(`/session/${sessionID}/abort`).expect(200);
    await t.waitForIdle(sessionID);
    expect(await pending()).toEqual([]);
    await reply(asked.properties.id as string, { reply: 'once' }).expect(404);
  });

  it('documents the old per-session route as deprecated', async () => {
    const doc = (await t.http.get('/doc').expect(200)).body as {
      paths: Record<string, Record<string, { deprecated?: boolean; operationId: string }>>;
    };
    expect(doc.paths['/session/{sessionID}/permissions/{permissionID}'].post).toMatchObject({
      operationId: 'permission.respond',
      deprecated: true,
    });
    expect(doc.paths['/permission/{requestID}/reply'].post.deprecated).toBeUndefined();
  });
});
