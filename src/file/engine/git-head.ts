import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { EMPTY_TREE, runGit } from '../../core/fs/git';

interface RepoLayout {
  /** The worktree's own git directory (its HEAD). */
  gitDir: string;
  /** Where refs and packed-refs live (differs from gitDir in a linked worktree). */
  commonDir: string;
}

interface LayoutEntry {
  promise: Promise<RepoLayout | undefined>;
  /** Known once the promise settles. */
  found?: boolean;
  at: number;
}

export interface HeadState {
  /** Changes whenever HEAD may name another commit: compare, never parse. */
  stamp: string;
  /** The commit HEAD names, or git's empty tree before the first commit. */
  base: string;
}

// Whether a directory became a repository (`git init` after start) is asked again after this.
const NOT_A_REPO_TTL_MS = 5000;

/**
 * Knows which commit HEAD is without running git on every call: the repository layout is asked
 * once, and afterwards HEAD is re-resolved only when the files that can move it (HEAD itself,
 * the branch's ref file, packed-refs) change their stat data. git replaces those files through
 * a lock file and a rename, so every change brings a new inode and cannot go unnoticed.
 */
export class GitHead {
  private layout?: LayoutEntry;
  private pending?: Promise<HeadState | undefined>;
  private head?: HeadState;
  /** HEAD's content by its stat data, so the branch name is not re-read every time. */
  private headRef?: { stat: string; ref: string | undefined };

  constructor(readonly root: string) {}

  /**
   * HEAD's state, or undefined when the root is not inside a git repository. Calls made while
   * one is being worked out (a few stat calls) share its answer, so under load the stat calls do
   * not multiply; a HEAD that moves during that moment is seen by the next call.
   */
  state(): Promise<HeadState | undefined> {
    this.pending ??= this.resolve().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async resolve(): Promise<HeadState | undefined> {
    const layout = await this.repoLayout();
    if (!layout) return undefined;
    const headFile = path.join(layout.gitDir, 'HEAD');
    const headStat = await statKey(headFile);
    if (!this.headRef || this.headRef.stat !== headStat) {
      const content = await readFile(headFile, 'utf8').catch(() => '');
      const ref = /^ref:\s*(\S+)/.exec(content)?.[1];
      this.headRef = { stat: headStat, ref };
    }
    const ref = this.headRef.ref;
    const [refStat, packedStat] = await Promise.all([
      ref
        ? statKey(path.join(ref.startsWith('refs/') ? layout.commonDir : layout.gitDir, ref))
        : '',
      statKey(path.join(layout.commonDir, 'packed-refs')),
    ]);
    const stamp = `${headStat}|${ref ?? ''}|${refStat}|${packedStat}`;
    if (this.head?.stamp !== stamp) {
      const head = await runGit(this.root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
      this.head = { stamp, base: head.code === 0 ? head.stdout.trim() : EMPTY_TREE };
    }
    return this.head;
  }

  private repoLayout(): Promise<RepoLayout | undefined> {
    const cached = this.layout;
    if (cached && (cached.found !== false || Date.now() - cached.at < NOT_A_REPO_TTL_MS)) {
      return cached.promise;
    }
    const entry: LayoutEntry = { at: Date.now(), promise: readLayout(this.root) };
    void entry.promise.then((layout) => (entry.found = layout !== undefined));
    this.layout = entry;
    return entry.promise;
  }
}

async function readLayout(root: string): Promise<RepoLayout | undefined> {
  const out = await runGit(root, [
    'rev-parse',
    '--path-format=absolute',
    '--git-dir',
    '--git-common-dir',
  ]);
  if (out.code !== 0) return undefined;
  const [gitDir, commonDir] = out.stdout.split('\n');
  return gitDir && commonDir ? { gitDir, commonDir } : undefined;
}

/** A file's identity and version as a string; '' when it does not exist. */
async function statKey(file: string): Promise<string> {
  try {
    const info = await stat(file);
    return `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
  } catch {
    return '';
  }
}
