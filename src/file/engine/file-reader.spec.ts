import { symlinkSync, utimesSync } from 'node:fs';
import * as path from 'node:path';
import { FileNotFoundError, PathOutsideProjectError } from '../../core/fs/errors';
import { FileTooLargeError } from './errors';
import { FileReader, isBinaryContent, mimeTypeOf } from './file-reader';
import * as gitModule from '../../core/fs/git';
import { ProjectJail } from '../../core/fs/jail';
import { git, gitRepo, removeDir, tempDir, writeTree } from '../../core/fs/spec-fixtures';

// The smallest valid PNG: 1x1 transparent pixel.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n', 'latin1');

describe('FileReader', () => {
  let root: string;
  let outside: string;
  let reader: FileReader;

  const longOld = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
  const longNew = longOld.replace('line 25\n', 'line twenty-five\n');

  beforeAll(() => {
    outside = tempDir('reader-outside-');
    writeTree(outside, { 'secret.txt': 'secret\n' });
    root = gitRepo({
      'same.txt': 'unchanged\n',
      'a.txt': 'one\ntwo\nthree\n',
      'noeol.txt': 'a\nb',
      'long.txt': longOld,
      'spaces.txt': 'a b\n',
      'sub/inner.ts': 'export const x = 1;\n',
    });
    writeTree(root, {
      'a.txt': 'one\nTWO\nthree\nfour\n',
      'noeol.txt': 'a\nb\n',
      'long.txt': longNew,
      'spaces.txt': 'a  b\n',
      'sub/inner.ts': 'export const x = 2;\n',
      'untracked.md': '# hi\n',
      'staged.txt': 'new\nfile\n',
      'ünï/文字.txt': 'héllo wörld ✓\n',
      'img/pixel.png': PNG,
      'doc.pdf': PDF,
      'blob.dat': Buffer.from([104, 105, 0, 1, 2]),
      'latin1.txt': Buffer.from('caf\xe9\n', 'latin1'),
      'big.txt': 'x'.repeat(2048),
    });
    git(root, 'add', 'staged.txt');
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'leak.txt'));
    reader = new FileReader(new ProjectJail(root), { maxBytes: 1024 });
  });

  afterAll(() => {
    removeDir(root);
    removeDir(outside);
  });

  it('returns text exactly, trailing newline and unicode included', async () => {
    await expect(reader.read('ünï/文字.txt')).resolves.toEqual({
      type: 'text',
      content: 'héllo wörld ✓\n',
    });
    await expect(reader.read('same.txt')).resolves.toEqual({
      type: 'text',
      content: 'unchanged\n',
    });
    await expect(reader.read('untracked.md')).resolves.toEqual({ type: 'text', content: '# hi\n' });
  });

  it('adds the whole-file patch and its text for a changed tracked file', async () => {
    const result = await reader.read('a.txt');
    expect(result).toEqual({
      type: 'text',
      content: 'one\nTWO\nthree\nfour\n',
      patch: {
        oldFileName: 'a.txt',
        newFileName: 'a.txt',
        oldHeader: 'old',
        newHeader: 'new',
        hunks: [
          {
            oldStart: 1,
            oldLines: 3,
            newStart: 1,
            newLines: 4,
            lines: [' one', '-two', '+TWO', ' three', '+four'],
          },
        ],
      },
      diff: [
        'Index: a.txt',
        '===================================================================',
        '--- a.txt\told',
        '+++ a.txt\tnew',
        '@@ -1,3 +1,4 @@',
        ' one',
        '-two',
        '+TWO',
        ' three',
        '+four',
        '',
      ].join('\n'),
    });
  });

  it('keeps the whole file as context around a change in the middle', async () => {
    const { patch } = await reader.read('long.txt');
    expect(patch?.hunks).toHaveLength(1);
    expect(patch?.hunks[0]).toMatchObject({ oldStart: 1, oldLines: 50, newStart: 1, newLines: 50 });
    expect(patch?.hunks[0].lines).toHaveLength(51);
    expect(patch?.hunks[0].lines).toEqual(
      expect.arrayContaining(['-line 25', '+line twenty-five']),
    );
  });

  it('marks a missing final newline', async () => {
    const { patch } = await reader.read('noeol.txt');
    expect(patch?.hunks[0].lines).toEqual([' a', '-b', '\\ No newline at end of file', '+b']);
  });

  it('counts whitespace-only edits as changes', async () => {
    const { patch } = await reader.read('spaces.txt');
    expect(patch?.hunks[0].lines).toEqual(['-a b', '+a  b']);
  });

  it('diffs a staged new file against nothing', async () => {
    const { patch } = await reader.read('staged.txt');
    expect(patch?.hunks).toEqual([
      { oldStart: 0, oldLines: 0, newStart: 1, newLines: 2, lines: ['+new', '+file'] },
    ]);
  });

  it('names the file relative to the project when the project is a subdirectory', async () => {
    const sub = new FileReader(new ProjectJail(path.join(root, 'sub')));
    const result = await sub.read('inner.ts');
    expect(result.content).toBe('export const x = 2;\n');
    expect(result.patch?.oldFileName).toBe('inner.ts');
    expect(result.patch?.hunks[0].lines).toEqual(['-export const x = 1;', '+export const x = 2;']);
  });

  it('sends images base64 with their MIME type, typed text as the reference does', async () => {
    await expect(reader.read('img/pixel.png')).resolves.toEqual({
      type: 'text',
      content: PNG.toString('base64'),
      encoding: 'base64',
      mimeType: 'image/png',
    });
  });

  it('sends PDFs, NUL-containing and non-UTF-8 files as base64 binaries', async () => {
    await expect(reader.read('doc.pdf')).resolves.toEqual({
      type: 'binary',
      content: PDF.toString('base64'),
      encoding: 'base64',
      mimeType: 'application/pdf',
    });
    await expect(reader.read('blob.dat')).resolves.toMatchObject({
      type: 'binary',
      content: Buffer.from([104, 105, 0, 1, 2]).toString('base64'),
      mimeType: 'application/octet-stream',
    });
    await expect(reader.read('latin1.txt')).resolves.toMatchObject({
      type: 'binary',
      encoding: 'base64',
    });
  });

  it('refuses missing paths, directories, files over the limit and paths outside', async () => {
    await expect(reader.read('nope.txt')).rejects.toBeInstanceOf(FileNotFoundError);
    await expect(reader.read('sub')).rejects.toBeInstanceOf(FileNotFoundError);
    await expect(reader.read('big.txt')).rejects.toBeInstanceOf(FileTooLargeError);
    await expect(reader.read('../x')).rejects.toBeInstanceOf(PathOutsideProjectError);
    await expect(reader.read('leak.txt')).rejects.toBeInstanceOf(PathOutsideProjectError);
    await expect(reader.read(path.join(outside, 'secret.txt'))).rejects.toBeInstanceOf(
      PathOutsideProjectError,
    );
  });

  it('reads files outside any git repository without a diff', async () => {
    const plain = tempDir('reader-plain-');
    try {
      writeTree(plain, { 'a.txt': 'a\n' });
      await expect(new FileReader(new ProjectJail(plain)).read('a.txt')).resolves.toEqual({
        type: 'text',
        content: 'a\n',
      });
    } finally {
      removeDir(plain);
    }
  });
});

describe('content helpers', () => {
  it('detects binary content', () => {
    expect(isBinaryContent(Buffer.from('plain ✓ text\n'))).toBe(false);
    expect(isBinaryContent(Buffer.from([0x61, 0]))).toBe(true);
    expect(isBinaryContent(Buffer.from([0xff, 0xfe, 0x61]))).toBe(true);
  });

  it('maps extensions to MIME types', () => {
    expect(mimeTypeOf('a/b.JPG')).toBe('image/jpeg');
    expect(mimeTypeOf('x.svg')).toBe('image/svg+xml');
    expect(mimeTypeOf('x.pdf')).toBe('application/pdf');
    expect(mimeTypeOf('x.unknown')).toBe('application/octet-stream');
    expect(mimeTypeOf('Makefile')).toBe('application/octet-stream');
  });
});

describe('FileReader: patches remembered between reads', () => {
  let root: string;
  let reader: FileReader;
  const past = new Date(Date.now() - 60_000);

  /** A write whose mtime says "a minute ago" (its ctime still says now). */
  const writeOld = (rel: string, content: string) => {
    writeTree(root, { [rel]: content });
    utimesSync(path.join(root, rel), past, past);
  };
  /** Files written so far look older than the racy window from now on. */
  const later = () => {
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 10_000);
  };

  beforeEach(() => {
    root = gitRepo({ 'a.txt': 'one\ntwo\n', 'b.txt': 'same\n' });
    reader = new FileReader(new ProjectJail(root));
  });

  afterEach(() => {
    jest.restoreAllMocks();
    removeDir(root);
  });

  it('runs git again only when the file or HEAD changed', async () => {
    writeOld('a.txt', 'one\nTWO\n');
    later();
    const first = await reader.read('a.txt');
    expect(first.patch?.hunks[0].lines).toEqual([' one', '-two', '+TWO']);

    const calls = jest.spyOn(gitModule, 'runGit');
    await expect(reader.read('a.txt')).resolves.toEqual(first);
    await expect(reader.read('b.txt')).resolves.toEqual({ type: 'text', content: 'same\n' });
    await expect(reader.read('b.txt')).resolves.toEqual({ type: 'text', content: 'same\n' });
    expect(calls.mock.calls.map(([, args]) => args[0])).toEqual(['diff']);

    // Same size, same mtime: only the ctime tells, and it does.
    writeOld('a.txt', 'one\nTwO\n');
    later();
    expect((await reader.read('a.txt')).patch?.hunks[0].lines).toEqual([' one', '-two', '+TwO']);

    git(root, 'commit', '-qam', 'second');
    await expect(reader.read('a.txt')).resolves.toEqual({ type: 'text', content: 'one\nTwO\n' });
    git(root, 'reset', '-q', '--soft', 'HEAD~1');
    expect((await reader.read('a.txt')).diff).toContain('+TwO');
  });

  it('answers an unchanged file with the same frozen object, without reading it again', async () => {
    later();
    const first = await reader.read('b.txt');
    expect(Object.isFrozen(first)).toBe(true);
    await expect(reader.read('b.txt')).resolves.toBe(first);
    writeTree(root, { 'b.txt': 'other\n' });
    const second = await reader.read('b.txt');
    expect(second).toMatchObject({ type: 'text', content: 'other\n', diff: expect.any(String) });
    expect(second).not.toBe(first);
  });

  it('does not remember the patch of a file changed a moment ago', async () => {
    writeTree(root, { 'a.txt': 'one\nTWO\n' });
    await reader.read('a.txt');
    const calls = jest.spyOn(gitModule, 'runGit');
    await reader.read('a.txt');
    expect(calls.mock.calls.map(([, args]) => args[0])).toEqual(['diff']);
  });

  it('follows a branch switch and a detached HEAD', async () => {
    later(); // Everything below may be remembered: only HEAD's stat data can tell the change.
    git(root, 'checkout', '-q', '-b', 'other');
    writeOld('a.txt', 'changed\n');
    git(root, 'commit', '-qam', 'on other');
    await expect(reader.read('a.txt')).resolves.not.toHaveProperty('patch');
    git(root, 'checkout', '-q', 'main');
    writeOld('a.txt', 'changed\n');
    expect((await reader.read('a.txt')).patch).toBeDefined();
    git(root, 'checkout', '-qf', '--detach', 'other');
    await expect(reader.read('a.txt')).resolves.not.toHaveProperty('patch');
  });
});
