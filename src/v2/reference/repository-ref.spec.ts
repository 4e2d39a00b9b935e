import { isValidBranch, parseRepository, repositoryCachePath } from './repository-ref';

describe('parseRepository', () => {
  it.each([
    ['github:foo/bar', 'github.com', ['foo', 'bar']],
    ['foo/bar', 'github.com', ['foo', 'bar']],
    ['/local/repo', 'github.com', ['local', 'repo']],
    ['git@github.com:Foo/bar.git', 'github.com', ['Foo', 'bar']],
    ['gitlab.com/group/sub/project', 'gitlab.com', ['group', 'sub', 'project']],
    ['https://gitlab.com/a/b.git', 'gitlab.com', ['a', 'b']],
    ['git+https://GitHub.com/a/b#main', 'github.com', ['a', 'b']],
    ['ssh://git@example.org:2222/team/repo.git/', 'example.org:2222', ['team', 'repo']],
  ])('%s → %s %j', (raw, host, segments) => {
    expect(parseRepository(raw)).toEqual({ host, segments });
  });

  it.each(['', '   ', 'file:///srv/repo', 'just-a-name', 'https://host/', 'a/../b/c/d'])(
    'refuses %j',
    (raw) => {
      expect(parseRepository(raw)).toBeUndefined();
    },
  );
});

describe('isValidBranch', () => {
  it('accepts ordinary names and refuses option-like or parent-directory ones', () => {
    expect(isValidBranch('main')).toBe(true);
    expect(isValidBranch('release/1.2_x-y')).toBe(true);
    expect(isValidBranch('-delete')).toBe(false);
    expect(isValidBranch('a..b')).toBe(false);
    expect(isValidBranch('has space')).toBe(false);
  });
});

describe('repositoryCachePath', () => {
  it('joins host parts and segments, with the branch URI-encoded', () => {
    expect(repositoryCachePath('/data/repos', { host: 'gitlab.com', segments: ['a', 'b'] })).toBe(
      '/data/repos/gitlab.com/a/b',
    );
    expect(repositoryCachePath('/data/repos', { host: 'h:22', segments: ['a'] }, 'feature/x')).toBe(
      '/data/repos/h/22/a@feature%2Fx',
    );
  });
});
