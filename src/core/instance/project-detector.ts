import { realpath } from 'node:fs/promises';
import { runGit } from '../fs/git';

export interface DetectedProject {
  /** The hash of the repository's root commit, or `global` outside git (as the reference). */
  id: string;
  /** The top of the checkout holding the directory (`/` outside git). */
  worktree: string;
  vcs?: 'git';
  /**
   * When `worktree` is a linked worktree (`git worktree add`), the repository's main worktree:
   * the project's own worktree, of which this checkout is a sandbox.
   */
  mainWorktree?: string;
}

export const GLOBAL_PROJECT_ID = 'global';

/** Finds the git project a directory belongs to. */
export async function detectProject(directory: string): Promise<DetectedProject> {
  const located = await runGit(directory, [
    'rev-parse',
    '--show-toplevel',
    '--path-format=absolute',
    '--git-dir',
    '--git-common-dir',
  ]);
  const [topLevel, gitDir, commonDir] = located.stdout.split('\n');
  if (located.code !== 0 || !topLevel) return { id: GLOBAL_PROJECT_ID, worktree: '/' };
  const worktree = await realpath(topLevel);
  const [roots, mainWorktree] = await Promise.all([
    runGit(worktree, ['rev-list', '--max-parents=0', '--all']),
    // A linked worktree keeps its own git directory inside the common one.
    gitDir !== commonDir ? linkedFrom(worktree) : undefined,
  ]);
  // A repository without commits has no root commit yet: it is still a git project, but shares
  // the global id until its first commit (as the reference does).
  const rootCommit = roots.stdout.split('\n').filter(Boolean).sort()[0];
  return {
    id: rootCommit ?? GLOBAL_PROJECT_ID,
    worktree,
    vcs: 'git',
    ...(mainWorktree && mainWorktree !== worktree && { mainWorktree }),
  };
}

/** The main worktree of the repository of a linked worktree; undefined for a bare repository. */
async function linkedFrom(worktree: string): Promise<string | undefined> {
  const list = await runGit(worktree, ['worktree', 'list', '--porcelain']);
  // The main worktree comes first; a bare repository has none ("bare" follows its entry).
  const [first, second] = list.stdout.split('\n');
  if (list.code !== 0 || !first?.startsWith('worktree ') || second === 'bare') return undefined;
  return realpath(first.slice('worktree '.length)).catch(() => undefined);
}

export async function currentBranch(worktree: string): Promise<string | undefined> {
  const result = await runGit(worktree, ['rev-parse', '--abbrev-ref', 'HEAD']);
  const branch = result.stdout.trim();
  return result.code === 0 && branch ? branch : undefined;
}
