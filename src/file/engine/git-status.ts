import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import * as path from 'node:path';
import { repoInfo, runGit } from '../../core/fs/git';

export type FileChangeStatus = 'added' | 'deleted' | 'modified';

/** The reference's `File`: one changed path with its line counts. */
export interface FileStatus {
  path: string;
  added: number;
  removed: number;
  status: FileChangeStatus;
}

// git's own binary test: a NUL byte within the first 8000 bytes.
const BINARY_PROBE = 8000;
const COUNT_CONCURRENCY = 8;

/**
 * Changed files of the project's git repository, relative to the project directory (which may
 * be a subdirectory of the repository): one `git status` for what changed, one
 * `git diff --numstat` against HEAD (or the empty tree before the first commit) for line counts,
 * and untracked files counted here, every line as added.
 *
 * Differences from the reference, deliberate: a staged new file is `added` (not `modified`), a
 * deleted file reports the lines it removed (not 0), an untracked file's count does not include
 * a phantom line after its final newline, renames are a deletion plus an addition, and the list
 * is sorted by path.
 */
export class GitStatus {
  constructor(readonly root: string) {}

  async status(): Promise<FileStatus[]> {
    const repo = await repoInfo(this.root);
    if (!repo) return [];
    const [status, numstat] = await Promise.all([
      runGit(this.root, [
        'status',
        '--porcelain=v1',
        '-z',
        '--untracked-files=all',
        '--no-renames',
        '--',
        '.',
      ]),
      runGit(this.root, [
        'diff',
        '--numstat',
        '-z',
        '--no-renames',
        '--no-ext-diff',
        '--no-textconv',
        repo.base,
        '--',
        '.',
      ]),
    ]);
    if (status.code !== 0) return [];
    const counts = parseNumstat(numstat.stdout);
    const toProjectPath = (repoPath: string) =>
      repoPath.startsWith(repo.prefix) ? repoPath.slice(repo.prefix.length) : repoPath;

    const result: FileStatus[] = [];
    const untracked: FileStatus[] = [];
    for (const { code, file } of parsePorcelain(status.stdout)) {
      const change = classify(code);
      if (!change) continue;
      const entry = { path: toProjectPath(file), added: 0, removed: 0, status: change };
      if (code === '??') untracked.push(entry);
      else Object.assign(entry, counts.get(file));
      result.push(entry);
    }
    await forEachLimited(untracked, COUNT_CONCURRENCY, async (entry) => {
      entry.added = await countLines(path.join(this.root, entry.path));
    });
    return result.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}

export function classify(code: string): FileChangeStatus | undefined {
  const [index, worktree] = code;
  if (code === '??' || index === 'A' || worktree === 'A') {
    // Staged and then deleted again: nothing in HEAD, nothing on disk.
    return worktree === 'D' ? undefined : 'added';
  }
  if (index === 'D' || worktree === 'D') return 'deleted';
  if (code === '!!') return undefined;
  return 'modified';
}

/** `XY path\0` records; with --no-renames there is never a second path. */
export function parsePorcelain(out: string): { code: string; file: string }[] {
  return out
    .split('\0')
    .filter((record) => record.length > 3)
    .map((record) => ({ code: record.slice(0, 2), file: record.slice(3) }));
}

/** `added\tremoved\tpath\0` records; binary files show `-` for both counts. */
export function parseNumstat(out: string): Map<string, { added: number; removed: number }> {
  const counts = new Map<string, { added: number; removed: number }>();
  for (const record of out.split('\0')) {
    const match = /^(\d+|-)\t(\d+|-)\t([\s\S]+)$/.exec(record);
    if (!match) continue;
    counts.set(match[3], { added: toCount(match[1]), removed: toCount(match[2]) });
  }
  return counts;
}

function toCount(field: string): number {
  return field === '-' ? 0 : Number(field);
}

/**
 * Lines as git counts them (a last line without newline counts); 0 for a binary file. A symlink
 * is never followed (its target may be outside the project): git stores the link's target path
 * as a one-line blob, so it counts 1.
 */
export async function countLines(file: string): Promise<number> {
  let lines = 0;
  let seen = 0;
  let last = -1;
  try {
    const info = await lstat(file);
    if (info.isSymbolicLink()) return 1;
    if (!info.isFile()) return 0;
    // O_NOFOLLOW: a file swapped for a link since the lstat is not read either. The stream
    // closes the descriptor when it ends or is left early.
    const handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    for await (const chunk of handle.createReadStream()) {
      const buf = chunk as Buffer;
      if (seen < BINARY_PROBE && buf.subarray(0, BINARY_PROBE - seen).includes(0)) return 0;
      seen += buf.length;
      for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) lines++;
      last = buf[buf.length - 1];
    }
  } catch {
    return 0; // Gone or unreadable since git listed it.
  }
  return seen > 0 && last !== 10 ? lines + 1 : lines;
}

/** Runs `fn` over `items` with at most `limit` calls in flight. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
