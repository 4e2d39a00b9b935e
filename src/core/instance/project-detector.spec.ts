import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gitRepo, runGit, tempDir } from '../../../test/support/fixtures';
import { detectProject } from './project-detector';

describe('detectProject', () => {
  it('identifies a repository by its root commit, from any directory inside it', async () => {
    const repo = gitRepo();
    mkdirSync(join(repo, 'sub'));
    const root = runGit(repo, 'rev-list', '--max-parents=0', 'HEAD').trim();
    await expect(detectProject(join(repo, 'sub'))).resolves.toEqual({
      id: root,
      worktree: repo,
      vcs: 'git',
    });
  });

  it('names the main worktree of a linked worktree', async () => {
    const repo = gitRepo();
    const linked = join(tempDir(), 'side');
    runGit(repo, 'worktree', 'add', '-q', '-b', 'side', linked);
    const project = await detectProject(linked);
    expect(project).toEqual({
      id: (await detectProject(repo)).id,
      worktree: linked,
      vcs: 'git',
      mainWorktree: repo,
    });
  });

  it('gives a worktree of a bare repository no main worktree', async () => {
    const bare = join(tempDir(), 'bare.git');
    runGit(gitRepo(), 'clone', '-q', '--bare', '.', bare);
    const linked = join(tempDir(), 'checkout');
    runGit(bare, 'worktree', 'add', '-q', linked);
    const project = await detectProject(linked);
    expect(project.worktree).toBe(linked);
    expect(project.mainWorktree).toBeUndefined();
  });

  it('is the global project outside git, and before the first commit', async () => {
    await expect(detectProject(tempDir())).resolves.toEqual({ id: 'global', worktree: '/' });
    const empty = tempDir();
    runGit(empty, 'init', '-q');
    await expect(detectProject(empty)).resolves.toEqual({
      id: 'global',
      worktree: empty,
      vcs: 'git',
    });
  });
});
