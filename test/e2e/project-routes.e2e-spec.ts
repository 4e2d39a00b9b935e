import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gitRepo, runGit, tempDir } from '../support/fixtures';
import { connectSse, frameType, type SseClient, type SseFrame } from '../support/sse-client';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * A repository of its own project: repositories made with the same files in the same second
 * would share their root commit, and so their project id.
 */
function uniqueRepo(files: Record<string, string> = {}): string {
  return gitRepo({ ...files, 'id.txt': `${randomUUID()}\n` });
}

interface Project {
  id: string;
  worktree: string;
  vcs?: string;
  name?: string;
  icon?: { url?: string; override?: string; color?: string };
  commands?: { start?: string };
  time: { created: number; updated: number };
  sandboxes: string[];
}

interface GlobalFrame {
  directory?: string;
  project?: string;
  payload: { type: string; properties: Record<string, unknown> };
}

const globalData = (frame: SseFrame) => frame.data as GlobalFrame;

/** `PATCH /project/:id`, `GET /project/:id/directories`, `POST /project/git/init`. */
describe('project routes', () => {
  let t: TestApp;
  let global: SseClient;

  beforeAll(async () => {
    t = await startTestApp();
    global = connectSse(`${t.url}/global/event`);
    await global.waitFor((frame) => frameType(frame) === 'server.connected');
  });
  afterAll(async () => {
    global.close();
    await t.close();
  });

  const current = async (directory: string) =>
    (await t.http.get('/project/current').query({ directory }).expect(200)).body as Project;

  describe('PATCH /project/:projectID', () => {
    it('sets the name, icon and commands, and publishes project.updated on /global/event', async () => {
      const repo = uniqueRepo();
      const { id } = await current(repo);
      const res = await t.http
        .patch(`/project/${id}`)
        .send({ name: 'My Project', icon: { url: 'data:image/png;base64,AA', color: 'blue' } })
        .expect(200);
      const updated = res.body as Project;
      expect(updated).toEqual({
        id,
        worktree: repo,
        vcs: 'git',
        name: 'My Project',
        icon: { url: 'data:image/png;base64,AA', color: 'blue' },
        time: { created: expect.any(Number), updated: expect.any(Number) },
        sandboxes: [],
      });
      const frame = await global.waitFor(
        (f) => frameType(f) === 'project.updated' && globalData(f).project === id,
      );
      expect(globalData(frame)).toMatchObject({
        directory: 'global',
        project: id,
        payload: { type: 'project.updated', properties: updated },
      });

      // Only the fields given change; commands are replaced as a whole.
      const next = (
        await t.http
          .patch(`/project/${id}`)
          .send({ icon: { override: 'data:o' }, commands: { start: 'npm ci' } })
          .expect(200)
      ).body as Project;
      expect(next).toMatchObject({
        name: 'My Project',
        icon: { url: 'data:image/png;base64,AA', override: 'data:o', color: 'blue' },
        commands: { start: 'npm ci' },
      });
      expect(next.time.updated).toBeGreaterThanOrEqual(updated.time.updated);
      expect(await current(repo)).toEqual(next);
      const listed = (await t.http.get('/project').expect(200)).body as Project[];
      expect(listed.find((project) => project.id === id)).toEqual(next);
      // Deliberate difference (issue 13): the reference takes null as "leave it"; here a null
      // where a value is expected is a 400 naming the field, and nothing changes.
      const refused = await t.http
        .patch(`/project/${id}`)
        .send({ name: null, commands: {} })
        .expect(400);
      expect(refused.body.data.field).toBe('name');
      expect(await current(repo)).toEqual(next);
    });

    it('keeps what it set across a restart', async () => {
      const home = tempDir('opencode-home-');
      const repo = uniqueRepo();
      const first = await startTestApp({ home, directory: repo });
      const { id } = (await first.http.get('/project/current').expect(200)).body as Project;
      await first.http
        .patch(`/project/${id}`)
        .send({ name: 'Kept', icon: { color: 'green' }, commands: { start: 'make' } })
        .expect(200);
      await first.close();
      const second = await startTestApp({ home, directory: repo });
      try {
        const project = (await second.http.get('/project/current').expect(200)).body as Project;
        expect(project).toMatchObject({
          name: 'Kept',
          icon: { color: 'green' },
          commands: { start: 'make' },
        });
      } finally {
        await second.close();
      }
    });

    it('is a 404 ProjectNotFoundError for an unknown project', async () => {
      const res = await t.http.patch('/project/nope').send({ name: 'x' }).expect(404);
      expect(res.body).toEqual({
        _tag: 'ProjectNotFoundError',
        projectID: 'nope',
        message: 'Project not found: nope',
      });
    });

    it.each([
      [{ name: 1 }, 'name'],
      [{ icon: 'red' }, 'icon'],
      [{ icon: { color: 1 } }, 'icon.color'],
      [{ icon: { shape: 'round' } }, 'icon.shape'],
      [{ commands: { start: 1 } }, 'commands.start'],
      [{ bogus: true }, 'bogus'],
    ])('refuses the body %j naming %s', async (body, field) => {
      const { id } = await current(t.directory);
      const res = await t.http.patch(`/project/${id}`).send(body).expect(400);
      expect(res.body).toMatchObject({ name: 'BadRequest', data: { field } });
    });
    it.each(['[]', '"name"'])('refuses the body %s', async (body) => {
      const { id } = await current(t.directory);
      const res = await t.http
        .patch(`/project/${id}`)
        .set('content-type', 'application/json')
        .send(body)
        .expect(400);
      expect(res.body).toMatchObject({ name: 'BadRequest' });
    });
  });

  describe('GET /project/:projectID/directories', () => {
    it('lists the checkouts of the project opened so far, most recent first', async () => {
      const repo = uniqueRepo();
      const { id } = await current(repo);
      await current(join(repo, '.git', '..'));
      const linked = join(tempDir(), 'side');
      runGit(repo, 'worktree', 'add', '-q', '-b', 'side', linked);
      // Requests name a subdirectory too: the checkout is what is remembered.
      await t.http.get('/path').query({ directory: linked }).expect(200);
      const res = await t.http.get(`/project/${id}/directories`).expect(200);
      expect(res.body).toEqual([{ directory: linked }, { directory: repo }]);
      // A linked worktree is a sandbox of the project, whose worktree stays the main one.
      expect(await current(linked)).toMatchObject({ id, worktree: repo, sandboxes: [linked] });
    });

    it('is a 404 for an unknown project', async () => {
      const res = await t.http.get('/project/nope/directories').expect(404);
      expect(res.body).toMatchObject({ _tag: 'ProjectNotFoundError', projectID: 'nope' });
    });
  });

  describe('POST /project/git/init', () => {
    it('makes a plain directory a git repository and starts its instance again', async () => {
      const plain = tempDir();
      expect(await current(plain)).toMatchObject({ id: 'global', worktree: '/' });
      const events = connectSse(`${t.url}/event?directory=${encodeURIComponent(plain)}`);
      try {
        await events.waitFor((frame) => frameType(frame) === 'server.connected');
        const res = await t.http.post('/project/git/init').query({ directory: plain }).expect(200);
        // No commit yet: still the global project (as the reference), now a git one here.
        expect(res.body).toMatchObject({ id: 'global', worktree: plain, vcs: 'git' });
        expect(existsSync(join(plain, '.git'))).toBe(true);
        await events.waitFor((frame) => frameType(frame) === 'server.instance.disposed');
      } finally {
        events.close();
      }
      const path = (await t.http.get('/path').query({ directory: plain }).expect(200)).body as {
        worktree: string;
      };
      expect(path.worktree).toBe(plain);
      await global.waitFor(
        (f) =>
          frameType(f) === 'project.updated' && globalData(f).payload.properties.worktree === plain,
      );

      // Its first commit gives it its own id.
      runGit(plain, 'commit', '-q', '--allow-empty', '-m', 'first');
      await t.http.post('/instance/dispose').query({ directory: plain }).expect(200);
      const root = runGit(plain, 'rev-parse', 'HEAD').trim();
      expect(await current(plain)).toMatchObject({ id: root, worktree: plain, vcs: 'git' });
    });

    it('changes nothing in a repository', async () => {
      const repo = uniqueRepo();
      const before = await current(repo);
      const res = await t.http.post('/project/git/init').query({ directory: repo }).expect(200);
      expect(res.body).toMatchObject({ id: before.id, worktree: repo, vcs: 'git' });
      expect(runGit(repo, 'rev-list', '--count', 'HEAD').trim()).toBe('1');
    });
  });
});
