import { DatabaseService } from '../../src/core/storage/database.service';
import type { GlobalSessionDto } from '../../src/session/dto/global-session.dto';
import type { Session } from '../../src/session/dto/session.dto';
import { gitRepo, tempDir } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

const UNKNOWN_SESSION = 'ses_ffffffffffff0000000000000';

describe('experimental: capabilities, sessions of every project, background', () => {
  let t: TestApp;
  let other: string;
  let outside: string;

  beforeAll(async () => {
    t = await startTestApp();
    other = gitRepo();
    outside = tempDir();
  });
  afterAll(() => t.close());

  async function createSession(
    directory: string,
    body: Record<string, unknown> = {},
  ): Promise<Session> {
    const res = await t.http.post('/session').query({ directory }).send(body).expect(200);
    return res.body as Session;
  }

  /** Sets `time.updated` (and the indexed column) of a session, to order a listing for sure. */
  function setUpdated(sessionID: string, updated: number): void {
    t.app
      .get(DatabaseService)
      .connection.prepare(
        `UPDATE session SET time_updated = ?,
           data = json_set(data, '$.time.updated', ?) WHERE id = ?`,
      )
      .run(updated, updated, sessionID);
  }

  it('GET /experimental/capabilities: no background subagents here', async () => {
    await t.http.get('/experimental/capabilities').expect(200, { backgroundSubagents: false });
  });

  describe('GET /experimental/session', () => {
    let sessions: Session[];
    let child: Session;
    let archived: Session;

    beforeAll(async () => {
      // Three projects: the default git repo, another git repo, a plain directory (global).
      sessions = [
        await createSession(t.directory, { title: 'alpha one' }),
        await createSession(other, { title: 'beta two' }),
        await createSession(outside, { title: 'gamma three' }),
        await createSession(t.directory, { title: 'Alpha four' }),
      ];
      child = await createSession(t.directory, { title: 'child', parentID: sessions[0].id });
      archived = await createSession(other, { title: 'old alpha' });
      await t.http
        .patch(`/session/${archived.id}`)
        .query({ directory: other })
        .send({ time: { archived: Date.now() } })
        .expect(200);
      // Updated times 1000, 2000, ... in creation order: the listing is newest first.
      [...sessions, child, archived].forEach((session, index) =>
        setUpdated(session.id, 1000 * (index + 1)),
      );
    });

    const titles = (body: GlobalSessionDto[]) => body.map((session) => session.title);

    it('lists every project, most recently updated first, each with its project, archived left out', async () => {
      const res = await t.http.get('/experimental/session').expect(200);
      const body = res.body as GlobalSessionDto[];
      expect(titles(body)).toEqual(['child', 'Alpha four', 'gamma three', 'beta two', 'alpha one']);
      expect(res.headers['x-next-cursor']).toBeUndefined();
      const project = (await t.http.get('/project/current').expect(200)).body as {
        id: string;
        worktree: string;
      };
      expect(body[1]).toEqual({
        ...sessions[3],
        time: { ...sessions[3].time, updated: 4000 },
        project: { id: project.id, worktree: project.worktree },
      });
      const byTitle = new Map(body.map((session) => [session.title, session]));
      expect(byTitle.get('beta two')?.project).toEqual({
        id: byTitle.get('beta two')?.projectID,
        worktree: other,
      });
      expect(byTitle.get('gamma three')?.project).toMatchObject({ id: 'global' });
    });

    it('filters: roots, search (case-insensitive), start, archived, directory (query only)', async () => {
      const list = async (query: Record<string, unknown>, headers: Record<string, string> = {}) =>
        titles(
          (await t.http.get('/experimental/session').query(query).set(headers).expect(200))
            .body as GlobalSessionDto[],
        );
      expect(await list({ roots: true })).toEqual([
        'Alpha four',
        'gamma three',
        'beta two',
        'alpha one',
      ]);
      expect(await list({ search: 'ALPHA' })).toEqual(['Alpha four', 'alpha one']);
      expect(await list({ search: 'alpha', archived: true })).toEqual([
        'old alpha',
        'Alpha four',
        'alpha one',
      ]);
      expect(await list({ start: 3000 })).toEqual(['child', 'Alpha four', 'gamma three']);
      expect(await list({ directory: other, archived: 'true' })).toEqual(['old alpha', 'beta two']);
      expect(await list({ directory: other, archived: 'false' })).toEqual(['beta two']);
      // The directory header alone picks the instance but does not filter (as the reference).
      expect(await list({}, { 'x-opencode-directory': encodeURIComponent(other) })).toHaveLength(5);
    });

    it('pages with limit and cursor (X-Next-Cursor: the last time.updated of the page)', async () => {
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const res = await t.http
          .get('/experimental/session')
          .query({ limit: 2, ...(cursor && { cursor }) })
          .expect(200);
        pages.push(titles(res.body as GlobalSessionDto[]));
        cursor = res.headers['x-next-cursor'];
        if (cursor) {
          expect(cursor).toBe(String((res.body as GlobalSessionDto[])[1].time.updated));
          expect(res.headers.link).toContain(`cursor=${cursor}`);
        }
      } while (cursor);
      expect(pages).toEqual([['child', 'Alpha four'], ['gamma three', 'beta two'], ['alpha one']]);
    });

    it('never splits sessions updated in the same millisecond between pages', async () => {
      const base = (await createSession(outside, { title: 'tie-base' })).id;
      const tied = [
        await createSession(outside, { title: 'tie-a' }),
        await createSession(outside, { title: 'tie-b' }),
        await createSession(outside, { title: 'tie-c' }),
      ];
      setUpdated(base, 9_000_001);
      for (const session of tied) setUpdated(session.id, 9_000_000);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await t.http
          .get('/experimental/session')
          .query({ search: 'tie-', limit: 2, ...(cursor && { cursor }) })
          .expect(200);
        seen.push(...titles(res.body as GlobalSessionDto[]));
        cursor = res.headers['x-next-cursor'];
        pages++;
      } while (cursor && pages < 10);
      expect(seen.sort()).toEqual(['tie-a', 'tie-b', 'tie-base', 'tie-c']);
    });

    it.each([
      [{ limit: 0 }, 'limit'],
      [{ limit: 'abc' }, 'limit'],
      [{ cursor: 'abc' }, 'cursor'],
      [{ start: 'soon' }, 'start'],
      [{ roots: 'maybe' }, 'roots'],
      [{ archived: 'maybe' }, 'archived'],
      [{ colour: 'red' }, 'colour'],
    ])('refuses %j with 400 naming %s', async (query, field) => {
      const res = await t.http.get('/experimental/session').query(query).expect(400);
      expect(res.body).toMatchObject({ name: 'BadRequest', data: { kind: 'Query', field } });
    });
  });

  describe('POST /experimental/session/:id/background', () => {
    it('answers false for a session (no subagent can be moved to the background)', async () => {
      const session = await createSession(t.directory);
      await t.http.post(`/experimental/session/${session.id}/background`).expect(200, 'false');
    });

    it('answers 404 for an unknown session and 400 for a malformed id', async () => {
      const missing = await t.http
        .post(`/experimental/session/${UNKNOWN_SESSION}/background`)
        .expect(404);
      expect(missing.body.name).toBe('NotFoundError');
      const bad = await t.http.post('/experimental/session/bad/background').expect(400);
      expect(bad.body).toMatchObject({ name: 'BadRequest', data: { field: 'sessionID' } });
    });
  });
});

describe('experimental: workspaces, project copies and Console (none on this server)', () => {
  let t: TestApp;
  let session: Session;
  let projectID: string;

  beforeAll(async () => {
    t = await startTestApp();
    session = (await t.http.post('/session').expect(200)).body as Session;
    projectID = session.projectID;
  });
  afterAll(() => t.close());

  it('reads answer as the reference does when none exist', async () => {
    await t.http.get('/experimental/workspace').expect(200, []);
    await t.http.get('/experimental/workspace/status').expect(200, []);
    await t.http.get('/experimental/workspace/adapter').expect(200, []);
    await t.http
      .get('/experimental/console')
      .expect(200, { consoleManagedProviders: [], switchableOrgCount: 0 });
    await t.http.get('/experimental/console/orgs').expect(200, { orgs: [] });
  });

  it.each<[string, string, object | undefined, number, string]>([
    ['post', '/experimental/workspace', { type: 'worktree' }, 400, 'WorkspaceCreateError'],
    [
      'post',
      '/experimental/workspace',
      { type: 'cloud', branch: null, extra: { a: 1 } },
      400,
      'WorkspaceCreateError',
    ],
    ['delete', '/experimental/workspace/wrk_abc', undefined, 404, 'NotFoundError'],
    ['post', '/experimental/workspace/sync-list', undefined, 400, 'WorkspaceSyncError'],
    [
      'post',
      '/experimental/workspace/warp',
      { id: 'wrk_abc', sessionID: 'SESSION' },
      404,
      'NotFoundError',
    ],
    [
      'post',
      '/experimental/workspace/warp',
      { id: null, sessionID: 'SESSION' },
      400,
      'WorkspaceWarpError',
    ],
    [
      'post',
      '/experimental/workspace/warp',
      { id: null, sessionID: UNKNOWN_SESSION },
      404,
      'NotFoundError',
    ],
    [
      'post',
      '/experimental/console/switch',
      { accountID: 'a', orgID: 'b' },
      400,
      'ConsoleOrgError',
    ],
    [
      'post',
      '/experimental/control-plane/move-session',
      { sessionID: 'SESSION', destination: { directory: '/tmp' } },
      400,
      'MoveSessionError',
    ],
    [
      'post',
      '/experimental/control-plane/move-session',
      { sessionID: UNKNOWN_SESSION, destination: { directory: '/tmp' } },
      404,
      'NotFoundError',
    ],
    ['post', '/experimental/project/PROJECT/copy/generate-name', {}, 400, 'ProjectCopyError'],
    [
      'post',
      '/experimental/project/PROJECT/copy',
      { strategy: 'worktree', directory: '/tmp/copy' },
      400,
      'ProjectCopyError',
    ],
    [
      'delete',
      '/experimental/project/PROJECT/copy',
      { directory: '/tmp/copy', force: true },
      400,
      'ProjectCopyError',
    ],
    ['post', '/experimental/project/PROJECT/copy/refresh', undefined, 400, 'ProjectCopyError'],
    ['post', '/experimental/project/nope/copy/generate-name', {}, 404, 'NotFoundError'],
    [
      'post',
      '/experimental/project/nope/copy',
      { strategy: 'worktree', directory: '/tmp/copy' },
      404,
      'NotFoundError',
    ],
    [
      'delete',
      '/experimental/project/nope/copy',
      { directory: '/tmp/copy', force: false },
      404,
      'NotFoundError',
    ],
    ['post', '/experimental/project/nope/copy/refresh', undefined, 404, 'NotFoundError'],
  ])('%s %s %j: %i %s, saying why', async (method, path, body, status, name) => {
    const url = path.replace('PROJECT', projectID);
    const filled =
      body && (JSON.parse(JSON.stringify(body).replace('SESSION', session.id)) as object);
    const req = method === 'post' ? t.http.post(url) : t.http.delete(url);
    const res = await (filled ? req.send(filled) : req);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ name, data: { message: expect.any(String) } });
    expect(res.body.data.message).toMatch(
      /no workspaces|no workspace adapters|no Console|no control plane|not copy projects|no project copies|not found/i,
    );
  });

  it.each<[string, string, unknown, string]>([
    ['post', '/experimental/workspace', {}, 'type'],
    ['post', '/experimental/workspace', { type: 7 }, 'type'],
    ['post', '/experimental/workspace', { type: 'x', id: 'bad' }, 'id'],
    ['post', '/experimental/workspace', { type: 'x', branch: 1 }, 'branch'],
    ['post', '/experimental/workspace', { type: 'x', other: 1 }, 'other'],
    ['delete', '/experimental/workspace/bad', undefined, 'id'],
    ['post', '/experimental/workspace/warp', {}, 'id'],
    ['post', '/experimental/workspace/warp', { id: 'bad', sessionID: UNKNOWN_SESSION }, 'id'],
    ['post', '/experimental/workspace/warp', { id: null }, 'sessionID'],
    [
      'post',
      '/experimental/workspace/warp',
      { id: null, sessionID: UNKNOWN_SESSION, copyChanges: 'yes' },
      'copyChanges',
    ],
    ['post', '/experimental/console/switch', {}, 'accountID'],
    ['post', '/experimental/console/switch', { accountID: 'a' }, 'orgID'],
    ['post', '/experimental/control-plane/move-session', {}, 'sessionID'],
    [
      'post',
      '/experimental/control-plane/move-session',
      { sessionID: UNKNOWN_SESSION },
      'destination',
    ],
    [
      'post',
      '/experimental/control-plane/move-session',
      { sessionID: UNKNOWN_SESSION, destination: {} },
      'destination.directory',
    ],
    ['post', '/experimental/project/PROJECT/copy/generate-name', { context: 1 }, 'context'],
    ['post', '/experimental/project/PROJECT/copy', { directory: '/tmp/x' }, 'strategy'],
    ['post', '/experimental/project/PROJECT/copy', { strategy: 'worktree' }, 'directory'],
    ['delete', '/experimental/project/PROJECT/copy', { directory: '/tmp/x' }, 'force'],
  ])('%s %s %j: 400 naming %s (bodies are validated first)', async (method, path, body, field) => {
    const url = path.replace('PROJECT', projectID);
    const req = method === 'post' ? t.http.post(url) : t.http.delete(url);
    const res = await (body === undefined ? req : req.send(body as object));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ name: 'BadRequest', data: { field } });
  });
});
