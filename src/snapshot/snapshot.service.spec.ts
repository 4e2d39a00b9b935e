import { existsSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigService } from '../config/config.service';
import { AppEnvironment } from '../core/config/app-environment';
import { Instance } from '../core/instance/instance';
import { git, gitRepo, tempDir, writeTree } from '../core/fs/spec-fixtures';
import { MAX_SNAPSHOT_FILE_BYTES, SnapshotService } from './snapshot.service';

/** Real git in temp directories: snapshots are git plumbing, and faking git would test nothing. */
describe('SnapshotService', () => {
  let home: string;
  let config: { snapshot?: boolean };

  function service(): SnapshotService {
    const env = new AppEnvironment(
      {
        PATH: process.env.PATH,
        HOME: home,
        XDG_DATA_HOME: join(home, 'data'),
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        // Left over from a git hook: must not redirect snapshot writes.
        GIT_DIR: join(home, 'nowhere'),
        GIT_INDEX_FILE: join(home, 'nowhere-index'),
      },
      home,
    );
    const configService = { get: () => Promise.resolve(config) } as unknown as ConfigService;
    return new SnapshotService(env, configService);
  }

  function gitInstance(root: string): Instance {
    return new Instance(root, { id: 'project-a', worktree: root, vcs: 'git' });
  }

  beforeEach(() => {
    home = tempDir('snapshot-home-');
    config = {};
  });

  it('records the worktree as a tree, without touching the project repository', async () => {
    const root = gitRepo({ 'a.txt': 'one\n', 'src/b.ts': 'export {};\n' });
    // `git status` refreshes the index: read it first.
    const statusBefore = git(root, 'status', '--porcelain');
    const indexBefore = statSync(join(root, '.git', 'index')).mtimeMs;
    const objectsBefore = git(root, 'count-objects');
    const snapshots = service();
    const hash = await snapshots.track(gitInstance(root));
    expect(hash).toMatch(/^[0-9a-f]{40}$/);
    expect(await snapshots.track(gitInstance(root))).toBe(hash);
    expect(statSync(join(root, '.git', 'index')).mtimeMs).toBe(indexBefore);
    expect(git(root, 'status', '--porcelain')).toBe(statusBefore);
    expect(git(root, 'count-objects')).toBe(objectsBefore);
    expect(existsSync(join(home, 'nowhere'))).toBe(false);
    expect(existsSync(join(home, 'data', 'opencode', 'snapshot', 'project-a'))).toBe(true);
  });

  it('diffs two snapshots: added, modified and deleted files with counts and patches', async () => {
    const root = gitRepo({ 'a.txt': 'one\ntwo\n', 'gone.txt': 'bye\n' });
    const snapshots = service();
    const instance = gitInstance(root);
    const before = (await snapshots.track(instance))!;
    writeTree(root, { 'a.txt': 'one\nTWO\nthree\n', 'new/c.txt': 'new\n' });
    unlinkSync(join(root, 'gone.txt'));
    const after = (await snapshots.track(instance))!;

    const diffs = await snapshots.diff(instance, before, after);
    expect(
      diffs.map(({ file, status, additions, deletions }) => ({
        file,
        status,
        additions,
        deletions,
      })),
    ).toEqual([
      { file: 'a.txt', status: 'modified', additions: 2, deletions: 1 },
      { file: 'gone.txt', status: 'deleted', additions: 0, deletions: 1 },
      { file: 'new/c.txt', status: 'added', additions: 1, deletions: 0 },
    ]);
    expect(diffs[0].patch).toBe(
      [
        'Index: a.txt',
        '='.repeat(67),
        '--- a.txt',
        '+++ a.txt',
        '@@ -1,2 +1,3 @@',
        ' one',
        '-two',
        '+TWO',
        '+three',
        '',
      ].join('\n'),
    );
    expect(Object.keys(diffs[0])).toEqual(['file', 'patch', 'additions', 'deletions', 'status']);
    // Without `to`, the current files are the other side.
    writeTree(root, { 'a.txt': 'one\n' });
    const now = await snapshots.diff(instance, before);
    expect(now.find((diff) => diff.file === 'a.txt')).toMatchObject({ additions: 0, deletions: 1 });
  });

  it('leaves out ignored files (.gitignore and the project info/exclude) and large files', async () => {
    const root = gitRepo({ '.gitignore': 'dist/\n', 'a.txt': 'a\n' });
    writeFileSync(join(root, '.git', 'info', 'exclude'), 'secret.env\n');
    const snapshots = service();
    const instance = gitInstance(root);
    const before = (await snapshots.track(instance))!;
    writeTree(root, {
      'dist/out.js': 'built\n',
      'secret.env': 'KEY=1\n',
      'big [1].bin': Buffer.alloc(MAX_SNAPSHOT_FILE_BYTES + 1, 1),
      'kept.txt': 'kept\n',
    });
    const diffs = await snapshots.diff(instance, before);
    expect(diffs.map((diff) => diff.file)).toEqual(['kept.txt']);
  });

  it('lists the files changed since a snapshot as absolute paths', async () => {
    const root = gitRepo({ 'a.txt': 'a\n' });
    const snapshots = service();
    const instance = gitInstance(root);
    const hash = (await snapshots.track(instance))!;
    writeTree(root, { 'a.txt': 'b\n', 'dir/new.txt': 'x\n' });
    expect(await snapshots.patch(instance, hash)).toEqual({
      hash,
      files: [join(root, 'a.txt'), join(root, 'dir/new.txt')],
    });
  });

  it('reverts patched files: edits undone, created files deleted, deleted files back', async () => {
    const root = gitRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'untouched.txt': 'u\n' });
    const snapshots = service();
    const instance = gitInstance(root);
    const hash = (await snapshots.track(instance))!;
    writeTree(root, {
      'a.txt': 'changed\n',
      'sub/created.txt': 'c\n',
      'untouched.txt': 'user edit\n',
    });
    unlinkSync(join(root, 'b.txt'));
    const patch = await snapshots.patch(instance, hash);

    await snapshots.revertFiles(instance, [
      { hash, files: patch.files.filter((file) => !file.endsWith('untouched.txt')) },
      // Outside the project: never touched.
      { hash, files: ['/etc/hostname', join(root, '..', 'elsewhere.txt')] },
    ]);
    expect(readFileSync(join(root, 'a.txt'), 'utf8')).toBe('a\n');
    expect(readFileSync(join(root, 'b.txt'), 'utf8')).toBe('b\n');
    expect(existsSync(join(root, 'sub/created.txt'))).toBe(false);
    expect(readFileSync(join(root, 'untouched.txt'), 'utf8')).toBe('user edit\n');
  });

  it('restores every file of a snapshot', async () => {
    const root = gitRepo({ 'a.txt': 'a\n' });
    const snapshots = service();
    const instance = gitInstance(root);
    const hash = (await snapshots.track(instance))!;
    writeTree(root, { 'a.txt': 'b\n', 'later.txt': 'l\n' });
    await snapshots.restore(instance, hash);
    expect(readFileSync(join(root, 'a.txt'), 'utf8')).toBe('a\n');
    expect(existsSync(join(root, 'later.txt'))).toBe(true);
    await expect(snapshots.restore(instance, '0'.repeat(40))).rejects.toMatchObject({
      name: 'SnapshotError',
      status: 500,
    });
  });

  it('works in a directory outside git, with the directory as the root', async () => {
    const dir = tempDir('snapshot-plain-');
    writeTree(dir, { 'notes.md': 'hello\n' });
    const instance = new Instance(dir, { id: 'global', worktree: '/' });
    const snapshots = service();
    const hash = (await snapshots.track(instance))!;
    writeTree(dir, { 'notes.md': 'hello\nworld\n' });
    expect(await snapshots.diff(instance, hash)).toMatchObject([
      { file: 'notes.md', additions: 1, deletions: 0, status: 'modified' },
    ]);
    expect(existsSync(join(dir, '.git'))).toBe(false);
  });

  it('takes no snapshot when config turns them off, or of the home directory or /', async () => {
    const root = gitRepo({ 'a.txt': 'a\n' });
    config = { snapshot: false };
    expect(await service().track(gitInstance(root))).toBeUndefined();
    config = {};
    const snapshots = service();
    expect(
      await snapshots.track(new Instance(home, { id: 'global', worktree: '/' })),
    ).toBeUndefined();
    expect(
      await snapshots.track(new Instance('/', { id: 'global', worktree: '/' })),
    ).toBeUndefined();
  });

  it('answers no changes for snapshots it does not have', async () => {
    const root = gitRepo({ 'a.txt': 'a\n' });
    const snapshots = service();
    const instance = gitInstance(root);
    expect(await snapshots.diff(instance, 'f'.repeat(40))).toEqual([]);
    await snapshots.track(instance);
    expect(await snapshots.diff(instance, 'f'.repeat(40))).toEqual([]);
    expect(await snapshots.patch(instance, 'f'.repeat(40))).toEqual({
      hash: 'f'.repeat(40),
      files: [],
    });
    rmSync(join(home, 'data'), { recursive: true, force: true });
    expect(await snapshots.diffText(instance, 'f'.repeat(40))).toBe('');
  });

  it('runs concurrent calls on one repository one at a time', async () => {
    const root = gitRepo({ 'a.txt': 'a\n' });
    const snapshots = service();
    const instance = gitInstance(root);
    const hashes = await Promise.all(Array.from({ length: 6 }, () => snapshots.track(instance)));
    expect(new Set(hashes).size).toBe(1);
    expect(hashes[0]).toMatch(/^[0-9a-f]{40}$/);
  });
});
