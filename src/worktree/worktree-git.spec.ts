import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/support/fixtures';
import {
  canonicalPath,
  findWorktree,
  parseWorktreeList,
  randomName,
  slugify,
} from './worktree-git';

describe('worktree-git', () => {
  it('parses git worktree list --porcelain: paths, branches, detached and bare entries', () => {
    const text = [
      'worktree /srv/bare.git',
      'bare',
      '',
      'worktree /srv/main',
      'HEAD 1111111111111111111111111111111111111111',
      'branch refs/heads/main',
      '',
      'worktree /srv/detached',
      'HEAD 2222222222222222222222222222222222222222',
      'detached',
      '',
      'worktree /srv/with space',
      'HEAD 3333333333333333333333333333333333333333',
      'branch refs/heads/opencode/x',
      'locked',
      '',
    ].join('\n');
    expect(parseWorktreeList(text)).toEqual([
      { path: '/srv/bare.git', bare: true },
      { path: '/srv/main', branch: 'main', bare: false },
      { path: '/srv/detached', bare: false },
      { path: '/srv/with space', branch: 'opencode/x', bare: false },
    ]);
  });

  it.each([
    ['My Feature', 'my-feature'],
    ['My Feature/../X', 'my-feature-x'],
    ['../..', ''],
    ['/etc/passwd', 'etc-passwd'],
    ['  --Fix #42!--  ', 'fix-42'],
    ['ünïcödé', 'n-c-d'],
    ['功能', ''],
  ])('slugify(%j) is %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it('slugify cuts long names without leaving a dash at the end', () => {
    expect(slugify(`${'a'.repeat(63)} b`)).toBe('a'.repeat(63));
  });

  it('randomName is two lower-case words', () => {
    for (let i = 0; i < 20; i++) expect(randomName()).toMatch(/^[a-z]+-[a-z]+$/);
  });

  it('finds a worktree by its real path, through symlinks', async () => {
    const real = tempDir();
    const link = join(tempDir(), 'link');
    symlinkSync(real, link);
    const target = await canonicalPath(link, '/');
    expect(target).toBe(real);
    await expect(
      findWorktree(
        [
          { path: '/elsewhere', bare: false },
          { path: link, bare: false },
        ],
        target,
      ),
    ).resolves.toEqual({ path: link, bare: false });
    await expect(canonicalPath('missing', real)).resolves.toBe(join(real, 'missing'));
  });
});
