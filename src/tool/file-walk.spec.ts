import { symlinkSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gitRepo, tempDir, writeFiles } from '../../test/support/fixtures';
import {
  createGlobMatcher,
  globFiles,
  globToRegExp,
  splitGlobBase,
  walkFiles,
  type WalkOptions,
} from './file-walk';

// A pass-through, so a test can see which directories a walk read.
jest.mock('node:fs/promises', () => {
  const actual = jest.requireActual<typeof import('node:fs/promises')>('node:fs/promises');
  return { ...actual, readdir: jest.fn(actual.readdir) };
});

describe('globToRegExp', () => {
  const cases: [glob: string, matching: string[], notMatching: string[]][] = [
    ['*.ts', ['a.ts', '.ts', 'x.y.ts'], ['a.tsx', 'dir/a.ts', 'a.ts/b']],
    ['src/*.ts', ['src/a.ts'], ['src/x/a.ts', 'a.ts', 'lib/src/a.ts']],
    ['**/*.ts', ['a.ts', 'src/a.ts', 'src/x/y/a.ts'], ['a.js', 'src/a.tsx']],
    ['src/**', ['src/a', 'src/x/y.ts'], ['src', 'lib/a']],
    ['src/**/test/*.js', ['src/test/a.js', 'src/a/b/test/c.js'], ['src/test.js', 'test/a.js']],
    ['a?c', ['abc', 'a-c'], ['ac', 'abbc', 'a/c']],
    ['*.{ts,tsx}', ['a.ts', 'b.tsx'], ['c.js', 'd.t']],
    ['{src,lib}/**/*.{js,mjs}', ['src/a.js', 'lib/x/b.mjs'], ['test/a.js', 'src/a.ts']],
    ['{a,{b,c}d}', ['a', 'bd', 'cd'], ['b', 'ad']],
    ['[abc].txt', ['a.txt', 'c.txt'], ['d.txt', 'ab.txt']],
    ['[a-c]1', ['b1'], ['d1']],
    ['[!a-c]1', ['d1', 'z1'], ['a1', '/1']],
    ['[^x]y', ['ay'], ['xy']],
    ['\\*.md', ['*.md'], ['a.md']],
    ['file(1).txt', ['file(1).txt'], ['file1.txt']],
    ['a+b.c$', ['a+b.c$'], ['aab.c', 'a+bxc$']],
    ['[unclosed', ['[unclosed'], ['u']],
    ['{unclosed', ['{unclosed'], ['unclosed']],
    ['a**b', ['ab', 'axxb'], ['a/b']],
  ];
  it.each(cases)('%s', (glob, matching, notMatching) => {
    const regex = globToRegExp(glob);
    for (const path of matching)
      expect({ path, matches: regex.test(path) }).toEqual({ path, matches: true });
    for (const path of notMatching) {
      expect({ path, matches: regex.test(path) }).toEqual({ path, matches: false });
    }
  });
});

describe('createGlobMatcher', () => {
  it('matches file names in any directory when the glob has no slash', () => {
    const match = createGlobMatcher('*.ts');
    expect(match('a.ts')).toBe(true);
    expect(match('deep/dir/a.ts')).toBe(true);
    expect(match('deep/dir/a.js')).toBe(false);
  });

  it('matches paths from the root when the glob has a slash, ./ and / anchoring it', () => {
    expect(createGlobMatcher('src/*.ts')('src/a.ts')).toBe(true);
    expect(createGlobMatcher('src/*.ts')('x/src/a.ts')).toBe(false);
    expect(createGlobMatcher('./src/*.ts')('src/a.ts')).toBe(true);
    expect(createGlobMatcher('/src/*.ts')('src/a.ts')).toBe(true);
  });

  it('treats a trailing slash as naming the directory itself', () => {
    expect(createGlobMatcher('fixtures/')('a/fixtures')).toBe(true);
  });
});

async function walk(options: WalkOptions): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of walkFiles(options)) files.push(entry.relative);
  return files;
}

describe('walkFiles', () => {
  it('walks breadth first, skips .git, and honours .gitignore files at every level', async () => {
    const root = gitRepo({
      '.gitignore': 'node_modules/\n*.log\n!keep.log\n',
      'a.ts': '',
      'debug.log': '',
      'keep.log': '',
      'node_modules/pkg/index.js': '',
      'src/.gitignore': 'generated/\n',
      'src/b.ts': '',
      'src/generated/c.ts': '',
      'src/deep/d.ts': '',
    });
    expect(await walk({ root })).toEqual([
      '.gitignore',
      'a.ts',
      'keep.log',
      'src/.gitignore',
      'src/b.ts',
      'src/deep/d.ts',
    ]);
  });

  it('applies the rules of the anchor above the root, and .git/info/exclude', async () => {
    const anchor = gitRepo({
      '.gitignore': '*.tmp\n',
      'sub/a.ts': '',
      'sub/b.tmp': '',
      'sub/c.secret': '',
    });
    writeFiles(anchor, { '.git/info/exclude': '*.secret\n' });
    expect(await walk({ root: join(anchor, 'sub'), ignoreAnchor: anchor })).toEqual(['a.ts']);
    // Without the anchor, rules above the root are not seen.
    expect(await walk({ root: join(anchor, 'sub') })).toEqual(['a.ts', 'b.tmp', 'c.secret']);
  });

  it('walks an ignored directory that was named explicitly', async () => {
    const anchor = gitRepo({ '.gitignore': 'node_modules/\n', 'node_modules/pkg/index.js': '' });
    expect(await walk({ root: join(anchor, 'node_modules', 'pkg'), ignoreAnchor: anchor })).toEqual(
      ['index.js'],
    );
  });

  it('can ignore nothing, and skips entries the caller rejects', async () => {
    const root = tempDir();
    writeFiles(root, { '.gitignore': 'x.ts\n', 'x.ts': '', 'skip/y.ts': '', 'z.ts': '' });
    expect(await walk({ root, respectIgnoreFiles: false })).toEqual([
      '.gitignore',
      'x.ts',
      'z.ts',
      'skip/y.ts',
    ]);
    expect(await walk({ root, skip: (entry) => entry.name === 'skip' })).toEqual([
      '.gitignore',
      'z.ts',
    ]);
  });

  it('yields symlinked files but does not follow symlinked directories', async () => {
    const outside = tempDir();
    writeFiles(outside, { 'secret.txt': 'x' });
    const root = tempDir();
    writeFiles(root, { 'real.txt': '' });
    symlinkSync(join(root, 'real.txt'), join(root, 'link.txt'));
    symlinkSync(outside, join(root, 'outside'));
    expect(await walk({ root })).toEqual(['link.txt', 'real.txt']);
  });

  it('follows symlinked directories when asked, entering each real directory once', async () => {
    const outside = tempDir();
    writeFiles(outside, { 'shared.txt': '' });
    const root = tempDir();
    writeFiles(root, { 'a/x.txt': '' });
    symlinkSync(outside, join(root, 'linked'));
    symlinkSync(root, join(root, 'a/loop'));
    symlinkSync(join(root, 'a'), join(root, 'again'));
    expect(await walk({ root, followSymlinks: true })).toEqual(['a/x.txt', 'linked/shared.txt']);
  });

  it('stops when the signal is aborted', async () => {
    const root = tempDir();
    writeFiles(root, { 'a/b.ts': '' });
    const controller = new AbortController();
    controller.abort(new Error('stopped'));
    await expect(walk({ root, signal: controller.signal })).rejects.toThrow('stopped');
  });
});

describe('splitGlobBase', () => {
  it.each([
    ['docs/rules/*.md', 'docs/rules', '*.md'],
    ['/etc/team/*.md', '/etc/team', '*.md'],
    ['/*.md', '/', '*.md'],
    ['*.md', '', '*.md'],
    ['packages/*/AGENTS.md', 'packages', '*/AGENTS.md'],
    ['../shared/{a,b}.md', '../shared', '{a,b}.md'],
    ['CONTRIBUTING.md', 'CONTRIBUTING.md', undefined],
    ['/abs/plain.md', '/abs/plain.md', undefined],
  ])('%s', (pattern, base, glob) => {
    expect(splitGlobBase(pattern)).toEqual({ base, glob });
  });
});

describe('globFiles', () => {
  const relative = (root: string, files: string[]) =>
    files.map((file) => file.slice(root.length + 1));

  it('matches the whole relative path: a glob without a slash only at the top', async () => {
    const root = tempDir();
    writeFiles(root, { 'b.md': '', 'a.md': '', '.hidden.md': '', 'x.txt': '', 'sub/c.md': '' });
    expect(relative(root, await globFiles(root, '*.md'))).toEqual(['.hidden.md', 'a.md', 'b.md']);
    expect(relative(root, await globFiles(root, '**/*.md'))).toEqual([
      '.hidden.md',
      'a.md',
      'b.md',
      'sub/c.md',
    ]);
  });

  it('returns sorted paths, ignores nothing but .git, and finds nothing under a missing root', async () => {
    const root = gitRepo({
      '.gitignore': 'local/\n',
      'packages/b/AGENTS.md': '',
      'packages/a/AGENTS.md': '',
      'packages/a/deep/AGENTS.md': '',
      'local/AGENTS.md': '',
    });
    expect(relative(root, await globFiles(root, 'packages/*/AGENTS.md'))).toEqual([
      'packages/a/AGENTS.md',
      'packages/b/AGENTS.md',
    ]);
    expect(relative(root, await globFiles(root, '{local,packages/a}/AGENTS.md'))).toEqual([
      'local/AGENTS.md',
      'packages/a/AGENTS.md',
    ]);
    expect(await globFiles(join(root, 'missing'), '*.md')).toEqual([]);
  });

  it('does not enter directories that cannot hold a match', async () => {
    const root = tempDir();
    writeFiles(root, {
      'docs/rules/a.md': '',
      'docs/other/b.md': '',
      'src/deep/c.md': '',
      'docs/rules/nested/d.md': '',
    });
    const calls = jest.mocked(readdir).mock.calls;
    const before = calls.length;
    expect(relative(root, await globFiles(root, 'docs/rules/*.md'))).toEqual(['docs/rules/a.md']);
    const read = calls.slice(before).map(([dir]) => String(dir).slice(root.length));
    expect(read).toEqual(['', '/docs', '/docs/rules']);
  });
});
