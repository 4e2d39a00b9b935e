import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/fixtures';
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
  let t: TestApp;

  beforeAll(async () => {
    // Sessions made by a server without the list, in the same database.
    const open = await startTestApp({ directory: dirs.project });
    home = open.home;
    inside = (await open.http.post('/session').send({}).expect(200)).body.id as string;
    outsideSession = (
      await open.http
        .post(`/session?directory=${enc(dirs.outside)}`)
        .send({})
        .expect(200)
    ).body.id as string;
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
