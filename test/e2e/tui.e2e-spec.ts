import type { Response } from 'supertest';
import { InstanceService } from '../../src/core/instance/instance.service';
import { SessionService } from '../../src/session/session.service';
import { tempDir } from '../support/fixtures';
import { connectSse, frameType, SseClient, SseFrame } from '../support/sse-client';
import { startTestApp, TestApp } from '../support/test-app';

type Expected = { type: string; properties: Record<string, unknown> };

describe('TUI remote control: each /tui route publishes exactly its event', () => {
  let t: TestApp;
  let sse: SseClient;
  /** The tui.* frames already accounted for. */
  let seen = 0;

  beforeAll(async () => {
    t = await startTestApp();
    sse = connectSse(`${t.url}/event`);
    await sse.waitFor((frame) => frameType(frame) === 'server.connected');
  });
  afterAll(async () => {
    sse.close();
    await t.close();
  });

  const tuiFrames = (): SseFrame[] => sse.frames.filter((f) => frameType(f)?.startsWith('tui.'));

  /** The next tui.* frame after those already seen. */
  async function nextTuiFrame(): Promise<SseFrame> {
    const index = seen;
    await sse.waitFor(() => tuiFrames().length > index);
    seen++;
    return tuiFrames()[index];
  }

  /** Posts, expects `true`, and expects the SSE client to get exactly `expected`, once. */
  async function expectEvent(post: Promise<Response>, expected: Expected): Promise<void> {
    const res = await post;
    expect(res.status).toBe(200);
    expect(res.body).toBe(true);
    const frame = await nextTuiFrame();
    expect(frame.data).toEqual({ id: expect.stringMatching(/^evt_/), ...expected });
  }

  /**
   * Proves that nothing was published since the last expected event: a marker event published
   * now must be the very next tui.* frame.
   */
  async function expectNoEvent(): Promise<void> {
    await expectEvent(t.http.post('/tui/clear-prompt'), {
      type: 'tui.command.execute',
      properties: { command: 'prompt.clear' },
    });
  }

  it('append-prompt publishes tui.prompt.append with the text', async () => {
    await expectEvent(t.http.post('/tui/append-prompt').send({ text: 'hello @README.md' }), {
      type: 'tui.prompt.append',
      properties: { text: 'hello @README.md' },
    });
  });

  it.each([
    ['/tui/open-help', 'help.show'],
    ['/tui/open-sessions', 'session.list'],
    ['/tui/open-themes', 'theme.switch'],
    ['/tui/open-models', 'model.list'],
    ['/tui/submit-prompt', 'prompt.submit'],
    ['/tui/clear-prompt', 'prompt.clear'],
  ])('%s publishes tui.command.execute %s', async (path, command) => {
    await expectEvent(t.http.post(path), {
      type: 'tui.command.execute',
      properties: { command },
    });
  });

  it.each([
    ['agent_cycle', 'agent.cycle'],
    ['session_new', 'session.new'],
    ['messages_half_page_up', 'session.half.page.up'],
    ['messages_last', 'session.last'],
    ['session.share', 'session.share'],
    ['custom.command', 'custom.command'],
  ])('execute-command %s publishes tui.command.execute %s', async (command, published) => {
    await expectEvent(t.http.post('/tui/execute-command').send({ command }), {
      type: 'tui.command.execute',
      properties: { command: published },
    });
  });

  it('show-toast publishes tui.toast.show with the 5000 ms default duration', async () => {
    await expectEvent(
      t.http.post('/tui/show-toast').send({ message: 'toast via sse', variant: 'success' }),
      {
        type: 'tui.toast.show',
        properties: { message: 'toast via sse', variant: 'success', duration: 5000 },
      },
    );
    await expectEvent(
      t.http
        .post('/tui/show-toast')
        .send({ title: 'Build', message: 'failed', variant: 'error', duration: 1200 }),
      {
        type: 'tui.toast.show',
        properties: { title: 'Build', message: 'failed', variant: 'error', duration: 1200 },
      },
    );
  });

  it('select-session publishes tui.session.select for a known session, 404 otherwise', async () => {
    const instance = await t.app.get(InstanceService).resolve(t.directory);
    const session = t.app.get(SessionService).create(instance, {});
    // session.created went out on the same stream; it is not a tui.* frame.
    await expectEvent(t.http.post('/tui/select-session').send({ sessionID: session.id }), {
      type: 'tui.session.select',
      properties: { sessionID: session.id },
    });

    const missing = await t.http
      .post('/tui/select-session')
      .send({ sessionID: 'ses_0000000000000000000000000' });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      name: 'NotFoundError',
      data: { message: expect.stringContaining('ses_0000000000000000000000000') },
    });
    await expectNoEvent();
  });

  it.each([
    ['/tui/append-prompt', {}, 'text'],
    ['/tui/append-prompt', { text: 42 }, 'text'],
    ['/tui/append-prompt', { text: 'x', extra: true }, 'extra'],
    ['/tui/execute-command', {}, 'command'],
    ['/tui/execute-command', { command: '' }, 'command'],
    ['/tui/show-toast', { variant: 'info' }, 'message'],
    ['/tui/show-toast', { message: 'm', variant: 'loud' }, 'variant'],
    ['/tui/show-toast', { message: 'm', variant: 'info', duration: 0 }, 'duration'],
    ['/tui/show-toast', { message: 'm', variant: 'info', duration: 1.5 }, 'duration'],
    ['/tui/show-toast', { message: 'm', variant: 'info', title: 7 }, 'title'],
    ['/tui/select-session', {}, 'sessionID'],
    ['/tui/select-session', { sessionID: 'abc' }, 'sessionID'],
  ])('%s refuses %j with 400 naming %s, publishing nothing', async (path, body, field) => {
    const res = await t.http.post(path).send(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ name: 'BadRequest', data: { kind: 'Body', field } });
    await expectNoEvent();
  });

  it('refuses a malformed JSON body with 400', async () => {
    const res = await t.http
      .post('/tui/append-prompt')
      .set('content-type', 'application/json')
      .send('{"text":');
    expect(res.status).toBe(400);
    expect(res.body.name).toBe('BadRequest');
    await expectNoEvent();
  });

  it('publishes to the directory the request names only', async () => {
    const other = tempDir();
    const otherSse = connectSse(`${t.url}/event?directory=${encodeURIComponent(other)}`);
    try {
      await otherSse.waitFor((frame) => frameType(frame) === 'server.connected');
      await t.http.post('/tui/open-help').query({ directory: other }).expect(200);
      const frame = await otherSse.waitFor((f) => frameType(f) === 'tui.command.execute');
      expect(frame.data).toMatchObject({ properties: { command: 'help.show' } });
      // The default directory's stream did not get it.
      await expectNoEvent();
    } finally {
      otherSse.close();
    }
  });

  describe('POST /tui/publish (the generic route)', () => {
    const publish = (body: unknown) => t.http.post('/tui/publish').send(body as object);

    it('publishes tui.prompt.append, tui.command.execute and tui.toast.show as given', async () => {
      await expectEvent(
        publish({ type: 'tui.prompt.append', properties: { text: 'from publish' } }),
        { type: 'tui.prompt.append', properties: { text: 'from publish' } },
      );
      // The command is published as named: aliases are not mapped (as the reference).
      for (const command of ['session.new', 'session_new', 'my.command']) {
        await expectEvent(publish({ type: 'tui.command.execute', properties: { command } }), {
          type: 'tui.command.execute',
          properties: { command },
        });
      }
      await expectEvent(
        publish({ type: 'tui.toast.show', properties: { message: 'hi', variant: 'info' } }),
        { type: 'tui.toast.show', properties: { message: 'hi', variant: 'info', duration: 5000 } },
      );
      await expectEvent(
        publish({
          type: 'tui.toast.show',
          properties: { title: 'T', message: 'm', variant: 'warning', duration: 10 },
        }),
        {
          type: 'tui.toast.show',
          properties: { title: 'T', message: 'm', variant: 'warning', duration: 10 },
        },
      );
    });

    it('publishes tui.session.select for a known session, 404 for an unknown one', async () => {
      const instance = await t.app.get(InstanceService).resolve(t.directory);
      const session = t.app.get(SessionService).create(instance, {});
      await expectEvent(
        publish({ type: 'tui.session.select', properties: { sessionID: session.id } }),
        { type: 'tui.session.select', properties: { sessionID: session.id } },
      );
      const missing = await publish({
        type: 'tui.session.select',
        properties: { sessionID: 'ses_0000000000000000000000000' },
      });
      expect(missing.status).toBe(404);
      expect(missing.body.name).toBe('NotFoundError');
      await expectNoEvent();
    });

    it.each([
      [{ type: 'tui.nope', properties: {} }, 'type'],
      [{ properties: { text: 'x' } }, 'type'],
      [{}, 'type'],
      [[1], 'type'],
      [{ type: 42, properties: {} }, 'type'],
      [{ type: 'tui.prompt.append' }, 'properties'],
      [{ type: 'tui.prompt.append', properties: 'x' }, 'properties'],
      [{ type: 'tui.prompt.append', properties: { text: 1 } }, 'properties.text'],
      [{ type: 'tui.prompt.append', properties: { text: 'x', extra: 1 } }, 'properties.extra'],
      [{ type: 'tui.prompt.append', properties: { text: 'x' }, id: 'evt_1' }, 'id'],
      [{ type: 'tui.command.execute', properties: {} }, 'properties.command'],
      [{ type: 'tui.toast.show', properties: { message: 'm' } }, 'properties.variant'],
      [
        { type: 'tui.toast.show', properties: { message: 'm', variant: 'info', duration: 0 } },
        'properties.duration',
      ],
      [{ type: 'tui.session.select', properties: { sessionID: 'abc' } }, 'properties.sessionID'],
    ])('refuses %j with 400 naming %s, publishing nothing', async (body, field) => {
      const res = await publish(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ name: 'BadRequest', data: { kind: 'Body', field } });
      await expectNoEvent();
    });
  });

  it('sent every tui.* event exactly once', () => {
    expect(tuiFrames()).toHaveLength(seen);
  });
});
