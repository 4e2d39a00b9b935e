import { evaluate, type PermissionRule } from './permission-rules';
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

describe('evaluate', () => {
  const rules: PermissionRule[] = [
    { permission: '*', pattern: '*', action: 'allow' },
    { permission: 'external_directory', pattern: '*', action: 'ask' },
    { permission: 'edit', pattern: '*', action: 'deny' },
    { permission: 'bash', pattern: '*', action: 'ask' },
    { permission: 'bash', pattern: 'git status *', action: 'allow' },
    { permission: 'bash', pattern: 'git push *', action: 'deny' },
  ];

  it('lets the last matching rule decide', () => {
    expect(evaluate(rules, 'edit', 'src/a.ts')).toBe('deny');
    expect(evaluate(rules, 'bash', 'ls')).toBe('ask');
    expect(evaluate(rules, 'bash', 'git status --short')).toBe('allow');
    expect(evaluate(rules, 'bash', 'git push origin main')).toBe('deny');
    expect(evaluate(rules, 'webfetch', 'https://example.com')).toBe('allow');
    expect(evaluate(rules, 'external_directory', '/etc/*')).toBe('ask');
  });

  it('asks when no rule matches', () => {
    expect(evaluate([], 'bash', 'ls')).toBe('ask');
  });
});
