import { FileIndex } from '../../file/engine/file-index';
import { IgnoreRules } from '../../core/fs/ignore-rules';
import { symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { gitRepo, removeDir, tempDir, writeTree } from '../../core/fs/spec-fixtures';
import { InvalidPatternError, SearchClosedError, SearchTimeoutError } from './errors';
import { compilePattern, grepText } from './grep';
import { TextSearch } from './text-search';

const grep = (text: string, pattern: string, max = 100) =>
  grepText('f.txt', Buffer.from(text), compilePattern(pattern), max);

describe('grepText', () => {
  it('returns matching lines in ripgrep JSON "match" shape', () => {
    expect(grep('const foo = 1;\nlet bar = foo + foo;\nnone\n', 'foo')).toEqual([
      {
        path: { text: 'f.txt' },
        lines: { text: 'const foo = 1;\n' },
        line_number: 1,
        absolute_offset: 0,
        submatches: [{ match: { text: 'foo' }, start: 6, end: 9 }],
      },
      {
        path: { text: 'f.txt' },
        lines: { text: 'let bar = foo + foo;\n' },
        line_number: 2,
        absolute_offset: 15,
        submatches: [
          { match: { text: 'foo' }, start: 10, end: 13 },
          { match: { text: 'foo' }, start: 16, end: 19 },
        ],
      },
    ]);
  });

  it('counts offsets in bytes, as ripgrep does', () => {
    const [match] = grep('é\nhéllo ✓ foo\n', 'foo');
    expect(match).toMatchObject({
      line_number: 2,
      absolute_offset: 3,
      submatches: [{ match: { text: 'foo' }, start: 11, end: 14 }],
    });
    expect(grep('naïve ✓✓', '✓+')[0].submatches).toEqual([
      { match: { text: '✓✓' }, start: 7, end: 13 },
    ]);
  });

  it('keeps CRLF terminators and handles a last line without one', () => {
    expect(grep('a foo\r\nfoo b', 'foo').map((m) => m.lines.text)).toEqual(['a foo\r\n', 'foo b']);
  });

  it('matches line by line: anchors per line, never across lines', () => {
    expect(grep('x\nlet a\n  let b\n', '^let').map((m) => m.line_number)).toEqual([2]);
    expect(grep('end;\nmore end;\n', 'end;$').map((m) => m.line_number)).toEqual([1, 2]);
    expect(grep('foo\nbar\n', 'foo\\sbar')).toEqual([]);
    expect(grep('ab\nb\n', 'a[^x]*b').map((m) => m.line_number)).toEqual([1]);
  });

  it('supports lookarounds, which cannot use the whole-text skip', () => {
    expect(grep('foo;\nfoo\nfood;\n', 'foo(?=;)').map((m) => m.line_number)).toEqual([1]);
    expect(grep('foo\nfoo;\n', 'foo(?!;)').map((m) => m.line_number)).toEqual([1]);
    expect(grep('a1\nb1\n', '(?<=b)1').map((m) => m.line_number)).toEqual([2]);
  });

  it('finds the same lines with and without the whole-text skip', () => {
    const text = Array.from({ length: 200 }, (_, i) => `row ${i} ${i % 7 === 0 ? 'hit' : ''}`)
      .join('\n')
      .concat('\n');
    const fast = grep(text, 'h[aeiou]t').map((m) => m.line_number);
    const slow = grep(text, 'h[aeiou]t(?=|x)').map((m) => m.line_number);
    expect(fast).toHaveLength(29);
    expect(fast).toEqual(slow);
  });

  it('stops at the per-file maximum and survives empty matches', () => {
    expect(grep('a\na\na\n', 'a', 2)).toHaveLength(2);
    expect(grep('ab\n', 'x*')[0].submatches).toHaveLength(3);
    expect(grep('', 'x*')).toEqual([]);
  });
});

describe('compilePattern', () => {
  it('compiles JS regexes, falling back from unicode mode', () => {
    expect(compilePattern('\\p{L}+').test('é')).toBe(true);
    expect(compilePattern('a\\-b').test('a-b')).toBe(true);
  });

  it.each(['(', '[a-', '*x', '(?<n>a)(?<n>b)'])('throws InvalidPatternError for %j', (p) => {
    let error: unknown;
    try {
      compilePattern(p);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidPatternError);
    expect(error).toMatchObject({ pattern: p, reason: expect.stringMatching(/Invalid regular/) });
  });
});

describe('TextSearch', () => {
  let root: string;
  let outside: string;
  let search: TextSearch;

  beforeAll(() => {
    const files: Record<string, string | Buffer> = {
      '.gitignore': 'dist/\n*.min.js\n',
      'src/a.ts': 'export const needle = 1;\n',
      'src/b.ts': 'no match here\n',
      'src/nested/.gitignore': 'secret.ts\n',
      'src/nested/secret.ts': 'needle\n',
      'src/nested/open.ts': 'needle\nneedle again\n',
      'dist/bundle.js': 'needle\n',
      'app.min.js': 'needle\n',
      'image.bin': Buffer.concat([Buffer.from('needle\n'), Buffer.from([0, 1, 2])]),
      'big.txt': 'needle\n' + 'x'.repeat(4096),
      'ünï/文字.md': 'ünï needle ✓\n',
      '.hidden/conf': 'needle\n',
    };
    for (let i = 0; i < 30; i++)
      files[`many/f${String(i).padStart(2, '0')}.txt`] = 'hit\nhit\nhit\n';
    root = gitRepo(files);
    writeTree(root, { '.git/needle-in-git': 'needle\n' });
    outside = tempDir('search-outside-');
    writeTree(outside, { 'secret.txt': 'needle\n' });
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'leak.txt'));
    symlinkSync(outside, path.join(root, 'leakdir'));
    symlinkSync(path.join(root, 'src/a.ts'), path.join(root, 'alias.ts'));
    const index = new FileIndex(root, new IgnoreRules(root));
    search = new TextSearch(index, { timeoutMs: 3000 });
  });

  afterAll(async () => {
    await search.close();
    removeDir(root);
    removeDir(outside);
  });

  it('searches non-ignored text files in path order, never through symlinks', async () => {
    const matches = await search.search('needle', { maxFileSize: 1024 });
    expect(matches.map((m) => [m.path.text, m.line_number])).toEqual([
      ['.hidden/conf', 1],
      ['src/a.ts', 1],
      ['src/nested/open.ts', 1],
      ['src/nested/open.ts', 2],
      ['ünï/文字.md', 1],
    ]);
    expect(matches[4].submatches).toEqual([{ match: { text: 'needle' }, start: 6, end: 12 }]);
  });

  it('searches files up to the size limit', async () => {
    const matches = await search.search('needle', { maxFileSize: 1 << 20 });
    expect(matches.map((m) => m.path.text)).toContain('big.txt');
  });

  it('caps matches in total and per file', async () => {
    const all = await search.search('^hit$');
    expect(all).toHaveLength(90);
    const limited = await search.search('^hit$', { limit: 7 });
    expect(limited.map((m) => [m.path.text, m.line_number])).toEqual([
      ['many/f00.txt', 1],
      ['many/f00.txt', 2],
      ['many/f00.txt', 3],
      ['many/f01.txt', 1],
      ['many/f01.txt', 2],
      ['many/f01.txt', 3],
      ['many/f02.txt', 1],
    ]);
    const perFile = await search.search('^hit$', { maxPerFile: 1, limit: 1000 });
    expect(perFile).toHaveLength(30);
  });

  it('rejects a pattern that does not compile, naming the problem', async () => {
    await expect(search.search('foo(')).rejects.toBeInstanceOf(InvalidPatternError);
    await expect(search.search('foo(')).rejects.toThrow(/Unterminated group/);
  });

  it('runs concurrent searches one after another', async () => {
    const [a, b] = await Promise.all([search.search('needle'), search.search('hit')]);
    expect(a.length).toBeGreaterThan(0);
    expect(b).toHaveLength(90);
  });

  it('stops a catastrophically backtracking search and keeps serving afterwards', async () => {
    writeTree(root, { 'evil.txt': 'a'.repeat(40) + '!\n' });
    const index = new FileIndex(root, new IgnoreRules(root));
    const slow = new TextSearch(index, { timeoutMs: 300 });
    try {
      const started = Date.now();
      await expect(slow.search('^(a+)+$')).rejects.toBeInstanceOf(SearchTimeoutError);
      expect(Date.now() - started).toBeLessThan(5000);
      await expect(slow.search('needle')).resolves.not.toHaveLength(0);
    } finally {
      await slow.close();
    }
  });
});

describe('TextSearch with a change feed', () => {
  let root: string;
  let search: TextSearch;
  let report: (file: string) => void;
  let index: FileIndex;

  beforeEach(() => {
    root = gitRepo({
      'a.txt': 'alpha needle\n',
      'b.txt': 'beta\n',
      'big.txt': 'needle ' + 'x'.repeat(600),
    });
    index = new FileIndex(root, new IgnoreRules(root));
    search = new TextSearch(index, {
      timeoutMs: 3000,
      watch: (listener) => {
        report = listener;
        return () => undefined;
      },
    });
  });

  afterEach(async () => {
    await search.close();
    removeDir(root);
  });

  const paths = async (pattern: string, maxFileSize?: number) =>
    (await search.search(pattern, { maxFileSize })).map((m) => `${m.path.text}:${m.lines.text}`);

  it('keeps contents between searches until a change is reported', async () => {
    expect(await paths('needle', 100)).toEqual(['a.txt:alpha needle\n']);
    writeTree(root, { 'a.txt': 'alpha changed\n', 'b.txt': 'beta needle\n' });
    // Not reported yet: the kept contents answer.
    expect(await paths('needle', 100)).toEqual(['a.txt:alpha needle\n']);
    report('a.txt');
    report('b.txt');
    expect(await paths('needle', 100)).toEqual(['b.txt:beta needle\n']);
  });

  it('reads a skipped file again when a later search allows bigger files', async () => {
    expect(await paths('needle', 100)).toEqual(['a.txt:alpha needle\n']);
    expect(await paths('needle', 10_000)).toEqual([
      'a.txt:alpha needle\n',
      `big.txt:needle ${'x'.repeat(600)}`,
    ]);
    expect(await paths('needle', 100)).toEqual(['a.txt:alpha needle\n']);
  });

  it('forgets everything after more changes than it keeps track of', async () => {
    await paths('needle', 100);
    writeTree(root, { 'a.txt': 'alpha changed\n' });
    for (let i = 0; i <= 10_000; i++) report(`other-${i}.txt`);
    expect(await paths('needle', 100)).toEqual([]);
  });

  it('fails searches still waiting when it is closed', async () => {
    const waiting = search.search('needle');
    await search.close();
    await expect(waiting).rejects.toBeInstanceOf(SearchClosedError);
  });

  it('runs identical searches queued together once, each caller with its own array', async () => {
    const jobs = jest.spyOn(index, 'listFiles'); // Called once per job sent to the worker.
    const [first, second, third, other] = await Promise.all([
      search.search('needle'),
      search.search('needle'),
      search.search('needle'),
      search.search('beta'),
    ]);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(second).not.toBe(first);
    expect(other.map((m) => m.path.text)).toEqual(['b.txt']);
    // The worker starts on first use, so all three are still queued together: one job for
    // "needle", one for "beta".
    expect(jobs).toHaveBeenCalledTimes(2);
  });
});
