import { createGlobMatcher, globToRegExp, splitGlobBase } from './glob';

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
