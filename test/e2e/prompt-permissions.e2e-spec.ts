import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
  type BusEvent,
} from '../support/agent-app';
import { tempDir } from '../support/fixtures';

/** Permissions from config rules: ask → once / always / reject, deny, doom loop, external paths. */
describe('agent loop: permissions', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    t = await startAgentTestApp({
      config: {
        permission: { bash: { '*': 'ask', 'rm *': 'deny' }, webfetch: 'deny' },
      },
    });
  });
  afterAll(() => t.close());

  function asked(sessionID: string): BusEvent[] {
    return t.sessionEvents(sessionID).filter((event) => event.type === 'permission.asked');
  }

  function reply(sessionID: string, permissionID: string, response: string) {
    return t.http.post(`/session/${sessionID}/permissions/${permissionID}`).send({ response });
  }

  it('asks with the reference payload, and a "once" reply lets the tool run', async () => {
    const sessionID = await t.createSession('ask once');
    t.model.enqueue(
      {
        toolCalls: [
          {
            name: 'bash',
            arguments: {
              command: 'ls src && git log --oneline | head -3',
              description: 'List src and recent commits',
            },
          },
        ],
      },
      { text: 'listed' },
    );
    const answer = t.prompt(sessionID, 'look around');
    const request = await t.waitForEvent('permission.asked', sessionID);
    const messages = await t.messages(sessionID);
    const tool = messages[1].parts.find((part) => part.type === 'tool')!;
    expect(tool.state.status).toBe('running');
    expect(request.properties).toEqual({
      id: expect.stringMatching(/^per_/),
      sessionID,
      permission: 'bash',
      patterns: ['ls src', 'git log --oneline', 'head -3'],
      metadata: {
        command: 'ls src && git log --oneline | head -3',
        description: 'List src and recent commits',
      },
      always: ['ls *', 'git log *', 'head *'],
      tool: { messageID: messages[1].info.id, callID: tool.callID },
    });
    const status = await t.http.get('/session/status').expect(200);
    expect(status.body[sessionID]).toEqual({ type: 'busy' });

    const replied = await reply(sessionID, request.properties.id, 'once').expect(200);
    expect(replied.body).toBe(true);
    const event = await t.waitForEvent('permission.replied', sessionID);
    expect(event.properties).toEqual({
      sessionID,
      requestID: request.properties.id,
      reply: 'once',
    });
    const result = await answer;
    expect(result.parts.find((part) => part.type === 'text')?.text).toBe('listed');
    const stored = await t.messages(sessionID);
    const done = stored[1].parts.find((part) => part.type === 'tool')!;
    expect(done.state.status).toBe('completed');
    // Answered once: a second reply finds nothing.
    await reply(sessionID, request.properties.id, 'once').expect(404);
  });

  it('"always" saves the pattern for the project: later turns of any of its sessions run without asking', async () => {
    const sessionID = await t.createSession('ask always');
    const call = { toolCalls: [{ name: 'bash', arguments: { command: 'echo first' } }] };
    t.model.enqueue(call, { text: 'one' });
    const first = t.prompt(sessionID, 'echo');
    const request = await t.waitForEvent('permission.asked', sessionID);
    expect(request.properties.always).toEqual(['echo *']);
    await reply(sessionID, request.properties.id, 'always').expect(200);
    await first;

    t.model.enqueue(
      { toolCalls: [{ name: 'bash', arguments: { command: 'echo second' } }] },
      { text: 'two' },
    );
    const second = await t.prompt(sessionID, 'echo again');
    expect(second.parts.find((part) => part.type === 'text')?.text).toBe('two');
    expect(asked(sessionID)).toHaveLength(1);
    const output = (await t.messages(sessionID))
      .flatMap((message) => message.parts)
      .filter((part) => part.type === 'tool')
      .map((part) => part.state.output);
    expect(output).toEqual([expect.stringContaining('first'), expect.stringContaining('second')]);

    // Saved for the project: another session is not asked either.
    const other = await t.createSession('ask always elsewhere');
    t.model.enqueue(
      { toolCalls: [{ name: 'bash', arguments: { command: 'echo third' } }] },
      { text: 'three' },
    );
    const third = await t.prompt(other, 'echo');
    expect(third.parts.find((part) => part.type === 'text')?.text).toBe('three');
    expect(asked(other)).toHaveLength(0);

    // Removed from the saved permissions: asked again (and later tests start clean).
    const saved = await t.http.get('/api/permission/saved').expect(200);
    expect(saved.body.data).toEqual([
      expect.objectContaining({ action: 'bash', resource: 'echo *' }),
    ]);
    await t.http.delete(`/api/permission/saved/${saved.body.data[0].id}`).expect(204);
    t.model.enqueue(
      { toolCalls: [{ name: 'bash', arguments: { command: 'echo fourth' } }] },
      { text: 'four' },
    );
    const fourth = t.prompt(other, 'echo');
    const again = await t.waitForEvent('permission.asked', other);
    await reply(other, again.properties.id, 'once').expect(200);
    await fourth;
  });

  it('"reject" fails the tool and ends the turn after its step, as the reference does', async () => {
    const sessionID = await t.createSession('ask reject');
    t.model.enqueue({
      toolCalls: [{ name: 'bash', arguments: { command: 'touch rejected.txt' } }],
    });
    const requestsBefore = turnRequests(t.model).length;
    const answer = t.prompt(sessionID, 'touch');
    const request = await t.waitForEvent('permission.asked', sessionID);
    await reply(sessionID, request.properties.id, 'reject').expect(200);
    const result = await answer;
    expect(result.info.finish).toBe('tool-calls');
    const tool = (await t.messages(sessionID))[1].parts.find((part) => part.type === 'tool')!;
    expect(tool.state.status).toBe('error');
    expect(tool.state.error).toMatch(/rejected/);
    // No further step: the model is not asked to carry on against the refusal...
    expect(turnRequests(t.model).length).toBe(requestsBefore + 1);
    expect(existsSync(join(t.directory, 'rejected.txt'))).toBe(false);

    // ...and sees the rejection with the next prompt.
    t.model.enqueue({ text: 'understood' });
    await t.prompt(sessionID, 'why?');
    const result2 = requestMessages(turnRequests(t.model).at(-1)!).find(
      (message) => message.role === 'tool',
    );
    expect(String(result2?.content)).toMatch(/rejected/);
  });

  it('answers 404 for an unknown request and 400 for malformed ids or replies', async () => {
    const sessionID = await t.createSession('bad replies');
    const unknown = await reply(sessionID, 'per_doesnotexist', 'once').expect(404);
    expect(unknown.body.name).toBe('NotFoundError');
    const malformed = await reply(sessionID, 'nope', 'once').expect(400);
    expect(malformed.body.data.field).toBe('permissionID');
    await reply('ses_bad!', 'per_x', 'once').expect(400);
    const badResponse = await reply(sessionID, 'per_doesnotexist', 'sometimes').expect(400);
    expect(badResponse.body.name).toBe('BadRequest');
  });

  it('a request of one session cannot be answered through another', async () => {
    const sessionID = await t.createSession('owner');
    const other = await t.createSession('intruder');
    t.model.enqueue(
      { toolCalls: [{ name: 'bash', arguments: { command: 'echo mine' } }] },
      { text: 'ok' },
    );
    const answer = t.prompt(sessionID, 'go');
    const request = await t.waitForEvent('permission.asked', sessionID);
    await reply(other, request.properties.id, 'once').expect(404);
    await reply(sessionID, request.properties.id, 'once').expect(200);
    await answer;
  });

  it('a deny rule fails the call without asking; a fully denied tool is not offered', async () => {
    const sessionID = await t.createSession('deny');
    writeFileSync(join(t.directory, 'keep.txt'), 'keep');
    t.model.enqueue(
      { toolCalls: [{ name: 'bash', arguments: { command: 'rm keep.txt' } }] },
      { text: 'denied' },
    );
    await t.prompt(sessionID, 'remove');
    expect(asked(sessionID)).toHaveLength(0);
    const tool = (await t.messages(sessionID))[1].parts.find((part) => part.type === 'tool')!;
    expect(tool.state.status).toBe('error');
    expect(tool.state.error).toMatch(/denies/);
    const request = turnRequests(t.model).at(-1)!;
    const names = (request.body.tools as Array<{ function: { name: string } }>).map(
      (tool) => tool.function.name,
    );
    expect(names).toContain('bash');
    expect(names).not.toContain('webfetch');
  });

  it('asks doom_loop on the third identical call in a row of one assistant message', async () => {
    const sessionID = await t.createSession('doom loop');
    const call = { name: 'glob', arguments: { pattern: '*.md' } };
    t.model.enqueue({ toolCalls: [call, call, call] }, { text: 'stopped looping' });
    const answer = t.prompt(sessionID, 'loop');
    const request = await t.waitForEvent('permission.asked', sessionID);
    expect(request.properties).toMatchObject({
      permission: 'doom_loop',
      patterns: ['glob'],
      always: ['glob'],
      metadata: { tool: 'glob', input: { pattern: '*.md' } },
    });
    await reply(sessionID, request.properties.id, 'once').expect(200);
    const result = await answer;
    expect(result.parts.find((part) => part.type === 'text')?.text).toBe('stopped looping');
    expect(asked(sessionID)).toHaveLength(1);
    const tools = (await t.messages(sessionID))
      .flatMap((message) => message.parts)
      .filter((part) => part.type === 'tool');
    expect(tools.map((part) => part.state.status)).toEqual(['completed', 'completed', 'completed']);
  });

  it('does not count calls of earlier steps or turns as a doom loop', async () => {
    const sessionID = await t.createSession('no doom loop');
    const same = { toolCalls: [{ name: 'glob', arguments: { pattern: '*.md' } }] };
    // Three steps of one turn, then the same prompt twice more.
    t.model.enqueue(same, same, same, { text: 'one' });
    await t.prompt(sessionID, 'find the docs');
    t.model.enqueue(same, { text: 'two' });
    await t.prompt(sessionID, 'find the docs');
    t.model.enqueue(same, { text: 'three' });
    const last = await t.prompt(sessionID, 'find the docs');
    expect(last.parts.find((part) => part.type === 'text')?.text).toBe('three');
    expect(asked(sessionID)).toHaveLength(0);
  });

  it('asks external_directory for a path outside the project, with the directory as pattern', async () => {
    const outside = tempDir('outside-');
    writeFileSync(join(outside, 'secret.txt'), 'outside content');
    const sessionID = await t.createSession('external');
    t.model.enqueue({
      toolCalls: [{ name: 'read', arguments: { filePath: join(outside, 'secret.txt') } }],
    });
    const answer = t.prompt(sessionID, 'read outside');
    const request = await t.waitForEvent('permission.asked', sessionID);
    expect(request.properties).toMatchObject({
      permission: 'external_directory',
      patterns: [`${outside}/*`],
    });
    await reply(sessionID, request.properties.id, 'reject').expect(200);
    await answer;
    const tool = (await t.messages(sessionID))[1].parts.find((part) => part.type === 'tool')!;
    expect(tool.state.status).toBe('error');
    expect(JSON.stringify(tool.state)).not.toContain('outside content');
  });
});
