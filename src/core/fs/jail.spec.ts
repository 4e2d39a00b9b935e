import { mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { join } from 'node:path';
import { fakeToolContext } from '../../../test/support/fake-tool-context';
import { gitRepo } from '../../../test/support/fixtures';
import { FileNotFoundError, PathOutsideProjectError } from './errors';
import {
  isInside,
  isInsideProject,
  locateInProject,
  ProjectJail,
  projectRelative,
  realPathOfNearest,
  relativeInside,
  resolveNearest,
} from './jail';
import { removeDir, tempDir, writeTree } from './spec-fixtures';

describe('isInside', () => {
  it('accepts the root and paths below it, nothing else', () => {
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/b/c/d')).toBe(true);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/a')).toBe(false);
    expect(isInside('/a/b', '/a/b/../c')).toBe(false);
    expect(isInside('/a/b', '/a/b/..foo')).toBe(true);
  });
});

describe('relativeInside', () => {
  it('gives the /-separated path below the root, and nothing outside it', () => {
    expect(relativeInside('/a/b', '/a/b/c/d')).toBe('c/d');
    expect(relativeInside('/a/b', 'c/../d')).toBe('d');
    expect(relativeInside('/a/b', '/a/b')).toBe('');
    expect(relativeInside('/a/b', '/a/bc')).toBeUndefined();
    expect(relativeInside('/a/b', '../b2/x')).toBeUndefined();
  });
});

describe('resolveNearest', () => {
  it('says whether the path exists, and refuses a NUL byte before the file system sees it', async () => {
    const dir = tempDir('jail-nearest-');
    try {
      writeTree(dir, { 'a.txt': 'x' });
      await expect(resolveNearest(path.join(dir, 'a.txt'))).resolves.toEqual({
        real: path.join(dir, 'a.txt'),
        exists: true,
      });
      await expect(resolveNearest(path.join(dir, 'new/b.txt'))).resolves.toEqual({
        real: path.join(dir, 'new/b.txt'),
        exists: false,
      });
      await expect(resolveNearest(path.join(dir, 'a\0b'))).rejects.toBeInstanceOf(
        FileNotFoundError,
      );
    } finally {
      removeDir(dir);
    }
  });
});

describe('ProjectJail', () => {
  let outside: string;
  let root: string;
  let jail: ProjectJail;

  beforeAll(() => {
    outside = tempDir('jail-outside-');
    writeTree(outside, { 'secret.txt': 'secret\n', 'dir/inner.txt': 'x' });
    root = tempDir('jail-root-');
    writeTree(root, { 'src/a.ts': 'a\n', 'ünïcode/файл.txt': 'u\n' });
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'leak.txt'));
    symlinkSync(path.join(outside, 'dir'), path.join(root, 'leakdir'));
    symlinkSync(path.join(root, 'src'), path.join(root, 'alias'));
    mkdirSync(path.join(root, 'empty'));
    jail = new ProjectJail(root);
  });

  afterAll(() => {
    removeDir(root);
    removeDir(outside);
  });

  it('resolves relative paths inside the project', async () => {
    await expect(jail.resolve('src/a.ts')).resolves.toEqual({
      relative: 'src/a.ts',
      absolute: path.join(root, 'src/a.ts'),
      real: path.join(root, 'src/a.ts'),
      exists: true,
    });
    await expect(jail.resolve('')).resolves.toMatchObject({ relative: '', exists: true });
    await expect(jail.resolve('.')).resolves.toMatchObject({ relative: '', absolute: root });
    await expect(jail.resolve('src/../src/./a.ts')).resolves.toMatchObject({
      relative: 'src/a.ts',
    });
  });

  it('accepts absolute paths inside the project and unicode names', async () => {
    await expect(jail.resolve(path.join(root, 'ünïcode/файл.txt'))).resolves.toMatchObject({
      relative: 'ünïcode/файл.txt',
      exists: true,
    });
  });

  it('keeps the name of an inner symlink but reads its target', async () => {
    await expect(jail.resolve('alias/a.ts')).resolves.toMatchObject({
      relative: 'alias/a.ts',
      real: path.join(root, 'src/a.ts'),
    });
  });

  it('judges missing paths by their nearest existing parent', async () => {
    await expect(jail.resolve('src/new/deeper.ts')).resolves.toMatchObject({
      relative: 'src/new/deeper.ts',
      real: path.join(root, 'src/new/deeper.ts'),
      exists: false,
    });
    await expect(jail.resolve('leakdir/new.txt')).rejects.toBeInstanceOf(PathOutsideProjectError);
    // A path "under" a file does not exist either.
    await expect(jail.resolve('src/a.ts/x')).resolves.toMatchObject({ exists: false });
  });

  it.each([
    ['../../etc/passwd'],
    ['..'],
    ['src/../../'],
    ['/etc/passwd'],
    ['leak.txt'],
    ['leakdir'],
    ['leakdir/inner.txt'],
    ['alias/../leak.txt'],
  ])('refuses %s', async (p) => {
    const error = await jail.resolve(p).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PathOutsideProjectError);
    expect((error as PathOutsideProjectError).path).toBe(p);
  });

  it('refuses an absolute path outside, even through the outside dir', async () => {
    await expect(jail.resolve(path.join(outside, 'secret.txt'))).rejects.toBeInstanceOf(
      PathOutsideProjectError,
    );
  });

  it('treats a NUL byte as a missing file rather than passing it to the file system', async () => {
    await expect(jail.resolve('src/a.ts\0.png')).rejects.toBeInstanceOf(FileNotFoundError);
  });

  it('accepts the project through a symlinked root', async () => {
    const linkParent = tempDir('jail-link-');
    const link = path.join(linkParent, 'project');
    symlinkSync(root, link);
    try {
      const viaLink = new ProjectJail(link);
      await expect(viaLink.resolve('src/a.ts')).resolves.toMatchObject({
        relative: 'src/a.ts',
        absolute: path.join(link, 'src/a.ts'),
        real: path.join(root, 'src/a.ts'),
      });
      // The real location of the same file is accepted too.
      await expect(viaLink.resolve(path.join(root, 'src/a.ts'))).resolves.toMatchObject({
        relative: 'src/a.ts',
      });
      await expect(viaLink.resolve('leak.txt')).rejects.toBeInstanceOf(PathOutsideProjectError);
    } finally {
      removeDir(linkParent);
    }
  });
});

describe('the project of an instance', () => {
  it('counts the worktree as the project, but never "/" of a non-git project', () => {
    const dir = gitRepo();
    const sub = fakeToolContext(join(dir, 'sub'), { worktree: dir }).instance;
    expect(isInsideProject(sub, join(dir, 'other.ts'))).toBe(true);
    expect(projectRelative(sub, join(dir, 'sub', 'x.ts'))).toBe('sub/x.ts');
    const plain = fakeToolContext(dir, { worktree: '/' }).instance;
    expect(isInsideProject(plain, join(dir, 'x'))).toBe(true);
    expect(isInsideProject(plain, '/etc/hosts')).toBe(false);
    expect(projectRelative(plain, join(dir, 'x'))).toBe('x');
  });

  it('finds the real path of a file that does not exist yet through its nearest ancestor', async () => {
    const real = tempDir();
    const dir = tempDir();
    symlinkSync(real, join(dir, 'link'));
    const target = await realPathOfNearest(join(dir, 'link', 'new', 'deeper', 'file.ts'));
    expect(target).toBe(join(real, 'new', 'deeper', 'file.ts'));
  });

  it('locates a path by its name and by where its links lead', async () => {
    const dir = gitRepo();
    const outside = tempDir();
    writeTree(outside, { 'secret.txt': 'x' });
    symlinkSync(outside, join(dir, 'escape'));
    symlinkSync(join(dir, 'README.md'), join(outside, 'back.md'));
    const { instance } = fakeToolContext(dir);
    await expect(locateInProject(instance, join(dir, 'new.ts'))).resolves.toEqual({
      real: join(dir, 'new.ts'),
      realInside: true,
      inside: true,
    });
    await expect(locateInProject(instance, join(dir, 'escape', 'secret.txt'))).resolves.toEqual({
      real: join(outside, 'secret.txt'),
      realInside: false,
      inside: false,
    });
    await expect(locateInProject(instance, join(outside, 'back.md'))).resolves.toEqual({
      real: join(dir, 'README.md'),
      realInside: true,
      inside: false,
    });
  });
});
