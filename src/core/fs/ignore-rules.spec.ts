import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { IgnoreRules } from './ignore-rules';
import { git, removeDir, tempDir, writeTree } from './spec-fixtures';

describe('IgnoreRules', () => {
  let root: string;

  beforeEach(() => {
    root = tempDir('ignore-rules-');
    writeTree(root, {
      '.gitignore': 'node_modules/\n*.log\n!keep.log\nbuild\nout/\n# comment\n',
      '.git/info/exclude': 'excluded-locally.txt\n',
      '.ignore': 'from-dot-ignore.txt\n',
      'sub/.gitignore': 'local.txt\n!important.log\n/top.txt\n',
      'build/.gitignore': '!rescued.txt\n',
    });
  });

  afterEach(() => removeDir(root));

  const ignored = (rules: IgnoreRules, rel: string, isDir = false) => rules.isIgnored(rel, isDir);

  it('applies root rules to files and directories', () => {
    const rules = new IgnoreRules(root);
    expect(ignored(rules, 'node_modules', true)).toBe(true);
    expect(ignored(rules, 'node_modules/pkg/index.js')).toBe(true);
    expect(ignored(rules, 'a/b/debug.log')).toBe(true);
    expect(ignored(rules, 'keep.log')).toBe(false);
    expect(ignored(rules, 'src/index.ts')).toBe(false);
    expect(ignored(rules, 'build', true)).toBe(true);
    expect(ignored(rules, 'build')).toBe(true);
  });

  it('applies directory-only rules to directories only', () => {
    const rules = new IgnoreRules(root);
    expect(ignored(rules, 'out', true)).toBe(true);
    expect(ignored(rules, 'out/file.txt')).toBe(true);
    expect(ignored(rules, 'out')).toBe(false);
  });

  it('applies nested rules below their directory, overriding the root', () => {
    const rules = new IgnoreRules(root);
    expect(ignored(rules, 'sub/local.txt')).toBe(true);
    expect(ignored(rules, 'sub/deep/local.txt')).toBe(true);
    expect(ignored(rules, 'local.txt')).toBe(false);
    expect(ignored(rules, 'sub/important.log')).toBe(false);
    expect(ignored(rules, 'sub/other.log')).toBe(true);
    expect(ignored(rules, 'sub/top.txt')).toBe(true);
    expect(ignored(rules, 'sub/deep/top.txt')).toBe(false);
  });

  it('never re-includes anything below an ignored directory', () => {
    const rules = new IgnoreRules(root);
    expect(ignored(rules, 'build/rescued.txt')).toBe(true);
  });

  it('always ignores .git, and reads .git/info/exclude and .ignore', () => {
    const rules = new IgnoreRules(root);
    expect(ignored(rules, '.git', true)).toBe(true);
    expect(ignored(rules, '.git/HEAD')).toBe(true);
    expect(ignored(rules, 'vendor/lib/.git', true)).toBe(true);
    expect(ignored(rules, 'excluded-locally.txt')).toBe(true);
    expect(ignored(rules, 'from-dot-ignore.txt')).toBe(true);
    expect(ignored(rules, '')).toBe(false);
  });

  it('applies extra patterns from the root', () => {
    const rules = new IgnoreRules(root, { extraPatterns: ['dist/**', '*.tmp', 'cache'] });
    expect(ignored(rules, 'dist/a.js')).toBe(true);
    expect(ignored(rules, 'x/y/z.tmp')).toBe(true);
    expect(ignored(rules, 'deep/cache', true)).toBe(true);
    expect(ignored(rules, 'src/a.js')).toBe(false);
  });

  it('keeps rules cached until told a rule file changed', () => {
    const rules = new IgnoreRules(root);
    expect(ignored(rules, 'secret.env')).toBe(false);
    writeFileSync(path.join(root, '.gitignore'), '*.env\n');
    expect(ignored(rules, 'secret.env')).toBe(false);
    rules.invalidate('.gitignore');
    expect(ignored(rules, 'secret.env')).toBe(true);
    expect(ignored(rules, 'node_modules', true)).toBe(false);
  });

  it('picks up a rule file created in a new directory once invalidated', () => {
    const rules = new IgnoreRules(root);
    expect(ignored(rules, 'fresh/a.txt')).toBe(false);
    writeTree(root, { 'fresh/.gitignore': 'a.txt\n' });
    rules.invalidate('fresh/.gitignore');
    expect(ignored(rules, 'fresh/a.txt')).toBe(true);
  });

  it('gives the same answers after loading ahead asynchronously', async () => {
    const rules = new IgnoreRules(root);
    await rules.load('');
    await rules.load('sub');
    expect(ignored(rules, 'sub/local.txt')).toBe(true);
    expect(ignored(rules, 'sub/important.log')).toBe(false);
    expect(ignored(rules, 'a.log')).toBe(true);
  });

  it('handles unicode names', () => {
    writeTree(root, { 'ü/.gitignore': 'файл.txt\n' });
    const rules = new IgnoreRules(root);
    expect(ignored(rules, 'ü/файл.txt')).toBe(true);
    expect(ignored(rules, 'ü/другой.txt')).toBe(false);
  });

  it('agrees with git about which files are ignored', () => {
    const repo = tempDir('ignore-oracle-');
    try {
      git(repo, 'init', '-q');
      const files = [
        'a.log',
        'keep.log',
        'out',
        'out2/file.txt',
        'outdir/out/file.txt',
        'src/x.ts',
        'src/gen/x.ts',
        'src/gen/keep.ts',
        'sub/local.txt',
        'sub/important.log',
        'sub/other.log',
        'sub/top.txt',
        'sub/deep/top.txt',
        'sub/deep/.hidden',
        'build/rescued.txt',
        'lib/build/nested.txt',
        'node_modules/pkg/i.js',
        'docs/a.md',
        'docs/api/b.md',
        'docs/api/keep.md',
        'ünï/файл.txt',
        'space dir/x y.txt',
      ];
      writeTree(repo, {
        '.gitignore': [
          '*.log',
          '!keep.log',
          'out/',
          'build',
          '/node_modules',
          'docs/**/*.md',
          '!docs/api/keep.md',
          'src/gen/*',
          '!src/gen/keep.ts',
          'ünï/',
          'space dir/x*',
          '',
        ].join('\n'),
        'sub/.gitignore': 'local.txt\n!important.log\n/top.txt\n.hidden\n',
        'build/.gitignore': '!rescued.txt\n',
        ...Object.fromEntries(files.map((f) => [f, ''])),
      });
      const fromGit = git(repo, 'ls-files', '--others', '--ignored', '--exclude-standard', '-z')
        .split('\0')
        .filter(Boolean)
        .sort();
      const rules = new IgnoreRules(repo);
      const fromRules = [...files, 'build/.gitignore'].filter((f) => rules.isIgnored(f, false));
      expect(fromRules.sort()).toEqual(fromGit);
    } finally {
      removeDir(repo);
    }
  });
});
