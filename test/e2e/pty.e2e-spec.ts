import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connectSse, frameType, type SseClient } from '../support/sse-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually, isAlive, mustOpen, mustRefuse, type PtySocket } from '../support/pty-socket';

jest.setTimeout(60_000);

const SH = '/bin/sh';
const PASSWORD = 'pty-secret';
const BASIC = `Basic ${Buffer.from(`opencode:${PASSWORD}`).toString('base64')}`;
const AUTH_TOKEN = Buffer.from(`opencode:${PASSWORD}`).toString('base64');

/** `text` as a line the program wrote, not in the echoed command line (`echo text`). */
const line = (text: string) => new RegExp(`(?<!echo )${text}\\r\\n`);

describe('PTY: /pty routes and the terminal WebSocket', () => {
  let t: TestApp;
  let events: SseClient;
  const sockets: PtySocket[] = [];
  const open = async (path: string, headers: Record<string, string> = {}) => {
    const socket = await mustOpen(`${t.url}${path}`, headers);
    sockets.push(socket);
    return socket;
  };
  const create = async (body: object = { command: SH }) =>
    (await t.http.post('/pty').send(body).expect(200)).body as {
      id: string;
      pid: number;
      [key: string]: unknown;
    };

  beforeAll(async () => {
    t = await startTestApp();
    events = connectSse(`${t.url}/event`);
    await events.waitFor((frame) => frameType(frame) === 'server.connected');
  });
  afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));
  afterAll(async () => {
    events.close();
    await t.close();
  });

  it('creates a terminal running the user’s shell in the project, lists and gets it', async () => {
    const pty = await create({});
    expect(pty).toEqual({
      id: expect.stringMatching(/^pty_/),
      title: `Terminal ${pty.id.slice(-4)}`,
      command: expect.stringMatching(/bash$/),
      args: ['-l'],
      cwd: t.directory,
      status: 'running',
      pid: expect.any(Number),
    });
    expect(isAlive(pty.pid)).toBe(true);
    const created = await events.waitFor(
      (frame) => frameType(frame) === 'pty.created' && JSON.stringify(frame.data).includes(pty.id),
    );
    expect((created.data as { properties: unknown }).properties).toEqual({ info: pty });
    expect((await t.http.get('/pty').expect(200)).body).toContainEqual(pty);
    expect((await t.http.get(`/pty/${pty.id}`).expect(200)).body).toEqual(pty);
    await t.http.delete(`/pty/${pty.id}`).expect(200);
  });

  it('lists the system’s shells', async () => {
    const shells = (await t.http.get('/pty/shells').expect(200)).body as Array<{
      path: string;
      name: string;
      acceptable: boolean;
    }>;
    expect(shells).toContainEqual({ path: '/bin/sh', name: 'sh', acceptable: true });
    for (const shell of shells)
      expect(Object.keys(shell).sort()).toEqual(['acceptable', 'name', 'path']);
  });

  it('echoes what a WebSocket client types: output in text frames, the cursor in a binary one', async () => {
    const pty = await create({ command: SH, title: 'echo test' });
    expect(pty.title).toBe('echo test');
    const socket = await open(`/pty/${pty.id}/connect`);
    const { cursor } = await socket.control();
    expect(cursor).toEqual(expect.any(Number));
    socket.send('echo hello-pty\r');
    await socket.waitForText(line('hello-pty'));
    // Binary input frames are typed in too.
    socket.send(Buffer.from('echo binary-input\r'));
    await socket.waitForText(line('binary-input'));
    expect(socket.frames.filter((frame) => frame.kind === 'control')).toHaveLength(1);
    await t.http.delete(`/pty/${pty.id}`).expect(200);
  });

  it('keeps output written while no socket is attached, and replays from ?cursor=', async () => {
    const pty = await create({ command: SH, args: ['-c', 'echo early-output; exec cat'] });
    // Nobody is attached yet: the output waits in the terminal's buffer.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const first = await open(`/pty/${pty.id}/connect`);
    expect(first.frames[0]).toEqual({
      kind: 'text',
      text: expect.stringContaining('early-output'),
    });
    const { cursor } = await first.control();
    first.send('later\r');
    await first.waitForText(/later\r\n.*later\r\n/s);
    first.close();

    const everything = await open(`/pty/${pty.id}/connect?cursor=0`);
    await everything.control();
    expect(everything.text()).toMatch(/^early-output\r\nlater\r\nlater\r\n$/);

    const after = await open(`/pty/${pty.id}/connect?cursor=${cursor}`);
    const next = await after.control();
    expect(after.text()).toBe('later\r\nlater\r\n');
    expect(next.cursor).toBe(cursor + 'later\r\nlater\r\n'.length);

    const live = await open(`/pty/${pty.id}/connect?cursor=-1`);
    expect(await live.control()).toEqual(next);
    expect(live.text()).toBe('');
    // Both attached sockets get what comes next.
    everything.send('both\r');
    await live.waitForText('both\r\nboth\r\n');
    await everything.waitForText(/both\r\nboth\r\n$/);
    await t.http.delete(`/pty/${pty.id}`).expect(200);
  });

  it('resizes the terminal (pty.updated) and renames it', async () => {
    const pty = await create();
    const socket = await open(`/pty/${pty.id}/connect`);
    await socket.control();
    const updated = await t.http
      .put(`/pty/${pty.id}`)
      .send({ size: { rows: 10, cols: 33 }, title: 'renamed' })
      .expect(200);
    expect(updated.body).toEqual({ ...pty, title: 'renamed' });
    socket.send('stty size\r');
    await socket.waitForText(line('10 33'));
    await events.waitFor(
      (frame) =>
        frameType(frame) === 'pty.updated' && JSON.stringify(frame.data).includes('renamed'),
    );
    // An empty title is ignored, as by the reference.
    expect((await t.http.put(`/pty/${pty.id}`).send({ title: '' }).expect(200)).body.title).toBe(
      'renamed',
    );
    await t.http.delete(`/pty/${pty.id}`).expect(200);
  });

  it('removing a terminal ends every process it started and closes its sockets', async () => {
    const pty = await create();
    const socket = await open(`/pty/${pty.id}/connect`);
    await socket.control();
    socket.send('sleep 1000 & echo "bg=$!"\r');
    const text = await socket.waitForText(/bg=(\d+)/);
    const background = Number(/bg=(\d+)/.exec(text)![1]);
    expect(isAlive(background)).toBe(true);

    expect((await t.http.delete(`/pty/${pty.id}`).expect(200)).body).toBe(true);
    expect(await socket.closed).toEqual({ code: 1000, reason: '' });
    await eventually(() => !isAlive(pty.pid) && !isAlive(background), 'the processes to end');
    await events.waitFor(
      (frame) => frameType(frame) === 'pty.deleted' && JSON.stringify(frame.data).includes(pty.id),
    );
    const missing = await t.http.get(`/pty/${pty.id}`).expect(404);
    expect(missing.body).toEqual({
      _tag: 'PtyNotFoundError',
      ptyID: pty.id,
      message: `PTY session not found: ${pty.id}`,
    });
    await t.http.delete(`/pty/${pty.id}`).expect(404);
  });

  it('a shell that exits publishes pty.exited with its code and is gone from /pty', async () => {
    const pty = await create();
    const socket = await open(`/pty/${pty.id}/connect`);
    await socket.control();
    socket.send('exit 3\r');
    const exited = await events.waitFor(
      (frame) => frameType(frame) === 'pty.exited' && JSON.stringify(frame.data).includes(pty.id),
    );
    expect((exited.data as { properties: unknown }).properties).toEqual({
      id: pty.id,
      exitCode: 3,
    });
    expect((await socket.closed).code).toBe(1000);
    await t.http.get(`/pty/${pty.id}`).expect(404);
    expect((await t.http.get('/pty').expect(200)).body).not.toContainEqual(
      expect.objectContaining({ id: pty.id }),
    );
    // The /api routes keep it, with its exit code.
    const kept = await t.http.get(`/api/pty/${pty.id}`).expect(200);
    expect(kept.body.data).toMatchObject({ id: pty.id, status: 'exited', exitCode: 3 });
    await mustRefuse(`${t.url}/pty/${pty.id}/connect`).then((refusal) =>
      expect(refusal.status).toBe(404),
    );
  });

  it('disposing the instance ends every terminal of the directory', async () => {
    const a = await create();
    const b = await create();
    const socket = await open(`/pty/${a.id}/connect`);
    await socket.control();
    await t.http.post('/instance/dispose').expect(200);
    expect((await socket.closed).code).toBe(1001);
    await eventually(() => !isAlive(a.pid) && !isAlive(b.pid), 'the terminals to end');
    expect((await t.http.get('/pty').expect(200)).body).toEqual([]);
  });

  it('starts in a directory of the project; refuses bad input with 400, others’ paths with 403', async () => {
    mkdirSync(join(t.directory, 'sub'), { recursive: true });
    expect((await create({ command: SH, cwd: 'sub' })).cwd).toBe(join(t.directory, 'sub'));
    const bad = async (body: object, field: string, status = 400) => {
      const res = await t.http.post('/pty').send(body).expect(status);
      expect(JSON.stringify(res.body)).toContain(field);
    };
    await bad({ command: 5 }, 'command');
    await bad({ command: '' }, 'command');
    await bad({ command: 'no-such-program-here' }, 'command');
    await bad({ args: 'x' }, 'args');
    await bad({ args: [1] }, 'args');
    await bad({ env: { A: 1 } }, 'env');
    await bad({ cwd: 'missing-dir' }, 'cwd');
    await bad({ title: 7 }, 'title');
    await bad({ other: true }, 'other');
    await bad({ cwd: '/' }, 'ForbiddenPathError', 403);
    await bad({ cwd: '..' }, 'ForbiddenPathError', 403);
  });

  it('validates sizes and ids', async () => {
    const pty = await create();
    const bad = async (body: object, field: string) => {
      const res = await t.http.put(`/pty/${pty.id}`).send(body).expect(400);
      expect(res.body.name).toBe('BadRequest');
      expect(JSON.stringify(res.body)).toContain(field);
    };
    await bad({ size: { rows: 0, cols: 80 } }, 'rows');
    await bad({ size: { rows: 10.5, cols: 80 } }, 'rows');
    await bad({ size: { rows: 24, cols: -1 } }, 'cols');
    await bad({ size: { rows: 24, cols: 100_000 } }, 'cols');
    await bad({ size: { rows: 24 } }, 'cols');
    await bad({ size: { rows: '24', cols: 80 } }, 'rows');
    await bad({ size: 'big' }, 'size');
    await t.http.get('/pty/nope').expect(400);
    await t.http.put('/pty/pty_unknown').send({ title: 'x' }).expect(404);
    await t.http.post('/pty/pty_unknown/connect-token').set('x-opencode-ticket', '1').expect(404);
    // A plain GET of the connect route: 404 for an unknown terminal, else 400 (not a WebSocket).
    await t.http.get('/pty/pty_unknown/connect').expect(404);
    const plain = await t.http.get(`/pty/${pty.id}/connect`).expect(400);
    expect(plain.body.name).toBe('BadRequest');
    expect((await mustRefuse(`${t.url}/pty/pty_unknown/connect`)).status).toBe(404);
    expect((await mustRefuse(`${t.url}/pty/nope/connect`)).status).toBe(400);
    await t.http.delete(`/pty/${pty.id}`).expect(200);
  });

  it('refuses a WebSocket from a foreign page’s origin', async () => {
    const pty = await create();
    const refusal = await mustRefuse(`${t.url}/pty/${pty.id}/connect`, {
      origin: 'http://evil.example',
    });
    expect(refusal.status).toBe(403);
    const local = await open(`/pty/${pty.id}/connect`, { origin: 'http://localhost:3000' });
    await local.control();
    await t.http.delete(`/pty/${pty.id}`).expect(200);
  });

  it('stopping the server ends its terminals', async () => {
    const other = await startTestApp();
    const res = await other.http.post('/pty').send({ command: SH }).expect(200);
    const pid = (res.body as { pid: number }).pid;
    expect(isAlive(pid)).toBe(true);
    await other.close();
    await eventually(() => !isAlive(pid), 'the terminal to end');
  });
});

describe('PTY: auth of the terminal WebSocket', () => {
  let t: TestApp;
  let id: string;
  let otherID: string;
  const ticket = async (ptyID = id) =>
    (
      await t.http
        .post(`/pty/${ptyID}/connect-token`)
        .set('authorization', BASIC)
        .set('x-opencode-ticket', '1')
        .expect(200)
    ).body as { ticket: string; expires_in: number };
  const connect = (query = '', ptyID = id) => `${t.url}/pty/${ptyID}/connect${query}`;

  beforeAll(async () => {
    t = await startTestApp({ env: { OPENCODE_SERVER_PASSWORD: PASSWORD } });
    const create = () =>
      t.http.post('/pty').set('authorization', BASIC).send({ command: SH }).expect(200);
    id = (await create()).body.id;
    otherID = (await create()).body.id;
  });
  afterAll(() => t.close());

  it('refuses a socket without credentials before the upgrade', async () => {
    const refusal = await mustRefuse(connect());
    expect(refusal.status).toBe(401);
    expect(JSON.parse(refusal.body)).toMatchObject({ name: 'UnauthorizedError' });
    expect(
      (await mustRefuse(connect(`?auth_token=${Buffer.from('opencode:x').toString('base64')}`)))
        .status,
    ).toBe(401);
  });

  it('accepts basic auth and ?auth_token=', async () => {
    const basic = await mustOpen(connect(), { authorization: BASIC });
    await basic.control();
    basic.close();
    const token = await mustOpen(connect(`?auth_token=${AUTH_TOKEN}`));
    await token.control();
    token.close();
  });

  it('issues tickets only with credentials and x-opencode-ticket: 1', async () => {
    await t.http.post(`/pty/${id}/connect-token`).set('x-opencode-ticket', '1').expect(401);
    const noHeader = await t.http
      .post(`/pty/${id}/connect-token`)
      .set('authorization', BASIC)
      .expect(403);
    expect(noHeader.body).toEqual({
      _tag: 'PtyForbiddenError',
      message: 'Invalid PTY connect token request',
    });
    await t.http
      .post(`/pty/${id}/connect-token`)
      .set('authorization', BASIC)
      .set('x-opencode-ticket', 'true')
      .expect(403);
    await t.http
      .post(`/pty/${id}/connect-token`)
      .set('authorization', BASIC)
      .set('x-opencode-ticket', '1')
      .set('origin', 'http://evil.example')
      .expect(403);
    const issued = await ticket();
    expect(issued).toEqual({ ticket: expect.any(String), expires_in: 60 });
  });

  it('accepts a ticket once, for its own terminal only', async () => {
    const { ticket: value } = await ticket();
    expect((await mustRefuse(connect('?ticket=bogus'))).status).toBe(403);
    // Another terminal's connect, or a foreign origin, is refused and does not use it up.
    expect((await mustRefuse(connect(`?ticket=${value}`, otherID))).status).toBe(403);
    expect(
      (await mustRefuse(connect(`?ticket=${value}`), { origin: 'http://evil.example' })).status,
    ).toBe(403);
    // A ticket is no credential for any other route.
    await t.http.get(`/pty?ticket=${value}`).expect(401);
    await t.http.get(`/pty/${id}?ticket=${value}`).expect(401);
    const socket = await mustOpen(connect(`?ticket=${value}`));
    socket.send('echo ticketed\r');
    await socket.waitForText(line('ticketed'));
    socket.close();
    expect((await mustRefuse(connect(`?ticket=${value}`))).status).toBe(403);
  });

  it('refuses an expired ticket', async () => {
    const { ticket: value } = await ticket();
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    try {
      expect((await mustRefuse(connect(`?ticket=${value}`))).status).toBe(403);
    } finally {
      clock.mockRestore();
    }
  });
});
