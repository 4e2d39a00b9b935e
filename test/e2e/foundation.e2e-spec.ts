import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { HttpExceptionFilter } from '../../src/core/errors/http-exception.filter';
import { DIRECTORY_HEADER } from '../../src/core/http/request-context';
import { InstanceService } from '../../src/core/instance/instance.service';
import { gitRepo, runGit, tempDir } from '../support/fixtures';
import { connectSse, frameType, SseClient } from '../support/sse-client';
import { startTestApp, TestApp } from '../support/test-app';

const packageVersion = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

/**
 * A repository with its own root commit. Repositories with the same content committed in the
 * same second share a root commit, and so a project id (as clones do): tests that tell projects
 * apart need distinct content.
 */
function uniqueRepo(): string {
  return gitRepo({ 'id.txt': `${randomUUID()}\n` });
}

function rootCommit(directory: string): string {
  return runGit(directory, 'rev-list', '--max-parents=0', 'HEAD').trim();
}

/** No response body may carry a stack trace or a source path of the server. */
function expectNoStack(body: unknown): void {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
}

describe('foundation: health, path, vcs, project', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ directory: uniqueRepo() });
  });
  afterAll(() => t.close());

  it('GET /global/health answers healthy with the package version', async () => {
    const res = await t.http.get('/global/health').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ healthy: true, version: packageVersion });
  });

  it('GET /path gives the global directories and the request directory', async () => {
    const res = await t.http.get('/path').expect(200);
    expect(res.body).toEqual({
      home: t.home,
      state: join(t.home, '.local/state/opencode'),
      config: join(t.home, '.config/opencode'),
      worktree: t.directory,
      directory: t.directory,
    });
  });

  it('GET /path from a subdirectory keeps the repository root as worktree', async () => {
    const sub = join(t.directory, 'packages', 'app');
    mkdirSync(sub, { recursive: true });
    const res = await t.http.get('/path').query({ directory: sub }).expect(200);
    expect(res.body).toMatchObject({ worktree: t.directory, directory: sub });
  });

  it('GET /vcs reports the current branch of a repository', async () => {
    const repo = uniqueRepo();
    // Without a remote, the default branch is the local main (as the reference).
    await t.http
      .get('/vcs')
      .query({ directory: repo })
      .expect(200, { branch: 'main', default_branch: 'main' });
    runGit(repo, 'checkout', '-q', '-b', 'feature/x');
    await t.http
      .get('/vcs')
      .query({ directory: repo })
      .expect(200, { branch: 'feature/x', default_branch: 'main' });
  });

  it('GET /vcs names the default branch of the origin remote', async () => {
    const origin = uniqueRepo();
    const clone = tempDir('opencode-clone-');
    runGit(clone, 'clone', '-q', origin, '.');
    runGit(clone, 'checkout', '-q', '-b', 'topic');
    await t.http
      .get('/vcs')
      .query({ directory: clone })
      .expect(200, { branch: 'topic', default_branch: 'main' });
  });

  it('GET /vcs outside git answers no branch', async () => {
    const plain = tempDir('opencode-plain-');
    await t.http.get('/vcs').query({ directory: plain }).expect(200, {});
  });

  it('GET /project/current identifies a git project by its root commit', async () => {
    const res = await t.http.get('/project/current').expect(200);
    expect(res.body).toEqual({
      id: rootCommit(t.directory),
      worktree: t.directory,
      vcs: 'git',
      time: { created: expect.any(Number), updated: expect.any(Number) },
      sandboxes: [],
    });
    expect(res.body.id).toMatch(/^[0-9a-f]{40}$/);
  });

  it('GET /project/current is the same project from any subdirectory', async () => {
    const sub = join(t.directory, 'src');
    mkdirSync(sub, { recursive: true });
    const res = await t.http.get('/project/current').query({ directory: sub }).expect(200);
    expect(res.body.id).toBe(rootCommit(t.directory));
    expect(res.body.worktree).toBe(t.directory);
  });

  it('GET /project/current outside git is the `global` project', async () => {
    const plain = tempDir('opencode-plain-');
    const res = await t.http.get('/project/current').query({ directory: plain }).expect(200);
    expect(res.body).toMatchObject({ id: 'global', worktree: '/', sandboxes: [] });
    expect(res.body).not.toHaveProperty('vcs');
  });

  it('GET /project lists every project opened, most recent first', async () => {
    const other = uniqueRepo();
    await t.http.get('/path').query({ directory: other }).expect(200);
    const res = await t.http.get('/project').expect(200);
    const ids = (res.body as Array<{ id: string }>).map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining([rootCommit(t.directory), rootCommit(other)]));
    const updated = (res.body as Array<{ time: { updated: number } }>).map((p) => p.time.updated);
    expect(updated).toEqual([...updated].sort((a, b) => b - a));
  });
});

describe('foundation: known projects survive a restart', () => {
  it('lists the projects of an earlier server on the same HOME', async () => {
    const first = await startTestApp({ directory: uniqueRepo() });
    const other = uniqueRepo();
    await first.http.get('/project/current').expect(200);
    await first.http.get('/project/current').query({ directory: other }).expect(200);
    await first.close();

    const second = await startTestApp({ home: first.home, directory: uniqueRepo() });
    try {
      const res = await second.http.get('/project').expect(200);
      const ids = (res.body as Array<{ id: string }>).map((p) => p.id);
      expect(ids).toEqual(expect.arrayContaining([rootCommit(other), rootCommit(first.directory)]));
    } finally {
      await second.close();
    }
  });
});

describe('foundation: directory of a request', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('uses the start directory when the request names none', async () => {
    const res = await t.http.get('/path').expect(200);
    expect(res.body.directory).toBe(t.directory);
  });

  it('takes the URL-encoded x-opencode-directory header over the default', async () => {
    const dir = join(tempDir(), 'dir with spaces é');
    mkdirSync(dir);
    const res = await t.http
      .get('/path')
      .set(DIRECTORY_HEADER, encodeURIComponent(dir))
      .expect(200);
    expect(res.body.directory).toBe(dir);
  });

  it('takes ?directory= over the header', async () => {
    const fromQuery = tempDir('opencode-query-');
    const fromHeader = tempDir('opencode-header-');
    const res = await t.http
      .get('/path')
      .query({ directory: fromQuery })
      .set(DIRECTORY_HEADER, encodeURIComponent(fromHeader))
      .expect(200);
    expect(res.body.directory).toBe(fromQuery);
  });

  it('refuses a directory that does not exist with a 400 naming it', async () => {
    const missing = join(tempDir(), 'missing');
    for (const req of [
      t.http.get('/path').query({ directory: missing }),
      t.http.get('/project/current').set(DIRECTORY_HEADER, encodeURIComponent(missing)),
    ]) {
      const res = await req.expect(400);
      expect(res.body).toMatchObject({ name: 'BadRequest', data: { field: 'directory' } });
      expect(res.body.data.message).toContain(missing);
    }
  });

  it('refuses a path that is a file, not a directory', async () => {
    const res = await t.http
      .get('/path')
      .query({ directory: join(t.directory, 'README.md') })
      .expect(400);
    expect(res.body.name).toBe('BadRequest');
  });

  it('gives one instance per directory, shared by a symlink to it', async () => {
    const instances = t.app.get(InstanceService);
    const link = join(tempDir(), 'link');
    symlinkSync(t.directory, link);
    const res = await t.http.get('/path').query({ directory: link }).expect(200);
    expect(res.body.directory).toBe(t.directory);
    expect(await instances.resolve(link)).toBe(await instances.resolve(t.directory));
    expect(await instances.resolve(`${t.directory}/`)).toBe(await instances.resolve(t.directory));
  });
});

describe('foundation: POST /instance/dispose', () => {
  let t: TestApp;
  const streams: SseClient[] = [];
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    streams.forEach((s) => s.close());
    await t.close();
  });

  it('ends the streams of the directory with server.instance.disposed, then recreates', async () => {
    const instances = t.app.get(InstanceService);
    const before = await instances.resolve(t.directory);
    const cleanup = jest.fn();
    before.getOrCreate(Symbol('test-state'), () => 1, cleanup);

    const local = connectSse(`${t.url}/event`);
    const global = connectSse(`${t.url}/global/event`);
    const other = connectSse(`${t.url}/event?directory=${encodeURIComponent(uniqueRepo())}`);
    streams.push(local, global, other);
    await Promise.all([local, global, other].map((s) => s.waitFor(() => true)));

    await t.http.post('/instance/dispose').expect(200, 'true');

    const disposed = await local.waitFor((f) => frameType(f) === 'server.instance.disposed');
    expect(disposed.data).toMatchObject({
      id: expect.stringMatching(/^evt_/),
      type: 'server.instance.disposed',
      properties: { directory: t.directory },
    });
    await local.ended;
    expect(local.frames.at(-1)).toBe(disposed);

    const wrapped = await global.waitFor((f) => frameType(f) === 'server.instance.disposed');
    expect(wrapped.data).toMatchObject({
      directory: t.directory,
      project: before.projectID,
      payload: { type: 'server.instance.disposed', properties: { directory: t.directory } },
    });

    expect(before.disposed).toBe(true);
    expect(before.signal.aborted).toBe(true);
    expect(cleanup).toHaveBeenCalledWith(1);
    // Another directory's stream is not affected.
    expect(other.frames.map(frameType)).toEqual(['server.connected']);

    await t.http.get('/path').expect(200);
    const after = await instances.resolve(t.directory);
    expect(after).not.toBe(before);
    expect(after.disposed).toBe(false);
    const again = connectSse(`${t.url}/event`);
    streams.push(again);
    expect(frameType(await again.waitFor(() => true))).toBe('server.connected');
  });

  it('disposes through a symlinked path too', async () => {
    const instances = t.app.get(InstanceService);
    const link = join(tempDir(), 'link');
    symlinkSync(t.directory, link);
    const viaLink = await instances.resolve(link);
    const stream = connectSse(`${t.url}/event`);
    streams.push(stream);
    await stream.waitFor(() => true);
    await t.http.post('/instance/dispose').query({ directory: link }).expect(200, 'true');
    await stream.waitFor((f) => frameType(f) === 'server.instance.disposed');
    await stream.ended;
    expect(viaLink.disposed).toBe(true);
    expect(await instances.resolve(link)).not.toBe(viaLink);
  });
});

describe('foundation: POST /log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('accepts every level, with and without extra', async () => {
    for (const level of ['debug', 'info', 'warn', 'error']) {
      await t.http
        .post('/log')
        .send({ service: 'tui', level, message: `a ${level} line` })
        .expect(200, 'true');
    }
    await t.http
      .post('/log')
      .send({ service: 'tui', level: 'info', message: 'm', extra: { a: 1, nested: { b: [2] } } })
      .expect(200, 'true');
  });

  it('refuses a bad level with a 400 naming `level`', async () => {
    const res = await t.http
      .post('/log')
      .send({ service: 'tui', level: 'verbose', message: 'm' })
      .expect(400);
    expect(res.body).toEqual({
      name: 'BadRequest',
      data: { message: expect.stringContaining('level'), kind: 'Body', field: 'level' },
    });
  });

  it.each([
    [{ level: 'info', message: 'm' }, 'service'],
    [{ service: 'tui', level: 'info' }, 'message'],
    [{ service: 'tui', level: 'info', message: 42 }, 'message'],
    [{ service: 'tui', level: 'info', message: 'm', extra: 'text' }, 'extra'],
    [{ service: 'tui', level: 'info', message: 'm', unknown: true }, 'unknown'],
  ])('refuses %j with a 400 naming %s', async (body, field) => {
    const res = await t.http.post('/log').send(body).expect(400);
    expect(res.body).toMatchObject({ name: 'BadRequest', data: { field } });
    expectNoStack(res.body);
  });

  it('answers malformed JSON with a 400, not a 500', async () => {
    const res = await t.http
      .post('/log')
      .set('content-type', 'application/json')
      .send('{"service": "tui", level')
      .expect(400);
    expect(res.body).toMatchObject({ name: 'BadRequest', data: { message: expect.any(String) } });
    expectNoStack(res.body);
  });

  it('answers a body that is not JSON with a 415, not a 500', async () => {
    const res = await t.http.post('/log').set('content-type', 'text/plain').send('hello');
    expect(res.status).toBe(415);
    expect(res.body).toEqual({
      name: 'UnsupportedMediaTypeError',
      data: { message: expect.any(String) },
    });
  });

  it('refuses a form post (which a browser sends cross-origin without a preflight)', async () => {
    const res = await t.http
      .post('/log')
      .type('form')
      .send({ service: 'tui', level: 'info', message: 'from a web page' });
    expect(res.status).toBe(415);
    expect(res.body.name).toBe('UnsupportedMediaTypeError');
  });
});

describe('foundation: server log', () => {
  it('writes POST /log entries and, at debug, one line per request', async () => {
    const t = await startTestApp({
      captureLogs: true,
      env: { OPENCODE_SERVER_PASSWORD: 'hunter2-secret' },
    });
    try {
      const http = t.http;
      await http
        .post('/log')
        .auth('opencode', 'hunter2-secret')
        .send({ service: 'my-plugin', level: 'warn', message: 'disk low', extra: { free: 3 } })
        .expect(200);
      await http.get('/global/health').auth('opencode', 'hunter2-secret').expect(200);
      const lines = t
        .logs()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const entry = lines.find((l) => l.msg === 'disk low');
      expect(entry).toMatchObject({ level: 40, service: 'my-plugin', extra: { free: 3 } });
      const requests = lines.filter((l) => l.msg === 'request');
      expect(requests).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ level: 20, method: 'GET', url: '/global/health', status: 200 }),
          expect.objectContaining({ method: 'POST', url: '/log', status: 200 }),
        ]),
      );
      // Credentials never reach the log.
      expect(JSON.stringify(lines)).not.toContain('hunter2-secret');
      expect(JSON.stringify(lines)).not.toContain(
        Buffer.from('opencode:hunter2-secret').toString('base64'),
      );
    } finally {
      await t.close();
    }
  });
});

describe('foundation: error contract', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it.each(['get', 'post', 'delete'] as const)(
    'answers an unknown route (%s) with a 404 JSON NotFoundError',
    async (method) => {
      const res = await t.http[method]('/no/such/route').set('accept', 'text/html').expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ name: 'NotFoundError', data: { message: expect.any(String) } });
    },
  );

  it('turns an unexpected error into a 500 UnknownError without details', () => {
    const filter = new HttpExceptionFilter();
    jest.spyOn(filter['logger'], 'error').mockImplementation(() => undefined);
    const secret = new Error('connection string postgres://user:pw@host failed');
    const { status, body } = filter.describe(secret);
    expect(status).toBe(500);
    expect(body).toEqual({ name: 'UnknownError', data: { message: 'Internal server error' } });
    expectNoStack(body);
  });
});
