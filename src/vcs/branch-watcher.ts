import { watch, type FSWatcher } from 'node:fs';
import { runGit } from '../core/fs/git';
import { currentBranch } from '../core/instance/project-detector';

/**
 * git moves HEAD by writing HEAD.lock and renaming it over HEAD, and commands such as a rebase
 * rewrite it several times in a row: HEAD is read once the writes have been quiet this long.
 */
const SETTLE_MS = 50;

export interface BranchWatcherOptions {
  /** Each time the branch changes, with its new value (see `currentBranch`). */
  onChange: (branch: string | undefined) => void;
  /** Watch failures (e.g. the inotify limit): the branch is then no longer followed. */
  onError?: (error: Error) => void;
  /** Reads the current branch; `GET /vcs` uses the same function, so both always agree. */
  read?: (worktree: string) => Promise<string | undefined>;
  settleMs?: number;
}

/**
 * Follows the current branch of one worktree. One `fs.watch` (a single inotify watch) on the
 * directory holding HEAD — `.git`, or `.git/worktrees/<name>` for a linked worktree — sees every
 * branch switch, since git replaces HEAD on each; the branch is read again only then, and
 * reported only when it differs from the last value. Commits, fetches and index writes touch
 * other files and cost one ignored callback.
 */
export class BranchWatcher {
  private readonly read: (worktree: string) => Promise<string | undefined>;
  private starting?: Promise<void>;
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  /** The reads, one after the other, so a slow read never reports after a newer one. */
  private reading: Promise<void> = Promise.resolve();
  private readQueued = false;
  private branch?: string;
  private closed = false;

  constructor(
    readonly worktree: string,
    private readonly options: BranchWatcherOptions,
  ) {
    this.read = options.read ?? currentBranch;
  }

  /**
   * Starts watching and reads the branch the changes are compared with; resolves once both are
   * done (every later switch is reported). Outside a git repository nothing is watched.
   */
  start(): Promise<void> {
    this.starting ??= this.begin();
    return this.starting;
  }

  /** Stops watching; resolves once git calls in progress are over (nothing is reported after). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
    await this.starting;
    await this.reading;
  }

  private async begin(): Promise<void> {
    const directory = await headDirectory(this.worktree);
    if (!directory || this.closed) return;
    try {
      // Not persistent: a watch alone must not keep the process alive.
      this.watcher = watch(directory, { persistent: false }, (_event, file) => {
        // Some platforms do not name the file: any change may then be HEAD's.
        if (file === null || file === 'HEAD') this.schedule();
      });
    } catch (error) {
      this.fail(error);
      return;
    }
    this.watcher.on('error', (error) => this.fail(error));
    // Watching first: a switch during this read is then seen, and compared with what it read.
    this.reading = this.read(this.worktree).then(
      (branch) => {
        this.branch = branch;
      },
      (error) => this.fail(error),
    );
    await this.reading;
  }

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.enqueueRead(), this.options.settleMs ?? SETTLE_MS);
  }

  private enqueueRead(): void {
    // A read still waiting its turn will see this change too.
    if (this.readQueued || this.closed) return;
    this.readQueued = true;
    this.reading = this.reading.then(async () => {
      this.readQueued = false;
      try {
        const branch = await this.read(this.worktree);
        if (this.closed || branch === this.branch) return;
        this.branch = branch;
        this.options.onChange(branch);
      } catch (error) {
        this.fail(error);
      }
    });
  }

  private fail(error: unknown): void {
    this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}

/** The git directory that holds the worktree's HEAD, or undefined outside a repository. */
async function headDirectory(worktree: string): Promise<string | undefined> {
  const result = await runGit(worktree, ['rev-parse', '--absolute-git-dir']);
  const directory = result.stdout.trim();
  return result.code === 0 && directory ? directory : undefined;
}
