import type { Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { FSWatcher } from 'chokidar';
import { relativeInside } from '../../core/fs/jail';
import type { FileIndex } from './file-index';
import { IGNORE_FILE_NAMES, type IgnoreRules } from '../../core/fs/ignore-rules';

export type FileWatchEventKind = 'add' | 'change' | 'unlink';

/** The payload the reference publishes as `file.watcher.updated`. */
export interface FileWatcherEvent {
  /** Absolute path under the project root as configured. */
  file: string;
  event: FileWatchEventKind;
}

export type FileWatcherListener = (event: FileWatcherEvent) => void;

export interface FileWatcherOptions {
  /** Kept current from the events, so fuzzy file search never needs a rescan. */
  index?: FileIndex;
  /** Watch failures (e.g. the inotify limit); the watcher keeps running what it can. */
  onError?: (error: Error) => void;
}

/**
 * Watches the project (chokidar, symlinks not followed) minus whatever `rules` ignore: `.git`,
 * every .gitignore/.ignore, and the extra patterns the rules were built with, such as the
 * config's `watcher.ignore`. File events reach subscribers; file and directory events update the
 * index. When a rule file changes, its directory's subtree is rescanned into the index and
 * re-added to the watch, since what is ignored there may have changed.
 *
 * Like the reference it also reports changes of `.git/HEAD`, which is how clients learn that the
 * branch changed. Difference: the reference ignores a fixed list of build folders instead of
 * honouring .gitignore.
 */
export class FileWatcher {
  private readonly listeners = new Set<FileWatcherListener>();
  private tree?: FSWatcher;
  private head?: FSWatcher;
  private realRoot = '';

  constructor(
    readonly root: string,
    private readonly rules: IgnoreRules,
    private readonly options: FileWatcherOptions = {},
  ) {}

  /** Returns the unsubscribe function. */
  subscribe(listener: FileWatcherListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the initial watch is set up; events before that are not reported. */
  async start(): Promise<void> {
    if (this.tree) return;
    // chokidar is loaded with the first watch, not with the server: a server that is only
    // asked for its health, or for sessions, never watches anything.
    const { watch } = await import('chokidar');
    this.realRoot = await realpath(this.root);
    const tree = watch(this.realRoot, {
      ignoreInitial: true,
      followSymlinks: false,
      ignored: (p: string, stats?: Stats) => this.ignores(p, stats),
    });
    this.tree = tree;
    tree.on('all', (event, p, stats) => this.onTreeEvent(event, this.relative(p), stats));
    tree.on('error', (error) => this.fail(error));
    const ready = [new Promise<void>((resolve) => tree.once('ready', () => resolve()))];

    const gitDir = path.join(this.realRoot, '.git');
    const isRepoDir = await stat(gitDir).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (isRepoDir) {
      const head = path.join(gitDir, 'HEAD');
      const git = watch(gitDir, {
        ignoreInitial: true,
        depth: 0,
        ignored: (p: string) => p !== gitDir && p !== head,
      });
      this.head = git;
      ready.push(new Promise<void>((resolve) => git.once('ready', () => resolve())));
      git.on('all', (event) => {
        if (event === 'add' || event === 'change') {
          this.emit({ file: path.join(this.root, '.git', 'HEAD'), event });
        }
      });
      git.on('error', (error) => this.fail(error));
    }
    await Promise.all(ready);
  }

  async close(): Promise<void> {
    const watchers = [this.tree, this.head].filter((w): w is FSWatcher => w !== undefined);
    this.tree = this.head = undefined;
    await Promise.all(watchers.map((w) => w.close()));
  }

  private ignores(p: string, stats?: Stats): boolean {
    const rel = relativeInside(this.realRoot, p);
    // Only paths below the root are judged by its rules.
    if (!rel) return false;
    // Without stats chokidar asks again with them before watching, so a directory-only rule
    // still applies to directories.
    return this.rules.isIgnored(rel, stats?.isDirectory() ?? false);
  }

  private onTreeEvent(event: string, rel: string, stats?: Stats): void {
    const index = this.options.index;
    switch (event) {
      case 'addDir':
        index?.add(rel, 'directory');
        return;
      case 'unlinkDir':
        index?.remove(rel);
        this.rules.invalidate(rel);
        return;
      case 'add':
      case 'change':
      case 'unlink':
        if (this.rules.isIgnored(rel, false)) return;
        // Links (reported with their own lstat) are indexed only when they stay inside.
        if (event === 'add' && stats?.isSymbolicLink()) {
          index?.addLink(rel, stats).catch((error: unknown) => this.fail(error));
        } else if (event === 'add') {
          index?.add(rel, 'file');
        }
        if (event === 'unlink') index?.remove(rel);
        if ((IGNORE_FILE_NAMES as readonly string[]).includes(path.posix.basename(rel))) {
          this.onRulesChanged(rel);
        }
        this.emit({ file: path.join(this.root, rel), event });
        return;
    }
  }

  private onRulesChanged(ruleFile: string): void {
    this.rules.invalidate(ruleFile);
    const dir = path.posix.dirname(ruleFile);
    const relDir = dir === '.' ? '' : dir;
    this.options.index?.rescan(relDir).catch((error: unknown) => this.fail(error));
    // Directories this rule file used to ignore were never watched; adding the directory again
    // makes chokidar pick them up (already watched paths are not reported twice).
    this.tree?.add(path.join(this.realRoot, relDir));
  }

  private emit(event: FileWatcherEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private fail(error: unknown): void {
    this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }

  private relative(p: string): string {
    return path.relative(this.realRoot, p).split(path.sep).join('/');
  }
}
