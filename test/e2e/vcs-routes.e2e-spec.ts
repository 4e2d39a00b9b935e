import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitRepo, runGit, tempDir, writeFiles } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

interface FileDiff {
  file: string;
  patch?: string;
  additions: number;
  deletions: number;
  status?: string;
}

/** `/vcs/status`, `/vcs/diff`, `/vcs/diff/raw`, `/vcs/apply` on real repositories. */
describe('vcs routes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** A repository with a few committed files, then a change of each kind. */
  const changedRepo = () => {
    const repo = gitRepo({
      'a.txt': 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n',
      'gone.txt': 'x\ny\n',
      'src/main.ts': 'export const x = 1;\n',
    });
    writeFiles(repo, {
      'a.txt': 'one\ntwo\nthree\nfour\nfive\nsix\nseven\nEIGHT\n',
      'new.txt': 'n1\nn2\n',
      'staged.txt': 's\n',
      'src/main.ts': 'export const x = 2;\nexport const y = 3;\n',
    });
    rmSync(join(repo, 'gone.txt'));
    runGit(repo, 'add', 'staged.txt');
    return repo;
  };

  const get = async <T>(path: string, query: Record<string, string | number>) =>
    (await t.http.get(path).query(query).expect(200)).body as T;

  describe('GET /vcs/status', () => {
    it('lists every changed file with its line counts, by path, without patches', async () => {
      const repo = changedRepo();
      expect(await get('/vcs/status', { directory: repo })).toEqual([
        { file: 'a.txt', additions: 1, deletions: 1, status: 'modified' },
        { file: 'gone.txt', additions: 0, deletions: 2, status: 'deleted' },
        { file: 'new.txt', additions: 2, deletions: 0, status: 'added' },
        { file: 'src/main.ts', additions: 2, deletions: 1, status: 'modified' },
        { file: 'staged.txt', additions: 1, deletions: 0, status: 'added' },
      ]);
    });

    it('is empty for a clean working tree and outside git', async () => {
      expect(await get('/vcs/status', { directory: gitRepo() })).toEqual([]);
      expect(await get('/vcs/status', { directory: tempDir() })).toEqual([]);
    });

    it('from a subdirectory, lists its files only, with paths from the top of the worktree', async () => {
      const repo = changedRepo();
      expect(await get('/vcs/status', { directory: join(repo, 'src') })).toEqual([
        { file: 'src/main.ts', additions: 2, deletions: 1, status: 'modified' },
      ]);
    });

    it('counts files of a repository without commits as added', async () => {
      const repo = tempDir();
      runGit(repo, 'init', '-q', '-b', 'main');
      writeFiles(repo, { 'one.txt': '1\n2\n', 'two.txt': 'x\n' });
      runGit(repo, 'add', 'one.txt');
      expect(await get('/vcs/status', { directory: repo })).toEqual([
        { file: 'one.txt', additions: 2, deletions: 0, status: 'added' },
        { file: 'two.txt', additions: 1, deletions: 0, status: 'added' },
      ]);
    });
  });

  describe('GET /vcs/diff', () => {
    it('mode=git: each changed file with its patch, the whole file as context by default', async () => {
      const repo = changedRepo();
      const diff = await get<FileDiff[]>('/vcs/diff', { directory: repo, mode: 'git' });
      expect(
        diff.map(({ file, status, additions, deletions }) => [file, status, additions, deletions]),
      ).toEqual([
        ['a.txt', 'modified', 1, 1],
        ['gone.txt', 'deleted', 0, 2],
        ['new.txt', 'added', 2, 0],
        ['src/main.ts', 'modified', 2, 1],
        ['staged.txt', 'added', 1, 0],
      ]);
      const [a, gone, added] = diff;
      expect(a.patch).toBe(
        'diff --git a/a.txt b/a.txt\n' +
          `index ${blob(repo, 'HEAD:a.txt')}..${blob(repo, 'a.txt')} 100644\n` +
          '--- a/a.txt\n+++ b/a.txt\n' +
          '@@ -1,8 +1,8 @@\n one\n two\n three\n four\n five\n six\n seven\n-eight\n+EIGHT\n',
      );
      expect(gone.patch).toMatch(/^diff --git a\/gone.txt b\/gone.txt\ndeleted file mode 100644\n/);
      expect(gone.patch).toContain('--- a/gone.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-x\n-y\n');
      expect(added.patch).toMatch(/^diff --git a\/new.txt b\/new.txt\nnew file mode 100644\n/);
      expect(added.patch).toContain('--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,2 @@\n+n1\n+n2\n');
    });

    it('takes the lines of context to show', async () => {
      const repo = changedRepo();
      const [a] = await get<FileDiff[]>('/vcs/diff', { directory: repo, mode: 'git', context: 1 });
      expect(a.patch).toMatch(/@@ -7,2 \+7,2 @@.*\n seven\n-eight\n\+EIGHT\n$/);
      const [zero] = await get<FileDiff[]>('/vcs/diff', {
        directory: repo,
        mode: 'git',
        context: 0,
      });
      expect(zero.patch).toMatch(/@@ -8 \+8 @@.*\n-eight\n\+EIGHT\n$/);
    });

    it('cuts patches per file even for names git quotes', async () => {
      const repo = gitRepo({ 'tab\there.txt': 'a\n', 'plain.txt': 'p\n', 'ünï.txt': 'u\n' });
      writeFiles(repo, { 'tab\there.txt': 'b\n', 'plain.txt': 'q\n', 'ünï.txt': 'v\n' });
      const diff = await get<FileDiff[]>('/vcs/diff', { directory: repo, mode: 'git' });
      expect(diff.map((entry) => entry.file)).toEqual(['plain.txt', 'tab\there.txt', 'ünï.txt']);
      for (const entry of diff) {
        expect(entry.patch?.match(/^diff --git/gm)).toHaveLength(1);
        expect(entry.additions).toBe(1);
      }
    });

    it('mode=branch: everything since the branch left the default branch, committed or not', async () => {
      const repo = gitRepo({ 'a.txt': 'a\n' });
      expect(await get('/vcs/diff', { directory: repo, mode: 'branch' })).toEqual([]);
      runGit(repo, 'checkout', '-q', '-b', 'feature');
      writeFiles(repo, { 'feature.txt': 'f\n' });
      runGit(repo, 'add', '.');
      runGit(repo, 'commit', '-q', '-m', 'feature');
      writeFiles(repo, { 'a.txt': 'a\nb\n', 'untracked.txt': 'u\n' });
      // A commit on main after the branch left it is not the branch's work.
      runGit(repo, 'stash', '-q', '--include-untracked');
      runGit(repo, 'checkout', '-q', 'main');
      writeFiles(repo, { 'main-only.txt': 'm\n' });
      runGit(repo, 'add', '.');
      runGit(repo, 'commit', '-q', '-m', 'main moves on');
      runGit(repo, 'checkout', '-q', 'feature');
      runGit(repo, 'stash', 'pop', '-q');
      const diff = await get<FileDiff[]>('/vcs/diff', { directory: repo, mode: 'branch' });
      expect(diff.map(({ file, status, additions }) => [file, status, additions])).toEqual([
        ['a.txt', 'modified', 1],
        ['feature.txt', 'added', 1],
        ['untracked.txt', 'added', 1],
      ]);
      // mode=git sees only the uncommitted part.
      const uncommitted = await get<FileDiff[]>('/vcs/diff', { directory: repo, mode: 'git' });
      expect(uncommitted.map((entry) => entry.file)).toEqual(['a.txt', 'untracked.txt']);
    });

    it('mode=branch compares with the remote default branch of a clone', async () => {
      const origin = gitRepo({ 'a.txt': 'a\n' });
      const clone = tempDir();
      runGit(clone, 'clone', '-q', origin, '.');
      runGit(clone, 'checkout', '-q', '-b', 'topic');
      writeFiles(clone, { 'topic.txt': 't\n' });
      runGit(clone, 'add', '.');
      runGit(clone, 'commit', '-q', '-m', 'topic');
      const diff = await get<FileDiff[]>('/vcs/diff', { directory: clone, mode: 'branch' });
      expect(diff.map((entry) => entry.file)).toEqual(['topic.txt']);
      expect(await get('/vcs', { directory: clone })).toEqual({
        branch: 'topic',
        default_branch: 'main',
      });
    });

    it('is empty outside git', async () => {
      const plain = tempDir();
      expect(await get('/vcs/diff', { directory: plain, mode: 'git' })).toEqual([]);
      expect(await get('/vcs/diff', { directory: plain, mode: 'branch' })).toEqual([]);
    });

    it.each([
      [{}, 'mode'],
      [{ mode: 'bad' }, 'mode'],
      [{ mode: 'git', context: -1 }, 'context'],
      [{ mode: 'git', context: 'abc' }, 'context'],
      [{ mode: 'git', context: 1.5 }, 'context'],
      [{ mode: 'git', extra: 1 }, 'extra'],
    ])('refuses the query %j naming %s', async (query, field) => {
      const res = await t.http.get('/vcs/diff').query(query).expect(400);
      expect(res.body).toMatchObject({ name: 'BadRequest', data: { kind: 'Query', field } });
    });
  });

  describe('GET /vcs/diff/raw', () => {
    it('is one patch of every uncommitted change that git apply takes back', async () => {
      const repo = changedRepo();
      const res = await t.http.get('/vcs/diff/raw').query({ directory: repo }).expect(200);
      expect(res.headers['content-type']).toBe('text/x-diff; charset=utf-8');
      const patch = res.text;
      for (const file of ['a.txt', 'gone.txt', 'new.txt', 'src/main.ts', 'staged.txt']) {
        expect(patch).toContain(`diff --git a/${file} b/${file}\n`);
      }
      // git's usual 3 lines of context, not the whole file.
      expect(patch).toMatch(/@@ -5,4 \+5,4 @@.*\n five\n six\n seven\n-eight\n\+EIGHT\n/);

      // The same changes on a fresh clone of the commit: applying the patch reproduces them.
      const copy = tempDir();
      runGit(copy, 'clone', '-q', repo, '.');
      await t.http
        .post('/vcs/apply')
        .query({ directory: copy })
        .send({ patch })
        .expect(200, { applied: true });
      for (const file of ['a.txt', 'new.txt', 'src/main.ts', 'staged.txt']) {
        expect(readFileSync(join(copy, file), 'utf8')).toBe(readFileSync(join(repo, file), 'utf8'));
      }
      expect(() => readFileSync(join(copy, 'gone.txt'))).toThrow();
    });

    it('is empty for a clean tree and outside git', async () => {
      for (const directory of [gitRepo(), tempDir()]) {
        const res = await t.http.get('/vcs/diff/raw').query({ directory }).expect(200);
        expect(res.text).toBe('');
        expect(res.headers['content-type']).toBe('text/x-diff; charset=utf-8');
      }
    });
  });

  describe('POST /vcs/apply', () => {
    const patchOf = (file: string, from: string, to: string) =>
      `diff --git a/${file} b/${file}\n--- a/${file}\n+++ b/${file}\n@@ -1 +1 @@\n-${from}\n+${to}\n`;

    it('applies a patch to the working tree', async () => {
      const repo = gitRepo({ 'a.txt': 'old\n' });
      await t.http
        .post('/vcs/apply')
        .query({ directory: repo })
        .send({ patch: patchOf('a.txt', 'old', 'new') })
        .expect(200, { applied: true });
      expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('new\n');
      expect(await get('/vcs/status', { directory: repo })).toEqual([
        { file: 'a.txt', additions: 1, deletions: 1, status: 'modified' },
      ]);
    });

    it('refuses a patch that does not apply and leaves every file as it was', async () => {
      const repo = gitRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
      // The first file would apply, the second does not: nothing may be written.
      const patch = patchOf('a.txt', 'a', 'A') + patchOf('b.txt', 'not-b', 'B');
      const res = await t.http
        .post('/vcs/apply')
        .query({ directory: repo })
        .send({ patch })
        .expect(400);
      expect(res.body).toEqual({
        name: 'VcsApplyError',
        data: {
          message: expect.stringMatching(/^Patch can't be applied: .*b\.txt/),
          reason: 'not-clean',
        },
      });
      expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('a\n');
      expect(readFileSync(join(repo, 'b.txt'), 'utf8')).toBe('b\n');
      expect(await get('/vcs/status', { directory: repo })).toEqual([]);
    });

    it.each([
      ['garbage', 'this is not a patch'],
      ['an empty patch', ''],
      ['a patch already applied', 'ALREADY'],
    ])('refuses %s as not-clean', async (_what, text) => {
      const repo = gitRepo({ 'a.txt': 'new\n' });
      const patch = text === 'ALREADY' ? patchOf('a.txt', 'old', 'new') : text;
      const res = await t.http
        .post('/vcs/apply')
        .query({ directory: repo })
        .send({ patch })
        .expect(400);
      expect(res.body).toMatchObject({ name: 'VcsApplyError', data: { reason: 'not-clean' } });
      expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('new\n');
    });

    it('refuses a patch writing outside the repository', async () => {
      const parent = tempDir();
      const repo = join(parent, 'repo');
      mkdirSync(repo);
      runGit(repo, 'init', '-q', '-b', 'main');
      writeFileSync(join(parent, 'outside.txt'), 'o\n');
      const patch = patchOf('../outside.txt', 'o', 'pwned');
      const res = await t.http
        .post('/vcs/apply')
        .query({ directory: repo })
        .send({ patch })
        .expect(400);
      expect(res.body).toMatchObject({ name: 'VcsApplyError', data: { reason: 'not-clean' } });
      expect(readFileSync(join(parent, 'outside.txt'), 'utf8')).toBe('o\n');
    });

    it('takes paths from the top of the worktree when asked from a subdirectory', async () => {
      const repo = gitRepo({ 'top.txt': 'old\n', 'sub/s.txt': 's\n' });
      await t.http
        .post('/vcs/apply')
        .query({ directory: join(repo, 'sub') })
        .send({ patch: patchOf('top.txt', 'old', 'new') })
        .expect(200, { applied: true });
      expect(readFileSync(join(repo, 'top.txt'), 'utf8')).toBe('new\n');
    });

    it('outside git is a VcsApplyError with reason non-git', async () => {
      const plain = tempDir();
      writeFileSync(join(plain, 'a.txt'), 'old\n');
      const res = await t.http
        .post('/vcs/apply')
        .query({ directory: plain })
        .send({ patch: patchOf('a.txt', 'old', 'new') })
        .expect(400);
      expect(res.body).toEqual({
        name: 'VcsApplyError',
        data: {
          message: "Patch can't be applied because the project is not git-based",
          reason: 'non-git',
        },
      });
      expect(readFileSync(join(plain, 'a.txt'), 'utf8')).toBe('old\n');
    });

    it.each([
      [{}, 'patch'],
      [{ patch: 1 }, 'patch'],
      [{ patch: 'x', extra: true }, 'extra'],
    ])('refuses the body %j naming %s', async (body, field) => {
      const res = await t.http.post('/vcs/apply').send(body).expect(400);
      expect(res.body).toMatchObject({ name: 'BadRequest', data: { field } });
    });
  });
});

/** The abbreviated blob id git prints in `index` lines, of a revision path or a working file. */
function blob(repo: string, spec: string): string {
  const id = spec.includes(':')
    ? runGit(repo, 'rev-parse', spec)
    : runGit(repo, 'hash-object', spec);
  return id.trim().slice(0, 7);
}
