import { mkdirSync, symlinkSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { runGit, tempDir, writeFiles } from '../support/fixtures';
import { mustOpen, mustRefuse } from '../support/pty-socket';
import { connectSse, frameType } from '../support/sse-client';
import { startTestApp, TestApp } from '../support/test-app';

/** A tree with an allowed directory (holding the server's project) and one beside it. */
function layout() {
  const root = tempDir('opencode-allow-');
  const allowed = join(root, 'allowed');
  const project = join(allowed, 'project');
  const outside = join(root, 'outside');
  mkdirSync(project, { recursive: true });
  mkdirSync(outside);
  // A way out from inside the allowed tree, and a way in from outside.
  symlinkSync(outside, join(allowed, 'escape'));
  symlinkSync(project, join(outside, 'way-in'));
  return { root, allowed, project, outside };
}

const enc = encodeURIComponent;

describe('access control: --allow-dir', () => {
  const dirs = layout();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      directory: dirs.project,
      server: { allowedDirectories: [dirs.allowed] },
    });
  });
  afterAll(() => t.close());

  it('serves the allowed directories, by query, header or the server directory', async () => {
    await t.http.get('/path').expect(200);
    const byQuery = await t.http.get(`/path?directory=${enc(dirs.allowed)}`).expect(200);
    expect((byQuery.body as { directory: string }).directory).toBe(dirs.allowed);
    await t.http.get('/path').set('x-opencode-directory', enc(dirs.project)).expect(200);
    // A symlink from outside that leads in is judged by where it leads.
    const wayIn = await t.http.get(`/path?directory=${enc(join(dirs.outside, 'way-in'))}`);
    expect(wayIn.status).toBe(200);
    expect((wayIn.body as { directory: string }).directory).toBe(dirs.project);
  });

  it.each([
    ['a directory beside the allowed one', () => dirs.outside],
    ['the parent of the allowed one', () => dirs.root],
    ['a path stepping out with ..', () => join(dirs.allowed, '..', 'outside')],
    ['a symlink inside that leads out', () => join(dirs.allowed, 'escape')],
    ['a missing directory below such a symlink', () => join(dirs.allowed, 'escape', 'new')],
    ['a missing directory outside', () => join(dirs.outside, 'not', 'there')],
    ['the filesystem root', () => '/'],
  ])('refuses %s with 403 ForbiddenDirectoryError', async (_, directory) => {
    const res = await t.http.get(`/path?directory=${enc(directory())}`).expect(403);
    expect(res.body).toEqual({
      name: 'ForbiddenDirectoryError',
      data: { message: expect.stringContaining(directory()) as string, directory: directory() },
    });
    await t.http.get('/path').set('x-opencode-directory', enc(directory())).expect(403);
  });

  it('answers 400 for a missing directory inside the allowed one, as without a list', async () => {
    const res = await t.http.get(`/path?directory=${enc(join(dirs.allowed, 'nope'))}`);
    expect(res.status).toBe(400);
  });

  it('refuses on every kind of instance route (SSE, POST, files), before any work', async () => {
    const outside = enc(dirs.outside);
    await t.http.get(`/event?directory=${outside}`).expect(403);
    await t.http.post(`/session?directory=${outside}`).send({}).expect(403);
    await t.http.get(`/file?path=.&directory=${outside}`).expect(403);
    await t.http.get(`/pty?directory=${outside}`).expect(403);
    const sessions = await t.http.get('/session').expect(200);
    expect(sessions.body).toEqual([]);
  });

  it('refuses /api locations outside with the reference ForbiddenError', async () => {
    await t.http.get('/api/location').expect(200);
    await t.http.get(`/api/location?location[directory]=${enc(dirs.allowed)}`).expect(200);
    for (const request of [
      t.http.get(`/api/location?location[directory]=${enc(dirs.outside)}`),
      t.http.get('/api/fs/list').set('x-opencode-directory', enc(dirs.outside)),
      t.http.get(`/api/location?location[directory]=${enc(join(dirs.allowed, 'escape'))}`),
    ]) {
      const res = await request.expect(403);
      expect(res.body).toEqual({
        _tag: 'ForbiddenError',
        message: expect.stringMatching(/^Directory is outside the directories .*: \//) as string,
      });
    }
  });

  it('keeps /global/health and other server-wide routes open', async () => {
    await t.http.get('/global/health').expect(200);
    await t.http.get('/global/config').expect(200);
    await t.http.get('/doc').expect(200);
  });
});

describe('access control: sessions of directories outside the list', () => {
  const dirs = layout();
  let home: string;
  let inside: string;
  let outsideSession: string;
  let outsideProject: string;
  let t: TestApp;

  beforeAll(async () => {
    // Sessions made by a server without the list, in the same database; the directory outside
    // is a repository of its own, so it is a project of its own.
    writeFiles(dirs.outside, { 'README.md': '# outside\n' });
    runGit(dirs.outside, 'init', '-q', '-b', 'main');
    runGit(dirs.outside, 'add', '-A');
    runGit(dirs.outside, 'commit', '-q', '-m', 'initial');
    const open = await startTestApp({ directory: dirs.project });
    home = open.home;
    inside = (await open.http.post('/session').send({}).expect(200)).body.id as string;
    const created = await open.http
      .post(`/session?directory=${enc(dirs.outside)}`)
      .send({})
      .expect(200);
    outsideSession = created.body.id as string;
    outsideProject = created.body.projectID as string;
    await open.close();
    t = await startTestApp({
      home,
      directory: dirs.project,
      env: { OPENCODE_ALLOWED_DIRECTORIES: `/nonexistent/elsewhere:${dirs.allowed}` },
    });
  });
  afterAll(() => t.close());

  it('answers 404 for such a session, as for an unknown one, on every session route', async () => {
    const unknown = await t.http.get('/session/ses_unknown000000000000000000').expect(404);
    const res = await t.http.get(`/session/${outsideSession}`).expect(404);
    expect(res.body).toEqual({
      name: 'NotFoundError',
      data: { message: `Session not found: ${outsideSession}` },
    });
    expect(Object.keys(res.body as object)).toEqual(Object.keys(unknown.body as object));
    await t.http.get(`/session/${outsideSession}/message`).expect(404);
    await t.http.get(`/session/${outsideSession}/children`).expect(404);
    await t.http.patch(`/session/${outsideSession}`).send({ title: 'x' }).expect(404);
    await t.http.delete(`/session/${outsideSession}`).expect(404);
    // Naming an allowed directory does not open it either.
    await t.http.get(`/session/${outsideSession}?directory=${enc(dirs.project)}`).expect(404);
  });

  it('leaves them and their projects out of the server-wide lists', async () => {
    const all = (await t.http.get('/experimental/session').expect(200)).body as Array<{
      id: string;
    }>;
    expect(all.map((session) => session.id)).toEqual([inside]);
    const api = (await t.http.get('/api/session').expect(200)).body as {
      data: Array<{ id: string }>;
    };
    expect(api.data.map((session) => session.id)).toEqual([inside]);
    const projects = (await t.http.get('/project').expect(200)).body as Array<{ id: string }>;
    expect(projects.map((project) => project.id)).not.toContain(outsideProject);
    expect(projects.map((project) => project.id)).toContain('global');
    await t.http.get(`/project/${outsideProject}/directories`).expect(404);
    await t.http.patch(`/project/${outsideProject}`).send({ name: 'x' }).expect(404);
  });

  it('refuses /api session creation outside the list, and tells nothing of such a session', async () => {
    const refused = await t.http
      .post('/api/session')
      .send({ location: { directory: dirs.outside } })
      .expect(403);
    expect(refused.body._tag).toBe('ForbiddenError');
    const taken = await t.http.post('/api/session').send({ id: outsideSession }).expect(409);
    expect(taken.body).toEqual({
      _tag: 'ConflictError',
      message: `Session ID is taken: ${outsideSession}`,
      resource: outsideSession,
    });
    const active = await t.http.get('/api/session/active').expect(200);
    expect(Object.keys(active.body.data as object)).not.toContain(outsideSession);
    // Nor of its project's saved permissions.
    const saved = await t.http.get(`/api/permission/saved?projectID=${outsideProject}`).expect(404);
    expect(saved.body._tag).toBe('ProjectNotFoundError');
  });

  it('still serves the sessions of allowed directories', async () => {
    const res = await t.http.get(`/session/${inside}`).expect(200);
    expect((res.body as { directory: string }).directory).toBe(dirs.project);
    await t.http.get(`/session/${inside}/message`).expect(200);
  });
});

describe('access control: a server started outside its own list', () => {
  const dirs = layout();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      directory: dirs.outside,
      server: { allowedDirectories: [join(dirs.root, 'allowed')] },
    });
  });
  afterAll(() => t.close());

  it('refuses requests that name no directory, but not the health check', async () => {
    const res = await t.http.get('/path').expect(403);
    expect((res.body as { data: { directory: string } }).data.directory).toBe(dirs.outside);
    await t.http.get('/api/location').expect(403);
    await t.http.get('/global/health').expect(200);
    await t.http.get(`/path?directory=${enc(dirs.project)}`).expect(200);
  });
});

const TOKENS = ['first-token-0123456789', 'second-token-abcdefghij'];
const PASSWORD = 'a password';
const BEARER = { authorization: `Bearer ${TOKENS[1]}` };

/** A GET from another loopback address (127.0.0.0/8 all reach the server on Linux). */
function getFrom(
  localAddress: string,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { localAddress, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

describe('access control: bearer tokens alone (OPENCODE_SERVER_TOKENS)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: { OPENCODE_SERVER_TOKENS: ` ${TOKENS[0]} ,,${TOKENS[1]}` },
      captureLogs: true,
    });
  });
  afterAll(() => t.close());

  it('answers a request without credentials 401 with a Bearer challenge', async () => {
    for (const path of ['/path', '/global/health', '/doc', '/api/location', '/session']) {
      const res = await t.http.get(path).expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="opencode"');
      // Under /api in the v2 shape, as the reference answers there.
      expect(res.body).toEqual(
        path.startsWith('/api/')
          ? { _tag: 'UnauthorizedError', message: 'Authentication required' }
          : { name: 'UnauthorizedError', data: { message: 'Authentication required' } },
      );
    }
  });

  it('accepts each token on every kind of route', async () => {
    for (const token of TOKENS) {
      const auth = `Bearer ${token}`;
      await t.http.get('/path').set('authorization', auth).expect(200);
      await t.http.get('/global/health').set('authorization', auth).expect(200);
      await t.http.get('/doc').set('authorization', auth).expect(200);
      await t.http.get('/api/location').set('authorization', auth).expect(200);
      await t.http.post('/session').set('authorization', auth).send({}).expect(200);
    }
  });

  it('refuses wrong tokens, basic auth and the token as a password', async () => {
    for (const authorization of [
      `Bearer ${TOKENS[0]}x`,
      `Bearer ${TOKENS[0].slice(0, -1)}`,
      `Bearer ${TOKENS[0]},${TOKENS[1]}`,
      `Basic ${Buffer.from(`opencode:${TOKENS[0]}`).toString('base64')}`,
      TOKENS[0],
    ]) {
      await t.http.get('/path').set('authorization', authorization).expect(401);
    }
  });

  it('streams /event and /global/event to a bearer client', async () => {
    for (const path of ['/event', '/global/event']) {
      const refused = connectSse(`${t.url}${path}`);
      expect((await refused.response).statusCode).toBe(401);
      refused.close();
      const sse = connectSse(`${t.url}${path}`, BEARER);
      expect((await sse.response).statusCode).toBe(200);
      await sse.waitFor(() => true);
      sse.close();
    }
    // A browser's EventSource sends the token in the query instead.
    const sse = connectSse(`${t.url}/event?auth_token=${TOKENS[0]}`);
    expect(frameType(await sse.waitFor(() => true))).toBe('server.connected');
    sse.close();
  });

  it('opens the terminal WebSocket with the token, and refuses it without', async () => {
    const pty = await t.http.post('/pty').set(BEARER).send({ command: '/bin/sh' }).expect(200);
    const connect = `${t.url}/pty/${(pty.body as { id: string }).id}/connect`;
    expect((await mustRefuse(connect)).status).toBe(401);
    expect((await mustRefuse(connect, { authorization: 'Bearer wrong' })).status).toBe(401);
    const socket = await mustOpen(connect, BEARER);
    await socket.control();
    socket.close();
    const byQuery = await mustOpen(`${connect}?auth_token=${TOKENS[0]}`);
    await byQuery.control();
    byQuery.close();
  });

  it('lets share links through without credentials, nothing else under /share', async () => {
    for (const path of ['/share/abc123', '/share/abc123/data']) {
      const res = await t.http.get(path);
      expect(res.status).not.toBe(401);
    }
    await t.http.post('/share/abc123').send({}).expect(401);
    await t.http.get('/share/abc123/other').expect(401);
    await t.http.get('/share/abc.123').expect(401);
    await t.http.post('/session/ses_x/share').send({}).expect(401);
  });

  it('describes the schemes and the rules in /doc', async () => {
    const doc = (await t.http.get('/doc').set(BEARER).expect(200)).body as {
      info: { description: string };
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
    };
    expect(Object.values(doc.components.securitySchemes)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'http', scheme: 'basic' }),
        expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      ]),
    );
    expect(doc.info.description).toMatch(/^opencode api\n/);
    for (const term of [
      'OPENCODE_SERVER_TOKENS',
      'OPENCODE_ALLOWED_DIRECTORIES',
      '--allow-dir',
      'ForbiddenDirectoryError',
      'TooManyRequestsError',
      'Retry-After',
    ]) {
      expect(doc.info.description).toContain(term);
    }
  });

  it('never logs a token', () => {
    const logs = t.logs();
    expect(logs).toContain('/path');
    for (const token of TOKENS) expect(logs).not.toContain(token);
  });
});

describe('access control: password and tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: { OPENCODE_SERVER_PASSWORD: PASSWORD, OPENCODE_SERVER_TOKENS: TOKENS[0] },
    });
  });
  afterAll(() => t.close());

  it('accepts the password (header or ?auth_token=) and the token; challenges with Basic', async () => {
    await t.http.get('/path').auth('opencode', PASSWORD).expect(200);
    await t.http.get('/path').set('authorization', `Bearer ${TOKENS[0]}`).expect(200);
    const browser = Buffer.from(`opencode:${PASSWORD}`).toString('base64');
    await t.http.get(`/path?auth_token=${encodeURIComponent(browser)}`).expect(200);
    const res = await t.http.get('/path').expect(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="opencode"');
    await t.http.get('/path').set('authorization', `Bearer ${PASSWORD}`).expect(401);
  });
});

describe('access control: too many failed logins', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { OPENCODE_SERVER_TOKENS: TOKENS[0] } });
  });
  afterAll(() => t.close());

  it('refuses an address with 429 and Retry-After past 20 failures, others unaffected', async () => {
    const url = `${t.url}/path`;
    const wrong = { authorization: 'Bearer guess' };
    for (let i = 0; i < 20; i++) expect((await getFrom('127.0.0.3', url, wrong)).status).toBe(401);
    const blocked = await getFrom('127.0.0.3', url, wrong);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(JSON.parse(blocked.body)).toEqual({
      name: 'TooManyRequestsError',
      data: { message: expect.any(String) as string },
    });
    // The right token does not get the address back in before the block ends.
    const right = { authorization: `Bearer ${TOKENS[0]}` };
    expect((await getFrom('127.0.0.3', url, right)).status).toBe(429);
    expect((await getFrom('127.0.0.4', url, right)).status).toBe(200);
    expect((await getFrom('127.0.0.4', url, wrong)).status).toBe(401);
    await t.http.get('/path').set(right).expect(200);
  });
});
