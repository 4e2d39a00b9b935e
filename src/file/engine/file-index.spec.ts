import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FileIndex } from './file-index';
import { IgnoreRules } from '../../core/fs/ignore-rules';
import { removeDir, tempDir, writeTree } from '../../core/fs/spec-fixtures';

describe('FileIndex', () => {
  let root: string;
  let outside: string;

  beforeEach(() => {
    outside = tempDir('index-outside-');
    writeTree(outside, { 'secret.txt': 's', 'dir/x.txt': 'x' });
    root = tempDir('index-');
    writeTree(root, {
      '.gitignore': 'node_modules/\n*.log\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.github/workflows/ci.yml': 'on: push\n',
      'src/app/main.ts': '',
      'src/app/util.ts': '',
      'src/.gitignore': 'generated/\n',
      'src/generated/big.ts': '',
      'src/README.md': '',
      'docs/guide/intro.md': '',
      'node_modules/pkg/index.js': '',
      'debug.log': '',
      'ünïcode/файл.txt': '',
      'package.json': '{}',
    });
    mkdirSync(path.join(root, 'empty'));
    symlinkSync(path.join(root, 'package.json'), path.join(root, 'link.json'));
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'leak.txt'));
    symlinkSync(path.join(outside, 'dir'), path.join(root, 'leakdir'));
    symlinkSync(path.join(root, 'src'), path.join(root, 'src-alias'));
    symlinkSync(path.join(root, 'missing'), path.join(root, 'dangling'));
  });

  afterEach(() => {
    removeDir(root);
    removeDir(outside);
  });

  const build = async (extraPatterns?: string[]) => {
    const index = new FileIndex(root, new IgnoreRules(root, { extraPatterns }));
    await index.ready();
    return index;
  };

  it('lists non-ignored files and directories, sorted, skipping .git and outbound links', async () => {
    const index = await build();
    expect(index.listFiles()).toEqual([
      '.github/workflows/ci.yml',
      '.gitignore',
      'docs/guide/intro.md',
      'link.json',
      'package.json',
      'src/.gitignore',
      'src/README.md',
      'src/app/main.ts',
      'src/app/util.ts',
      'ünïcode/файл.txt',
    ]);
    expect(index.listDirs()).toEqual([
      '.github/',
      '.github/workflows/',
      'docs/',
      'docs/guide/',
      'empty/',
      'src/',
      'src/app/',
      'ünïcode/',
    ]);
  });

  it('honours extra ignore patterns', async () => {
    const index = await build(['docs/', '*.md']);
    expect(index.listFiles()).not.toContain('src/README.md');
    expect(index.listDirs()).not.toContain('docs/');
  });

  it('searches files and directories fuzzily, best first, directories with a slash', async () => {
    const index = await build();
    expect(index.search('main')[0]).toBe('src/app/main.ts');
    expect(index.search('guide', { type: 'directory' })).toEqual(['docs/guide/']);
    expect(index.search('app', { type: 'file' })).toEqual(
      expect.arrayContaining(['src/app/main.ts', 'src/app/util.ts']),
    );
    expect(index.search('app', { type: 'file' }).every((p) => !p.endsWith('/'))).toBe(true);
    expect(index.search('app')).toContain('src/app/');
    expect(index.search('app', { dirs: false })).not.toContain('src/app/');
    expect(index.search('файл')).toEqual(['ünïcode/файл.txt']);
    expect(index.search('zzzzqqq')).toEqual([]);
    expect(index.search('a', { limit: 2 })).toHaveLength(2);
  });

  it('lists in order for an empty query: files for type file, otherwise directories', async () => {
    const index = await build();
    expect(index.search('', { type: 'file', limit: 2 })).toEqual([
      '.github/workflows/ci.yml',
      '.gitignore',
    ]);
    // Hidden directories go last unless the query asks for them.
    expect(index.search('  ')).toEqual([
      'docs/',
      'docs/guide/',
      'empty/',
      'src/',
      'src/app/',
      'ünïcode/',
      '.github/',
      '.github/workflows/',
    ]);
    expect(index.search('.gi', { type: 'directory' })[0]).toBe('.github/');
  });

  it('answers repeated queries from a cache that callers cannot corrupt', async () => {
    const index = await build();
    const first = index.search('main');
    first.push('mutated');
    expect(index.search('main')).not.toContain('mutated');
    expect(index.search('main', { limit: 1 })).toHaveLength(1);
  });

  it('normalises backslashes in the query', async () => {
    const index = await build();
    expect(index.search('src\\app\\main')[0]).toBe('src/app/main.ts');
  });

  it('updates incrementally: add, remove, directories take their contents along', async () => {
    const index = await build();
    index.add('new/deep/file.ts', 'file');
    expect(index.search('file.ts')).toContain('new/deep/file.ts');
    expect(index.listDirs()).toEqual(expect.arrayContaining(['new/', 'new/deep/']));
    index.add('node_modules/x/y.js', 'file');
    index.add('trace.log', 'file');
    expect(index.listFiles()).not.toContain('node_modules/x/y.js');
    expect(index.listFiles()).not.toContain('trace.log');

    expect(index.search('main.ts')).toContain('src/app/main.ts');
    index.remove('src/app/main.ts');
    expect(index.search('main.ts')).not.toContain('src/app/main.ts');
    expect(index.listFiles()).not.toContain('src/app/main.ts');
    index.remove('src');
    expect(index.listFiles().some((f) => f.startsWith('src/'))).toBe(false);
    expect(index.listDirs().some((d) => d.startsWith('src/'))).toBe(false);
    expect(index.search('util')).toEqual([]);
  });

  it('rescans a subtree after its rules change', async () => {
    const rules = new IgnoreRules(root);
    const index = new FileIndex(root, rules);
    await index.ready();
    writeFileSync(path.join(root, 'src/.gitignore'), 'app/\n');
    rules.invalidate('src/.gitignore');
    await index.rescan('src');
    expect(index.listFiles()).toContain('src/generated/big.ts');
    expect(index.listFiles()).not.toContain('src/app/main.ts');
    expect(index.listDirs()).toContain('src/');
  });

  it('rejects when the root does not exist', async () => {
    const index = new FileIndex(path.join(root, 'nope'), new IgnoreRules(root));
    await expect(index.ready()).rejects.toThrow();
  });
});
