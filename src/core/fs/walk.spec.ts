import { symlinkSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gitRepo, tempDir, writeFiles } from '../../../test/support/fixtures';
import { globFiles, walkFiles, type WalkOptions } from './walk';

// A pass-through, so a test can see which directories a walk read.
jest.mock('node:fs/promises', () => {
  const actual = jest.requireActual<typeof import('node:fs/promises')>('node:fs/promises');
  return { ...actual, readdir: jest.fn(actual.readdir) };
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

  it('passes over a link to a file outside the root, unless links are followed', async () => {
    const outside = tempDir();
    writeFiles(outside, { id_rsa: 'PRIVATE KEY' });
    const root = tempDir();
    writeFiles(root, { 'a/real.txt': '' });
    symlinkSync(join(outside, 'id_rsa'), join(root, 'key.txt'));
    symlinkSync(join(root, 'a/real.txt'), join(root, 'a/inner.txt'));
    expect(await walk({ root })).toEqual(['a/inner.txt', 'a/real.txt']);
    expect(await walk({ root: join(root, 'a') })).toEqual(['inner.txt', 'real.txt']);
    expect(await walk({ root, followSymlinks: true })).toEqual([
      'key.txt',
      'a/inner.txt',
      'a/real.txt',
    ]);
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
