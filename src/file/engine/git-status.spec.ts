import { symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { countLines, GitStatus } from './git-status';
import { git, gitRepo, removeDir, tempDir, writeTree } from '../../core/fs/spec-fixtures';

describe('GitStatus', () => {
  let root: string;

  beforeAll(() => {
    root = gitRepo({
      '.gitignore': '*.log\n',
      'a.txt': 'one\ntwo\nthree\n',
      'del.txt': '1\n2\n3\n4\n',
      'bin.dat': Buffer.from([0, 1, 2, 3]),
      'ünï code.txt': 'old\n',
      'sub/dir/x.ts': 'x\n',
      'same.txt': 'unchanged\n',
    });
    writeTree(root, {
      'a.txt': 'one\nTWO\nthree\nfour\n',
      'bin.dat': Buffer.from([0, 9, 9]),
      'ünï code.txt': 'new\n',
      'sub/dir/x.ts': 'x\ny\n',
      'new.txt': '1\n2\n3',
      'newdir/deep/n.md': 'x\n',
      'new.bin': Buffer.from([1, 0, 1, 10, 10]),
      'empty.txt': '',
      'debug.log': 'ignored\n',
      'staged.txt': 's\n',
    });
    unlinkSync(path.join(root, 'del.txt'));
    git(root, 'add', 'staged.txt');
  });

  afterAll(() => removeDir(root));

  it('lists modified, added (untracked too) and deleted files with line counts, by path', async () => {
    await expect(new GitStatus(root).status()).resolves.toEqual([
      { path: 'a.txt', added: 2, removed: 1, status: 'modified' },
      { path: 'bin.dat', added: 0, removed: 0, status: 'modified' },
      { path: 'del.txt', added: 0, removed: 4, status: 'deleted' },
      { path: 'empty.txt', added: 0, removed: 0, status: 'added' },
      { path: 'new.bin', added: 0, removed: 0, status: 'added' },
      { path: 'new.txt', added: 3, removed: 0, status: 'added' },
      { path: 'newdir/deep/n.md', added: 1, removed: 0, status: 'added' },
      { path: 'staged.txt', added: 1, removed: 0, status: 'added' },
      { path: 'sub/dir/x.ts', added: 1, removed: 0, status: 'modified' },
      { path: 'ünï code.txt', added: 1, removed: 1, status: 'modified' },
    ]);
  });

  it('answers relative to a project inside a subdirectory of the repository', async () => {
    await expect(new GitStatus(path.join(root, 'sub')).status()).resolves.toEqual([
      { path: 'dir/x.ts', added: 1, removed: 0, status: 'modified' },
    ]);
  });

  it('treats a staged deletion like a deleted file', async () => {
    const repo = gitRepo({ 'gone.txt': 'a\nb\n', 'stay.txt': 'x\n' });
    try {
      git(repo, 'rm', '-q', 'gone.txt');
      await expect(new GitStatus(repo).status()).resolves.toEqual([
        { path: 'gone.txt', added: 0, removed: 2, status: 'deleted' },
      ]);
    } finally {
      removeDir(repo);
    }
  });

  it('works before the first commit', async () => {
    const repo = tempDir('status-fresh-');
    try {
      git(repo, 'init', '-q');
      writeTree(repo, { 'staged.txt': 'a\nb\n', 'loose.txt': 'c\n' });
      git(repo, 'add', 'staged.txt');
      await expect(new GitStatus(repo).status()).resolves.toEqual([
        { path: 'loose.txt', added: 1, removed: 0, status: 'added' },
        { path: 'staged.txt', added: 2, removed: 0, status: 'added' },
      ]);
    } finally {
      removeDir(repo);
    }
  });

  it('returns nothing outside a git repository', async () => {
    const dir = tempDir('status-plain-');
    try {
      writeFileSync(path.join(dir, 'a.txt'), 'a\n');
      await expect(new GitStatus(dir).status()).resolves.toEqual([]);
    } finally {
      removeDir(dir);
    }
  });
});

describe('countLines', () => {
  let dir: string;
  beforeAll(() => (dir = tempDir('count-')));
  afterAll(() => removeDir(dir));

  it.each([
    ['', 0],
    ['a', 1],
    ['a\n', 1],
    ['a\nb', 2],
    ['\n\n', 2],
    ['a\r\nb\r\n', 2],
  ])('counts %j as %i lines', async (content, expected) => {
    const file = path.join(dir, 'f.txt');
    writeFileSync(file, content);
    await expect(countLines(file)).resolves.toBe(expected);
  });

  it('counts across stream chunks and treats NUL bytes as binary', async () => {
    const big = path.join(dir, 'big.txt');
    writeFileSync(big, 'line\n'.repeat(100_000));
    await expect(countLines(big)).resolves.toBe(100_000);
    const bin = path.join(dir, 'bin');
    writeFileSync(bin, Buffer.concat([Buffer.from('a\nb\n'), Buffer.from([0])]));
    await expect(countLines(bin)).resolves.toBe(0);
    await expect(countLines(path.join(dir, 'missing'))).resolves.toBe(0);
  });

  it('never follows a symlink: it is one line, as git stores it', async () => {
    const target = path.join(dir, 'target.txt');
    writeFileSync(target, 'a\nb\nc\n');
    symlinkSync(target, path.join(dir, 'link'));
    symlinkSync(dir, path.join(dir, 'dirlink'));
    await expect(countLines(path.join(dir, 'link'))).resolves.toBe(1);
    await expect(countLines(path.join(dir, 'dirlink'))).resolves.toBe(1);
    await expect(countLines(dir)).resolves.toBe(0);
  });
});
