import { randomInt } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { runGit } from '../core/fs/git';

/** One entry of `git worktree list --porcelain`. */
export interface GitWorktree {
  path: string;
  /** The branch checked out there, without `refs/heads/`; absent when detached or bare. */
  branch?: string;
  bare: boolean;
}

/** Parses `git worktree list --porcelain`: blank-line separated records, the main one first. */
export function parseWorktreeList(text: string): GitWorktree[] {
  const worktrees: GitWorktree[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('worktree ')) {
      worktrees.push({ path: line.slice('worktree '.length), bare: false });
      continue;
    }
    const current = worktrees.at(-1);
    if (!current) continue;
    if (line.startsWith('branch '))
      current.branch = line.slice('branch '.length).replace(/^refs\/heads\//, '');
    else if (line === 'bare') current.bare = true;
  }
  return worktrees;
}

/** The worktrees of the repository of `worktree`, or undefined when git cannot list them. */
export async function listWorktrees(worktree: string): Promise<GitWorktree[] | undefined> {
  const out = await runGit(worktree, ['worktree', 'list', '--porcelain']);
  return out.code === 0 ? parseWorktreeList(out.stdout) : undefined;
}

/** An absolute path with symlinks resolved where it exists, to compare with git's paths. */
export async function canonicalPath(path: string, base: string): Promise<string> {
  const absolute = isAbsolute(path) ? resolve(path) : resolve(base, path);
  return realpath(absolute).catch(() => absolute);
}

/** The worktree at `directory` (canonical) among those of the repository, if it is one. */
export async function findWorktree(
  worktrees: readonly GitWorktree[],
  directory: string,
): Promise<GitWorktree | undefined> {
  for (const entry of worktrees) {
    if ((await canonicalPath(entry.path, '/')) === directory) return entry;
  }
  return undefined;
}

/**
 * A worktree name from what a user typed: lower case letters and digits, runs of anything else
 * made one dash, none at either end. What is left can name neither a path outside the worktree
 * directory (no `/`, no `..`) nor an invalid branch; it may be empty.
 */
export function slugify(name: string, maxLength = 64): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, maxLength)
    .replace(/^-+|-+$/g, '');
}

const ADJECTIVES = [
  'amber',
  'bold',
  'brave',
  'bright',
  'calm',
  'clever',
  'cosmic',
  'crisp',
  'eager',
  'gentle',
  'golden',
  'happy',
  'keen',
  'lively',
  'lucky',
  'mellow',
  'nimble',
  'proud',
  'quick',
  'quiet',
  'rapid',
  'shiny',
  'silent',
  'steady',
  'sunny',
  'swift',
  'tidy',
  'vivid',
  'warm',
  'witty',
];
const NOUNS = [
  'anchor',
  'badger',
  'beacon',
  'canyon',
  'cedar',
  'comet',
  'falcon',
  'forest',
  'garden',
  'harbor',
  'island',
  'lagoon',
  'maple',
  'meadow',
  'orchid',
  'otter',
  'pebble',
  'planet',
  'river',
  'rocket',
  'summit',
  'thunder',
  'tiger',
  'valley',
  'violet',
  'willow',
  'wolf',
];

/** A random two-word name (`swift-harbor`) for a worktree named by nobody. */
export function randomName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}`;
}
