import { DEFAULT_RULES, evaluate, rulesFromConfig } from './permission-rules';
import { matchesWildcard } from './wildcard';

describe('matchesWildcard', () => {
  it.each([
    ['*', 'anything', true],
    ['git log *', 'git log --oneline', true],
    ['git log *', 'git log', true],
    ['git log *', 'git logs', false],
    ['ls *', 'lsof', false],
    ['src/*.ts', 'src/a.ts', true],
    ['a?c', 'abc', true],
    ['a.c', 'abc', false],
    ['/tmp/*', '/tmp/x/y', true],
  ])('%s vs %s → %s', (pattern, value, expected) => {
    expect(matchesWildcard(pattern, value)).toBe(expected);
  });
});

describe('permission rules', () => {
  it('lets everything through by default but asks for other directories and doom loops', () => {
    expect(evaluate(DEFAULT_RULES, 'bash', 'rm -rf build')).toBe('allow');
    expect(evaluate(DEFAULT_RULES, 'external_directory', '/etc/*')).toBe('ask');
    expect(evaluate(DEFAULT_RULES, 'doom_loop', 'read')).toBe('ask');
  });

  it('flattens config values and lets the last matching rule win', () => {
    const rules = [
      ...DEFAULT_RULES,
      ...rulesFromConfig({
        edit: 'deny',
        bash: { '*': 'ask', 'git status *': 'allow', 'git push *': 'deny' },
      }),
    ];
    expect(evaluate(rules, 'edit', 'src/a.ts')).toBe('deny');
    expect(evaluate(rules, 'bash', 'ls')).toBe('ask');
    expect(evaluate(rules, 'bash', 'git status --short')).toBe('allow');
    expect(evaluate(rules, 'bash', 'git push origin main')).toBe('deny');
    expect(evaluate(rules, 'webfetch', 'https://example.com')).toBe('allow');
  });

  it('takes a single action for every permission', () => {
    expect(rulesFromConfig('ask')).toEqual([{ permission: '*', pattern: '*', action: 'ask' }]);
    expect(rulesFromConfig(undefined)).toEqual([]);
  });
});
