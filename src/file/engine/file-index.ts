import type { Dirent, Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import fuzzysort from 'fuzzysort';
import type { IgnoreRules } from '../../core/fs/ignore-rules';
import { isInside } from '../../core/fs/jail';

export type EntryKind = 'file' | 'directory';

export interface FileSearchOptions {
  /** Only files or only directories; without it both, unless `dirs` is false. */
  type?: EntryKind;
  /** The reference's older switch: `dirs: false` means files only. */
  dirs?: boolean;
  limit?: number;
}

export const DEFAULT_SEARCH_LIMIT = 100;

const ANSWER_CACHE_SIZE = 128;

// Directories read at once during the walk: enough to keep the libuv pool busy, not more.
const WALK_CONCURRENCY = 16;

/**
 * The project's non-ignored files and directories (project-relative, `/`-separated; directories
 * with a trailing `/` as the reference lists them), kept current by watcher events instead of
 * rescans, and searchable by fuzzy match.
 *
 * Every path is kept with its fuzzysort preparation, so a query only scores targets and never
 * re-parses them. Differences from the reference (which lists files with ripgrep): empty
 * directories are listed too, and symlinks to directories are not descended into (no cycles, no
 * escape); symlinks to files are kept when their target is inside the project.
 */
export class FileIndex {
  private readonly files = new Map<string, Fuzzysort.Prepared>();
  private readonly dirs = new Map<string, Fuzzysort.Prepared>();
  private sorted?: {
    files: Fuzzysort.Prepared[];
    dirs: Fuzzysort.Prepared[];
    all: Fuzzysort.Prepared[];
  };
  /** Recent answers, dropped on any change: clients repeat queries (re-renders, refocus). */
  private readonly answers = new Map<string, string[]>();
  private building?: Promise<void>;
  private realRoot?: string;

  constructor(
    readonly root: string,
    private readonly rules: IgnoreRules,
  ) {}

  /** Walks the tree once; later calls return the same walk. */
  ready(): Promise<void> {
    this.building ??= this.walk('');
    return this.building;
  }

  /** Sorted project-relative file paths. */
  listFiles(): readonly string[] {
    return this.snapshot().files.map((p) => p.target);
  }

  /** Sorted project-relative directory paths, each ending in `/`. */
  listDirs(): readonly string[] {
    return this.snapshot().dirs.map((p) => p.target);
  }

  /**
   * Best matches first (answers come from what is indexed so far: await `ready()` first for the
   * whole tree). An empty query lists files (type 'file') or directories (otherwise) in
   * order, as the reference does; hidden paths (a segment starting with '.') sort after the rest
   * among directory results unless the query itself asks for a hidden path.
   */
  search(query: string, options: FileSearchOptions = {}): string[] {
    const needle = query.trim().replaceAll('\\', '/');
    const limit = options.limit ?? DEFAULT_SEARCH_LIMIT;
    const kind = options.type ?? (options.dirs === false ? 'file' : 'all');
    const key = `${kind}:${limit}:${needle}`;
    let answer = this.answers.get(key);
    if (answer) {
      this.answers.delete(key); // Re-inserted below as the most recent.
    } else {
      answer = this.compute(needle, kind, limit);
      if (this.answers.size >= ANSWER_CACHE_SIZE) {
        this.answers.delete(this.answers.keys().next().value as string);
      }
    }
    this.answers.set(key, answer);
    return [...answer];
  }

  /** A file or directory appeared (or changed type); ignored paths are left out. */
  add(relPath: string, kind: EntryKind): void {
    if (relPath === '' || this.rules.isIgnored(relPath, kind === 'directory')) return;
    this.insert(relPath, kind);
    const parent = path.posix.dirname(relPath);
    if (parent !== '.') this.add(parent, 'directory');
  }

  /**
   * A symlink appeared: indexed as a file when it points at a file inside the project, like the
   * walk does; `stats` are the link's own (lstat).
   */
  async addLink(relPath: string, stats: Stats): Promise<void> {
    if (relPath === '' || this.rules.isIgnored(relPath, false)) return;
    const kind = await this.kindOf(stats, path.join(this.root, relPath));
    if (kind) this.add(relPath, kind);
  }

  /** A file or directory went away; a directory takes everything below it along. */
  remove(relPath: string): void {
    if (this.files.delete(relPath)) this.changed();
    const dir = relPath + '/';
    if (!this.dirs.has(dir)) return;
    for (const map of [this.files, this.dirs]) {
      for (const key of map.keys()) if (key.startsWith(dir)) map.delete(key);
    }
    this.changed();
  }

  /** Re-reads one directory's subtree, e.g. after a rule file in it changed. */
  async rescan(relDir: string): Promise<void> {
    await this.ready();
    if (relDir !== '') this.remove(relDir);
    else {
      this.files.clear();
      this.dirs.clear();
      this.changed();
    }
    if (relDir !== '' && this.rules.isIgnored(relDir, true)) return;
    if (relDir !== '') this.add(relDir, 'directory');
    await this.walk(relDir);
  }

  private compute(needle: string, kind: EntryKind | 'all', limit: number): string[] {
    const preferHidden = needle.startsWith('.') || needle.includes('/.');
    const { files, dirs, all } = this.snapshot();
    if (needle === '') {
      if (kind === 'file') return files.slice(0, limit).map((p) => p.target);
      return hiddenLast(
        dirs.map((p) => p.target),
        preferHidden,
      ).slice(0, limit);
    }
    const targets = kind === 'file' ? files : kind === 'directory' ? dirs : all;
    // Fetch more directories than asked for, so hidden ones pushed back leave room for the rest.
    const searchLimit = kind === 'directory' && !preferHidden ? limit * 20 : limit;
    const found = fuzzysort.go(needle, targets, { limit: searchLimit }).map((r) => r.target);
    return kind === 'directory' ? hiddenLast(found, preferHidden).slice(0, limit) : found;
  }

  private insert(relPath: string, kind: EntryKind): void {
    const map = kind === 'file' ? this.files : this.dirs;
    const key = kind === 'file' ? relPath : relPath + '/';
    if (map.has(key)) return;
    map.set(key, fuzzysort.prepare(key));
    this.changed();
  }

  private changed(): void {
    this.sorted = undefined;
    this.answers.clear();
  }

  private snapshot() {
    if (!this.sorted) {
      const files = sortedValues(this.files);
      const dirs = sortedValues(this.dirs);
      this.sorted = { files, dirs, all: [...files, ...dirs] };
    }
    return this.sorted;
  }

  /** Breadth-first with a bounded number of directories read at once. */
  private async walk(start: string): Promise<void> {
    this.realRoot ??= await realpath(this.root); // Also: a missing root fails here, loudly.
    const queue = [start];
    let active = 0;
    await new Promise<void>((resolve, reject) => {
      const pump = (): void => {
        if (queue.length === 0 && active === 0) return resolve();
        while (queue.length > 0 && active < WALK_CONCURRENCY) {
          const dir = queue.shift() as string;
          active++;
          this.readDir(dir, queue).then(
            () => {
              active--;
              pump();
            },
            (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
          );
        }
      };
      pump();
    });
  }

  private async readDir(relDir: string, queue: string[]): Promise<void> {
    const abs = path.join(this.root, relDir);
    let entries: Dirent[];
    try {
      await this.rules.load(relDir);
      entries = await readdir(abs, { withFileTypes: true });
    } catch {
      return; // Vanished or unreadable since it was listed: nothing to index.
    }
    for (const entry of entries) {
      const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      const kind = await this.kindOf(entry, path.join(abs, entry.name));
      if (!kind || this.rules.isIgnored(rel, kind === 'directory')) continue;
      this.insert(rel, kind);
      if (kind === 'directory') queue.push(rel);
    }
  }

  private async kindOf(entry: Dirent | Stats, abs: string): Promise<EntryKind | undefined> {
    if (entry.isFile()) return 'file';
    if (entry.isDirectory()) return 'directory';
    if (!entry.isSymbolicLink()) return undefined;
    try {
      const realRoot = (this.realRoot ??= await realpath(this.root));
      const [target, info] = await Promise.all([realpath(abs), stat(abs)]);
      return info.isFile() && isInside(realRoot, target) ? 'file' : undefined;
    } catch {
      return undefined; // Dangling link.
    }
  }
}

function sortedValues(map: Map<string, Fuzzysort.Prepared>): Fuzzysort.Prepared[] {
  return [...map.keys()].sort().map((key) => map.get(key) as Fuzzysort.Prepared);
}

function isHidden(item: string): boolean {
  return item
    .replace(/\/+$/, '')
    .split('/')
    .some((part) => part.length > 1 && part.startsWith('.'));
}

function hiddenLast(items: string[], preferHidden: boolean): string[] {
  if (preferHidden) return items;
  return [...items.filter((item) => !isHidden(item)), ...items.filter(isHidden)];
}
