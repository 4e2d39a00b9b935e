import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gitRepo, runGit, tempDir, writeFiles } from '../support/fixtures';
import { connectSse, frameType, type SseClient, type SseFrame } from '../support/sse-client';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * A repository of its own project: repositories made with the same files in the same second
 * would share their root commit, and so their project id.
 */
function uniqueRepo(files: Record<string, string> = {}): string {
  return gitRepo({ ...files, 'id.txt': `${randomUUID()}\n` });
}

interface Worktree {
  name: string;
  branch?: string;
  directory: string;
}

interface GlobalFrame {
  directory?: string;
  project?: string;
  payload: { type: string; properties: Record<string, unknown> };
}

const data = (frame: SseFrame) => frame.data as GlobalFrame;

/** `/experimental/worktree`: sandbox worktrees made with real `git worktree` commands. */
describe('worktree routes', () => {
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

  const projectOf = async (directory: string) =>
    (await t.http.get('/project/current').query({ directory }).expect(200)).body as {
      id: string;
      sandboxes: string[];
    };
  const list = async (directory: string) =>
    (await t.http.get('/experimental/worktree').query({ directory }).expect(200)).body as string[];
  const create = async (directory: string, body: object = {}) =>
    (await t.http.post('/experimental/worktree').query({ directory }).send(body).expect(200))
      .body as Worktree;
  /** Waits for the `worktree.ready` of a worktree (the checkout happens after the answer). */
  const ready = (worktree: Worktree) =>
    global.waitFor(
      (frame) =>
        frameType(frame) === 'worktree.ready' && data(frame).directory === worktree.directory,
    );

  it('creates a worktree on a new branch under the data directory, and lists it', async () => {
    const repo = uniqueRepo({ 'README.md': '# hello\n', 'src/a.ts': 'export {};\n' });
    const { id } = await projectOf(repo);
    expect(await list(repo)).toEqual([]);

    const worktree = await create(repo);
    const root = realpathSync(join(t.home, '.local/share/opencode/worktree', id));
    expect(worktree).toEqual({
      name: expect.stringMatching(/^[a-z]+-[a-z]+$/),
      branch: `opencode/${worktree.name}`,
      directory: join(root, worktree.name),
    });
    const frame = await ready(worktree);
    expect(data(frame)).toMatchObject({
      project: id,
      payload: {
        type: 'worktree.ready',
        properties: { name: worktree.name, branch: worktree.branch },
      },
    });
    expect(readFileSync(join(worktree.directory, 'src/a.ts'), 'utf8')).toBe('export {};\n');
    expect(runGit(worktree.directory, 'branch', '--show-current').trim()).toBe(worktree.branch);
    expect(runGit(worktree.directory, 'status', '--porcelain')).toBe('');

    expect(await list(repo)).toEqual([worktree.directory]);
    expect((await projectOf(repo)).sandboxes).toEqual([worktree.directory]);
    const directories = (await t.http.get(`/project/${id}/directories`).expect(200)).body as Array<{
      directory: string;
    }>;
    expect(directories.map((entry) => entry.directory)).toEqual([worktree.directory, repo]);
    // The worktree is an instance of the same project.
    expect(await projectOf(worktree.directory)).toMatchObject({ id });
  });

  it('makes a slug of the name asked for, never a path outside its directory', async () => {
    const repo = uniqueRepo();
    const { id } = await projectOf(repo);
    const root = realpathSync(join(t.home, '.local/share/opencode/worktree')) + `/${id}`;

    const first = await create(repo, { name: 'My Feature/../X' });
    expect(first).toEqual({
      name: 'my-feature-x',
      branch: 'opencode/my-feature-x',
      directory: `${root}/my-feature-x`,
    });
    const second = await create(repo, { name: 'My Feature/../X' });
    expect(second.name).toMatch(/^my-feature-x-[a-z]+-[a-z]+$/);
    for (const name of ['../..', '/', '..\\..', '!!!']) {
      const other = await create(repo, { name });
      expect(other.name).toMatch(/^[a-z]+-[a-z]+$/);
      expect(other.directory).toBe(`${root}/${other.name}`);
    }
    await Promise.all([ready(first), ready(second)]);
    expect(await list(repo)).toHaveLength(6);
  });

  it("runs the project's start command, then the request's, in the new worktree", async () => {
    const repo = uniqueRepo();
    const { id } = await projectOf(repo);
    await t.http
      .patch(`/project/${id}`)
      .send({ commands: { start: 'echo project > from-project.txt' } })
      .expect(200);
    const worktree = await create(repo, {
      name: 'started',
      startCommand: 'cat from-project.txt > from-extra.txt',
    });
    const extra = join(worktree.directory, 'from-extra.txt');
    // The shell creates the file before `cat` writes to it: wait for the content, not the file.
    const content = () => (existsSync(extra) ? readFileSync(extra, 'utf8') : '');
    for (let i = 0; i < 100 && content() === ''; i++) await sleep(50);
    expect(content()).toBe('project\n');
  });

  it('removes a worktree: its directory, its branch, its instance and its sandbox entry', async () => {
    const repo = uniqueRepo();
    const { id } = await projectOf(repo);
    const worktree = await create(repo, { name: 'doomed' });
    await ready(worktree);
    writeFiles(worktree.directory, { 'dirty.txt': 'uncommitted\n' });
    const events = connectSse(`${t.url}/event?directory=${encodeURIComponent(worktree.directory)}`);
    try {
      await events.waitFor((frame) => frameType(frame) === 'server.connected');
      await t.http
        .delete('/experimental/worktree')
        .query({ directory: repo })
        .send({ directory: worktree.directory })
        .expect(200, 'true');
      await events.waitFor((frame) => frameType(frame) === 'server.instance.disposed');
    } finally {
      events.close();
    }
    expect(existsSync(worktree.directory)).toBe(false);
    expect(runGit(repo, 'branch', '--list', 'opencode/doomed')).toBe('');
    expect(runGit(repo, 'worktree', 'list')).not.toContain(worktree.directory);
    expect(await list(repo)).toEqual([]);
    expect((await projectOf(repo)).sandboxes).toEqual([]);
    const directories = (await t.http.get(`/project/${id}/directories`).expect(200)).body as Array<{
      directory: string;
    }>;
    expect(directories).toEqual([{ directory: repo }]);
  });

  it('resets a worktree to the default branch, cleaning everything it had', async () => {
    const repo = uniqueRepo({ 'a.txt': 'a\n' });
    const worktree = await create(repo, { name: 'resettable' });
    await ready(worktree);
    writeFiles(worktree.directory, { 'a.txt': 'changed\n', 'work.txt': 'w\n' });
    runGit(worktree.directory, 'add', '.');
    runGit(worktree.directory, 'commit', '-q', '-m', 'work');
    writeFiles(worktree.directory, { 'untracked.txt': 'u\n', 'a.txt': 'dirty\n' });
    // main moves on meanwhile: the reset follows it.
    writeFiles(repo, { 'b.txt': 'b\n' });
    runGit(repo, 'add', '.');
    runGit(repo, 'commit', '-q', '-m', 'main moves');

    await t.http
      .post('/experimental/worktree/reset')
      .query({ directory: repo })
      .send({ directory: worktree.directory })
      .expect(200, 'true');
    expect(runGit(worktree.directory, 'rev-parse', 'HEAD')).toBe(runGit(repo, 'rev-parse', 'main'));
    expect(runGit(worktree.directory, 'branch', '--show-current').trim()).toBe(
      'opencode/resettable',
    );
    expect(runGit(worktree.directory, 'status', '--porcelain')).toBe('');
    expect(readFileSync(join(worktree.directory, 'a.txt'), 'utf8')).toBe('a\n');
    expect(existsSync(join(worktree.directory, 'untracked.txt'))).toBe(false);
    expect(existsSync(join(worktree.directory, 'b.txt'))).toBe(true);
  });

  describe('bad requests', () => {
    it('outside git: create, remove and reset are WorktreeNotGitError, the list is empty', async () => {
      const plain = tempDir();
      const notGit = {
        name: 'WorktreeNotGitError',
        data: { message: 'Worktrees are only supported for git projects' },
      };
      await t.http
        .post('/experimental/worktree')
        .query({ directory: plain })
        .send({})
        .expect(400, notGit);
      for (const [method, path] of [
        ['delete', '/experimental/worktree'],
        ['post', '/experimental/worktree/reset'],
      ] as const) {
        await t.http[method](path)
          .query({ directory: plain })
          .send({ directory: plain })
          .expect(400, notGit);
      }
      expect(await list(plain)).toEqual([]);
    });

    it('an unknown worktree is a 404 and nothing is deleted', async () => {
      const repo = uniqueRepo();
      const bystander = tempDir();
      writeFiles(bystander, { 'keep.txt': 'precious\n' });
      for (const path of ['/experimental/worktree', '/experimental/worktree/reset']) {
        const method = path.endsWith('reset') ? 'post' : 'delete';
        for (const directory of [bystander, join(bystander, 'missing')]) {
          const res = await t.http[method](path)
            .query({ directory: repo })
            .send({ directory })
            .expect(404);
          expect(res.body).toEqual({
            name: 'NotFoundError',
            data: { message: `Worktree not found: ${directory}`, directory },
          });
        }
      }
      expect(readFileSync(join(bystander, 'keep.txt'), 'utf8')).toBe('precious\n');
    });

    it('the project’s own checkout is never removed nor reset', async () => {
      const repo = uniqueRepo();
      const remove = await t.http
        .delete('/experimental/worktree')
        .query({ directory: repo })
        .send({ directory: repo })
        .expect(400);
      expect(remove.body).toEqual({
        name: 'WorktreeRemoveFailedError',
        data: { message: 'Cannot remove the primary workspace' },
      });
      const reset = await t.http
        .post('/experimental/worktree/reset')
        .query({ directory: repo })
        .send({ directory: `${repo}/.` })
        .expect(400);
      expect(reset.body).toEqual({
        name: 'WorktreeResetFailedError',
        data: { message: 'Cannot reset the primary workspace' },
      });
      expect(existsSync(join(repo, '.git'))).toBe(true);
    });

    it('a repository without commits cannot make a worktree', async () => {
      const empty = tempDir();
      runGit(empty, 'init', '-q', '-b', 'main');
      const res = await t.http
        .post('/experimental/worktree')
        .query({ directory: empty })
        .send({})
        .expect(400);
      expect(res.body).toMatchObject({ name: 'WorktreeCreateFailedError' });
    });

    it.each([
      ['post', '/experimental/worktree', { name: 1 }, 'name'],
      ['post', '/experimental/worktree', { name: 'x'.repeat(201) }, 'name'],
      ['post', '/experimental/worktree', { startCommand: false }, 'startCommand'],
      ['post', '/experimental/worktree', { branch: 'main' }, 'branch'],
      ['delete', '/experimental/worktree', {}, 'directory'],
      ['delete', '/experimental/worktree', { directory: 3 }, 'directory'],
      ['post', '/experimental/worktree/reset', { directory: '' }, 'directory'],
    ] as const)('%s %s %j is a 400 naming %s', async (method, path, body, field) => {
      const res = await t.http[method](path).send(body).expect(400);
      expect(res.body).toMatchObject({ name: 'BadRequest', data: { field } });
    });
  });
});
