import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { connectSse, type SseClient } from '../support/sse-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually, isAlive, mustOpen, mustRefuse } from '../support/pty-socket';

jest.setTimeout(60_000);

/* eslint-disable @typescript-eslint/no-explicit-any -- the script's JSON, read field by field */
type Json = any;

const SCRIPT = join(__dirname, '..', 'support', 'pty-sdk-scenario.mjs');

describe('PTY: /api/pty routes', () => {
  let t: TestApp;
  let events: SseClient;
  const location = () => ({
    directory: t.directory,
    project: { id: expect.any(String), directory: t.directory },
  });

  beforeAll(async () => {
    t = await startTestApp();
    events = connectSse(`${t.url}/event`);
  });
  afterAll(async () => {
    events.close();
    await t.close();
  });

  it('answers { location, data }, keeps exited terminals with their exit code, removes with 204', async () => {
    const created = await t.http
      .post('/api/pty')
      .send({ command: '/bin/sh', args: ['-c', 'read line; exit 7'] })
      .expect(200);
    expect(created.body).toEqual({
      location: location(),
      data: {
        id: expect.stringMatching(/^pty_/),
        title: expect.stringMatching(/^Terminal /),
        command: '/bin/sh',
        args: ['-c', 'read line; exit 7', '-l'],
        cwd: t.directory,
        status: 'running',
        pid: expect.any(Number),
      },
    });
    const pty = created.body.data as { id: string; pid: number };
    // The classic routes see the same terminal.
    await t.http.get(`/pty/${pty.id}`).expect(200);

    const socket = await mustOpen(
      `${t.url}/api/pty/${pty.id}/connect?location[directory]=${encodeURIComponent(t.directory)}`,
    );
    await socket.control();
    socket.send('go\r');
    expect((await socket.closed).code).toBe(1000);
    const exited = await events.waitFor((frame) => (frame.data as Json).type === 'pty.exited');
    expect(exited.data).toMatchObject({ properties: { id: pty.id, exitCode: 7 } });

    const kept = await t.http.get(`/api/pty/${pty.id}`).expect(200);
    expect(kept.body.data).toMatchObject({ status: 'exited', exitCode: 7 });
    expect((await t.http.get('/api/pty').expect(200)).body.data).toContainEqual(kept.body.data);
    // Nothing to connect to: the socket opens and is closed with 4404, as by the reference.
    const late = await mustOpen(`${t.url}/api/pty/${pty.id}/connect`);
    expect((await late.closed).code).toBe(4404);

    const removed = await t.http.delete(`/api/pty/${pty.id}`).expect(204);
    expect(removed.text).toBe('');
    const missing = await t.http.get(`/api/pty/${pty.id}`).expect(404);
    expect(missing.body).toEqual({
      _tag: 'PtyNotFoundError',
      ptyID: pty.id,
      message: `PTY session not found: ${pty.id}`,
    });
    await eventually(() => !isAlive(pty.pid), 'the program to end');
  });

  it('creates with no body at all (the SDK’s create({}))', async () => {
    const created = await t.http.post('/api/pty').expect(200);
    await t.http.delete(`/api/pty/${created.body.data.id}`).expect(204);
  });

  it('refuses bad input in the v2 error shape', async () => {
    const pty = (await t.http.post('/api/pty').send({ command: '/bin/sh' }).expect(200)).body.data;
    const invalid = await t.http
      .put(`/api/pty/${pty.id}`)
      .send({ size: { rows: 0, cols: 80 } })
      .expect(400);
    expect(invalid.body).toMatchObject({ _tag: 'InvalidRequestError' });
    expect(JSON.stringify(invalid.body)).toContain('rows');
    const badID = await t.http.get('/api/pty/nope').expect(400);
    expect(badID.body).toMatchObject({ _tag: 'InvalidRequestError', field: 'ptyID' });
    const noHeader = await t.http.post(`/api/pty/${pty.id}/connect-token`).expect(403);
    expect(noHeader.body).toEqual({
      _tag: 'ForbiddenError',
      message: 'Invalid PTY connect token request',
    });
    const token = await t.http
      .post(`/api/pty/${pty.id}/connect-token`)
      .set('x-opencode-ticket', '1')
      .expect(200);
    expect(token.body).toEqual({
      location: location(),
      data: { ticket: expect.any(String), expires_in: 60 },
    });
    const plain = await t.http.get(`/api/pty/${pty.id}/connect`).expect(400);
    expect(plain.body).toMatchObject({ _tag: 'InvalidRequestError' });
    expect((await mustRefuse(`${t.url}/api/pty/pty_unknown/connect`)).status).toBe(404);
    const refused = await mustRefuse(`${t.url}/api/pty/${pty.id}/connect?ticket=bogus`);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ _tag: 'ForbiddenError' });
    await t.http.delete(`/api/pty/${pty.id}`).expect(204);
  });

  it('drives terminals through the official SDK’s v2 and classic pty methods', async () => {
    const out = await new Promise<Json>((resolve, reject) =>
      execFile(
        process.execPath,
        [SCRIPT, t.url, t.directory],
        { timeout: 30_000 },
        (error, stdout, stderr) => {
          if (error) return reject(new Error(`${error.message}\n${stderr}`));
          const parsed: Json = JSON.parse(stdout);
          if (parsed.crashed) return reject(new Error(`crashed: ${parsed.crashed}`));
          resolve(parsed);
        },
      ),
    );
    const { calls } = out;
    const status = (name: string) => ({ name, status: calls[name]?.status });
    for (const name of ['v2.create', 'v2.createSh', 'v2.list', 'v2.get', 'v2.update']) {
      expect(status(name)).toEqual({ name, status: 200 });
    }
    expect(calls['v2.create'].data.data).toMatchObject({ status: 'running', cwd: t.directory });
    expect(calls['v2.update'].data.data).toMatchObject({ title: 'renamed' });
    expect(calls['v2.list'].data.data.map((pty: Json) => pty.id)).toEqual(
      expect.arrayContaining([calls['v2.create'].data.data.id, calls['v2.createSh'].data.data.id]),
    );
    expect(status('v2.connectToken.noHeader')).toEqual({
      name: 'v2.connectToken.noHeader',
      status: 403,
    });
    expect(calls['v2.connectToken'].data.data).toEqual({
      ticket: expect.any(String),
      expires_in: 60,
    });
    // Replayed output, the control frame (a 0 byte, then the cursor), then the echo.
    expect(out.socket.text).toMatch(/sdk-42\r\n/);
    const control = out.socket.frames.find((frame: Json) => typeof frame !== 'string');
    expect(control.control).toEqual([0]);
    expect(JSON.parse(control.json)).toEqual({ cursor: expect.any(Number) });
    // The terminal was resized before the socket opened; the ticket works once.
    expect(out.reused).toEqual({ refused: 403 });
    expect(status('v2.remove')).toEqual({ name: 'v2.remove', status: 204 });
    expect(calls['v2.getRemoved'].error).toMatchObject({ _tag: 'PtyNotFoundError' });
    expect(status('v2.remove.default')).toEqual({ name: 'v2.remove.default', status: 204 });

    expect(calls['pty.shells'].data).toContainEqual({
      path: '/bin/sh',
      name: 'sh',
      acceptable: true,
    });
    for (const name of ['pty.create', 'pty.list', 'pty.get', 'pty.update', 'pty.connectToken']) {
      expect(status(name)).toEqual({ name, status: 200 });
    }
    expect(calls['pty.update'].data.title).toBe('classic');
    expect(out.classicSocket.text).toMatch(/classic-2\r\n/);
    expect(calls['pty.remove'].data).toBe(true);
    expect((await t.http.get('/api/pty').expect(200)).body.data).toEqual([]);
  });
});
