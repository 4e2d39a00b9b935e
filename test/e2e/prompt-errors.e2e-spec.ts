import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
} from '../support/agent-app';
import { tempDir } from '../support/fixtures';

/** Bad input is a 4xx naming the field and stores nothing; failures of a turn are never silent. */
describe('agent loop: errors', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    t = await startAgentTestApp();
  });
  afterAll(() => t.close());

  function send(sessionID: string, body: unknown, route = 'message') {
    return t.http.post(`/session/${sessionID}/${route}`).send(body as object);
  }

  it.each(['message', 'prompt_async'])(
    '%s: unknown session 404, malformed id 400',
    async (route) => {
      const body = { parts: [{ type: 'text', text: 'x' }] };
      const unknown = await send('ses_doesnotexist', body, route).expect(404);
      expect(unknown.body.name).toBe('NotFoundError');
      const malformed = await send('not-a-session', body, route).expect(400);
      expect(malformed.body.data.field).toBe('sessionID');
    },
  );

  it.each([
    [{ parts: [{ type: 'text', text: 42 }] }, 'parts.0.text'],
    [{ parts: [{ type: 'text' }] }, 'parts.0.text'],
    [{ parts: [{ type: 'bogus' }] }, 'parts.0.type'],
    [{ parts: [{ type: 'file', mime: 'text/plain' }] }, 'parts.0.url'],
    [{ parts: 'hello' }, 'parts'],
    [{}, 'parts'],
    [{ parts: [{ type: 'text', text: 'x' }], model: { providerID: 'fake' } }, 'model.modelID'],
    [{ parts: [{ type: 'text', text: 'x' }], noReply: 'yes' }, 'noReply'],
    [{ parts: [{ type: 'text', text: 'x' }], extra: 1 }, 'extra'],
  ])('malformed body %j is a 400 naming %s', async (body, field) => {
    const sessionID = await t.createSession('bad body');
    const response = await send(sessionID, body).expect(400);
    expect(response.body.name).toBe('BadRequest');
    expect(JSON.stringify(response.body.data)).toContain(field);
    expect(await t.messages(sessionID)).toEqual([]);
  });

  it('an unknown model is a 400 ProviderModelNotFoundError, and nothing is stored', async () => {
    const sessionID = await t.createSession('unknown model');
    for (const route of ['message', 'prompt_async']) {
      const response = await send(
        sessionID,
        {
          model: { providerID: 'fake', modelID: 'fake-modle' },
          parts: [{ type: 'text', text: 'x' }],
        },
        route,
      ).expect(400);
      expect(response.body.name).toBe('ProviderModelNotFoundError');
      expect(response.body.data).toMatchObject({ providerID: 'fake', modelID: 'fake-modle' });
    }
    const provider = await send(sessionID, {
      model: { providerID: 'nobody', modelID: 'x' },
      parts: [{ type: 'text', text: 'x' }],
    }).expect(400);
    expect(provider.body.name).toBe('ProviderModelNotFoundError');
    const agent = await send(sessionID, {
      agent: 'nobody',
      parts: [{ type: 'text', text: 'x' }],
    }).expect(400);
    expect(agent.body.data.field).toBe('agent');
    expect(await t.messages(sessionID)).toEqual([]);
    const status = await t.http.get('/session/status').expect(200);
    expect(status.body[sessionID]).toBeUndefined();
  });

  it('prompt_async: a failing model call becomes a stored error and session.error', async () => {
    const sessionID = await t.createSession('async failure');
    t.model.enqueue({
      status: 400,
      body: { error: { message: 'unsupported parameter: temperature' } },
    });
    await t.promptAsync(sessionID, 'hi');
    const event = await t.waitForEvent('session.error', sessionID);
    expect(event.properties.error).toMatchObject({
      name: 'APIError',
      data: { statusCode: 400, message: expect.stringContaining('unsupported parameter') },
    });
    await t.waitForIdle(sessionID);
    const stored = await t.messages(sessionID);
    expect(stored[1].info.error).toEqual(event.properties.error);
  });

  it('a session deleted mid-turn answers the waiting caller and the server carries on', async () => {
    const sessionID = await t.createSession('deleted mid-turn');
    t.model.enqueue({ text: ['a', 'b'], hang: true });
    const answer = t.prompt(sessionID, 'hi');
    const queued = t.prompt(sessionID, 'queued');
    await t.waitForEvent('message.part.delta', sessionID);
    await t.http.delete(`/session/${sessionID}`).expect(200);
    const [first, second] = await Promise.all([answer, queued]);
    expect(first.info.error?.name).toBe('MessageAbortedError');
    expect(second.info.error?.name).toBe('MessageAbortedError');
    await t.http.get(`/session/${sessionID}/message`).expect(404);
    // The server still answers prompts of other sessions.
    const other = await t.createSession('still alive');
    t.model.enqueue({ text: 'alive' });
    const next = await t.prompt(other, 'hi');
    expect(next.parts.find((part) => part.type === 'text')?.text).toBe('alive');
  });

  it('an answer cut off at the output limit is stored with MessageOutputLengthError', async () => {
    const sessionID = await t.createSession('length');
    t.model.enqueue({ text: 'A long answer that stops mid', finish: 'length' });
    const response = await t.prompt(sessionID, 'write a lot');
    expect(response.info.finish).toBe('length');
    expect(response.info.error).toEqual({ name: 'MessageOutputLengthError', data: {} });
    await t.waitForEvent('session.error', sessionID);
  });

  it("an answer the provider's content filter stopped is stored with ContentFilterError", async () => {
    const sessionID = await t.createSession('filtered');
    t.model.enqueue({ text: 'Partial', finish: 'content_filter' });
    const response = await t.prompt(sessionID, 'something filtered');
    expect(response.info.finish).toBe('content-filter');
    expect(response.info.error).toMatchObject({
      name: 'ContentFilterError',
      data: { message: expect.any(String) },
    });
    await t.waitForEvent('session.error', sessionID);
  });

  it('refuses a messageID that is already used, leaving the stored message as it was', async () => {
    const sessionID = await t.createSession('reused id');
    const first = await t.prompt(sessionID, {
      noReply: true,
      parts: [{ type: 'text', text: 'original' }],
    });
    const again = await t.http
      .post(`/session/${sessionID}/message`)
      .send({ messageID: first.info.id, parts: [{ type: 'text', text: 'replacement' }] })
      .expect(400);
    expect(again.body.data.field).toBe('messageID');
    const [stored] = await t.messages(sessionID);
    expect(stored.parts[0].text).toBe('original');
  });

  it('noReply stores the prompt without calling the model', async () => {
    const sessionID = await t.createSession('no reply');
    const before = t.model.requests.length;
    const response = await t.prompt(sessionID, {
      noReply: true,
      parts: [{ type: 'text', text: 'just context' }],
    });
    expect(response.info.role).toBe('user');
    expect(response.parts[0].text).toBe('just context');
    expect(t.model.requests.length).toBe(before);
    expect((await t.messages(sessionID)).map((message) => message.info.role)).toEqual(['user']);
  });

  describe('file parts', () => {
    it('reads a file:// inside the project into the prompt', async () => {
      writeFileSync(join(t.directory, 'spec.md'), '# Spec\nThe widget must be blue.\n');
      const sessionID = await t.createSession('file part');
      t.model.enqueue({ text: 'blue' });
      await t.prompt(sessionID, {
        parts: [
          { type: 'text', text: 'What colour?' },
          {
            type: 'file',
            mime: 'text/markdown',
            filename: 'spec.md',
            url: `file://${join(t.directory, 'spec.md')}`,
          },
        ],
      });
      const stored = await t.messages(sessionID);
      const file = stored[0].parts.find((part) => part.type === 'file')!;
      expect(file.url).toMatch(/^data:text\/markdown;base64,/);
      expect(file.filename).toBe('spec.md');
      const sent = JSON.stringify(requestMessages(turnRequests(t.model).at(-1)!));
      expect(sent).toContain('The widget must be blue.');
    });

    it('refuses file:///etc/passwd with a 400 when external_directory is not allowed', async () => {
      const sessionID = await t.createSession('passwd');
      const before = t.model.requests.length;
      const response = await send(sessionID, {
        parts: [{ type: 'file', mime: 'text/plain', url: 'file:///etc/passwd' }],
      }).expect(400);
      expect(response.body.data.field).toBe('parts.0.url');
      expect(JSON.stringify(response.body)).not.toContain('root:');
      expect(await t.messages(sessionID)).toEqual([]);
      expect(t.model.requests.length).toBe(before);
    });

    it('refuses a symlink inside the project that points outside it', async () => {
      symlinkSync('/etc/passwd', join(t.directory, 'innocent.txt'));
      const sessionID = await t.createSession('symlink');
      const response = await send(sessionID, {
        parts: [
          { type: 'file', mime: 'text/plain', url: `file://${join(t.directory, 'innocent.txt')}` },
        ],
      }).expect(400);
      expect(response.body.data.field).toBe('parts.0.url');
    });

    it('refuses a file:// URL with an encoded NUL byte as a bad URL (400, not a 500)', async () => {
      const sessionID = await t.createSession('nul');
      const response = await send(sessionID, {
        parts: [{ type: 'file', mime: 'text/plain', url: `file://${t.directory}/a%00.txt` }],
      }).expect(400);
      expect(response.body.data.field).toBe('parts.0.url');
      expect(await t.messages(sessionID)).toEqual([]);
    });

    it('caps data: URLs and refuses other schemes', async () => {
      const sessionID = await t.createSession('data url');
      const huge = `data:text/plain;base64,${'A'.repeat(14 * 1024 * 1024)}`;
      const tooBig = await send(sessionID, {
        parts: [{ type: 'file', mime: 'text/plain', url: huge }],
      }).expect(400);
      expect(tooBig.body.data.field).toBe('parts.0.url');
      const http = await send(sessionID, {
        parts: [{ type: 'file', mime: 'text/plain', url: 'http://127.0.0.1/x' }],
      }).expect(400);
      expect(http.body.data.field).toBe('parts.0.url');
      expect(await t.messages(sessionID)).toEqual([]);
    });
  });

  describe('with external_directory allowed', () => {
    let open: AgentTestApp;

    beforeAll(async () => {
      open = await startAgentTestApp({ config: { permission: { external_directory: 'allow' } } });
    });
    afterAll(() => open.close());

    it('reads a file:// outside the project', async () => {
      const outside = tempDir('attachment-');
      writeFileSync(join(outside, 'note.txt'), 'from outside');
      const sessionID = await open.createSession('outside allowed');
      open.model.enqueue({ text: 'read it' });
      await open.prompt(sessionID, {
        parts: [
          { type: 'text', text: 'see attachment' },
          { type: 'file', mime: 'text/plain', url: `file://${join(outside, 'note.txt')}` },
        ],
      });
      const sent = JSON.stringify(requestMessages(turnRequests(open.model).at(-1)!));
      expect(sent).toContain('from outside');
    });
  });
});
