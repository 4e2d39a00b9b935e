import { realpath } from 'node:fs/promises';
import { git } from './git';

export interface DetectedProject {
  /** The hash of the repository's root commit, or `global` outside git (as the reference). */
  id: string;
  worktree: string;
  vcs?: 'git';
}

export const GLOBAL_PROJECT_ID = 'global';

/** Finds the git project a directory belongs to. */
export async function detectProject(directory: string): Promise<DetectedProject> {
  const topLevel = await git(['rev-parse', '--show-toplevel'], directory);
  if (topLevel.code !== 0) return { id: GLOBAL_PROJECT_ID, worktree: '/' };
  const worktree = await realpath(topLevel.stdout.trim());
  const roots = await git(['rev-list', '--max-parents=0', '--all'], worktree);
  // A repository without commits has no root commit yet: it is still a git project, but shares
  // the global id until its first commit (as the reference does).
  const rootCommit = roots.stdout.split('\n').filter(Boolean).sort()[0];
  return { id: rootCommit ?? GLOBAL_PROJECT_ID, worktree, vcs: 'git' };
}

export async function currentBranch(worktree: string): Promise<string | undefined> {
  const result = await git(['rev-parse', '--abbrev-ref', 'HEAD'], worktree);
  const branch = result.stdout.trim();
  return result.code === 0 && branch ? branch : undefined;
}

/** The branch the `origin` remote calls its default (`origin/HEAD`), when there is one. */
export async function defaultBranch(worktree: string): Promise<string | undefined> {
  const result = await git(['symbolic-ref', '--short', 'refs/remotes/origin/HEAD'], worktree);
  const ref = result.stdout.trim();
  return result.code === 0 && ref.startsWith('origin/') ? ref.slice('origin/'.length) : undefined;
}
