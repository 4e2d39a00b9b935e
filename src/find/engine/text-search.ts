import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SearchClosedError, SearchTimeoutError } from './errors';
import { compilePattern, type GrepJob, type TextMatch } from './grep';
import type { WorkerMessage } from './text-search.worker';

/** What the search needs from the file index: the ignore-aware file list. */
export interface SearchableFiles {
  readonly root: string;
  ready(): Promise<void>;
  listFiles(): readonly string[];
}

export interface TextSearchOptions {
  /** Matching lines in total. */
  limit?: number;
  /** Matching lines per file (the reference runs ripgrep with --max-count=10). */
  maxPerFile?: number;
  /** Bigger files are skipped. */
  maxFileSize?: number;
}

export interface TextSearchSettings {
  /** A search still running after this is stopped with SearchTimeoutError. */
  timeoutMs?: number;
  /**
   * A feed of changed files (project-relative), e.g. from the file watcher; returns the
   * unsubscribe function. With it, the worker keeps file contents between searches and drops
   * those reported changed; without it, every search reads every file.
   */
  watch?: (listener: (file: string) => void) => () => void;
}

export const DEFAULT_TEXT_LIMIT = 1000;
export const DEFAULT_MAX_PER_FILE = 10;
export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 10_000;

// A runaway search must not take the server's memory with it.
const WORKER_HEAP_MB = 512;
// Past this many unreported changes, telling the worker to forget everything is cheaper.
const MAX_CHANGED = 10_000;

type SearchParameters = Pick<GrepJob, 'pattern' | 'limit' | 'maxPerFile' | 'maxFileSize'>;

interface Waiter {
  resolve: (matches: TextMatch[]) => void;
  reject: (error: Error) => void;
}

interface Pending {
  id: number;
  params: SearchParameters;
  /** Every caller asking for this search: identical searches queued together run once. */
  waiters: Waiter[];
  timer?: NodeJS.Timeout;
}

/**
 * `GET /find`: the pattern (a JS regex) over every non-ignored, non-binary file of the index, in
 * path order, as ripgrep "match" objects. The reference shells out to ripgrep; there is no rg
 * here, so the search runs in Node.
 *
 * It runs in one long-lived worker thread, for two reasons: searching thousands of files is CPU
 * work that would otherwise stall every other request, and a user-supplied regex can backtrack
 * catastrophically, which only terminating a thread can stop. Searches queue and run one at a
 * time; a search asked for while an identical one is still queued joins it (its file list is
 * taken when it starts, so it is no older than either request). The worker is started on first
 * use, replaced after a timeout or crash, and does not keep the process alive.
 */
export class TextSearch {
  private worker?: Worker;
  private workerReady = false;
  private readonly queue: Pending[] = [];
  private running?: Pending;
  private nextId = 1;
  private readonly timeoutMs: number;
  /** Files reported changed since the last job was sent; 'all' when there were too many. */
  private changed: Set<string> | 'all' = new Set();
  private readonly unwatch?: () => void;
  private closed = false;

  constructor(
    private readonly files: SearchableFiles,
    settings: TextSearchSettings = {},
  ) {
    this.timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.unwatch = settings.watch?.((file) => {
      if (this.changed === 'all') return;
      this.changed.add(file);
      if (this.changed.size > MAX_CHANGED) this.changed = 'all';
    });
  }

  /** Throws InvalidPatternError (before any work) when the pattern does not compile. */
  async search(pattern: string, options: TextSearchOptions = {}): Promise<TextMatch[]> {
    compilePattern(pattern);
    await this.files.ready();
    const params: SearchParameters = {
      pattern,
      limit: options.limit ?? DEFAULT_TEXT_LIMIT,
      maxPerFile: options.maxPerFile ?? DEFAULT_MAX_PER_FILE,
      maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    };
    // Closed while the index was getting ready: no worker may start again.
    if (this.closed) throw new SearchClosedError(pattern);
    return new Promise((resolve, reject) => {
      const same = this.queue.find((p) => sameSearch(p.params, params));
      if (same) {
        same.waiters.push({ resolve, reject });
        return;
      }
      this.queue.push({ id: this.nextId++, params, waiters: [{ resolve, reject }] });
      this.pump();
    });
  }

  /** Stops the worker; queued searches, and any asked for later, fail with SearchClosedError. */
  async close(): Promise<void> {
    this.closed = true;
    this.unwatch?.();
    const pending = [...(this.running ? [this.running] : []), ...this.queue.splice(0)];
    this.running = undefined;
    for (const p of pending) {
      clearTimeout(p.timer);
      settle(p, new SearchClosedError(p.params.pattern));
    }
    await this.stopWorker();
  }

  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    const worker = this.ensureWorker();
    if (!this.workerReady) return; // Pumped again once it is.
    const next = this.queue.shift() as Pending;
    this.running = next;
    next.timer = setTimeout(() => {
      const timedOut = this.finish(next.id);
      if (timedOut) settle(timedOut, new SearchTimeoutError(next.params.pattern, this.timeoutMs));
      void this.stopWorker();
    }, this.timeoutMs);
    void this.post(worker, next);
  }

  private async post(worker: Worker, pending: Pending): Promise<void> {
    let root: string;
    try {
      root = await realpath(this.files.root);
    } catch (error) {
      const failed = this.finish(pending.id);
      if (failed) settle(failed, error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const job: GrepJob = {
      ...pending.params,
      root,
      files: this.files.listFiles(),
      changed: this.takeChanged(),
    };
    worker.postMessage({ id: pending.id, job });
  }

  /** What the worker must forget before this job, or undefined when nothing reports changes. */
  private takeChanged(): GrepJob['changed'] {
    if (!this.unwatch) return undefined;
    const changed = this.changed === 'all' ? 'all' : [...this.changed];
    this.changed = new Set();
    return changed;
  }

  /** Takes the running search off the books if it is `id`, and starts the next one. */
  private finish(id: number): Pending | undefined {
    const current = this.running;
    if (!current || current.id !== id) return undefined;
    clearTimeout(current.timer);
    this.running = undefined;
    setImmediate(() => this.pump());
    return current;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = spawnWorker();
    worker.unref();
    worker.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'ready':
          this.workerReady = true;
          return this.pump();
        case 'done': {
          const done = this.finish(message.id);
          if (done) settle(done, message.result.matches);
          return;
        }
        case 'failed': {
          const failed = this.finish(message.id);
          if (failed)
            settle(failed, Object.assign(new Error(message.message), { name: message.name }));
          return;
        }
      }
    });
    const crashed = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (this.running) {
        const failed = this.finish(this.running.id);
        if (failed) settle(failed, error);
      }
      // A worker that cannot even start would fail every queued search the same way.
      else if (!this.workerReady) for (const p of this.queue.splice(0)) settle(p, error);
    };
    worker.on('error', crashed);
    worker.on('exit', (code) => crashed(new Error(`Text search worker exited with code ${code}`)));
    this.worker = worker;
    this.workerReady = false;
    // A new worker remembers nothing: there is nothing for it to forget.
    if (this.unwatch) this.changed = new Set();
    return worker;
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

function sameSearch(a: SearchParameters, b: SearchParameters): boolean {
  return (
    a.pattern === b.pattern &&
    a.limit === b.limit &&
    a.maxPerFile === b.maxPerFile &&
    a.maxFileSize === b.maxFileSize
  );
}

function settle(pending: Pending, outcome: TextMatch[] | Error): void {
  for (const waiter of pending.waiters) {
    if (outcome instanceof Error) waiter.reject(outcome);
    // Each caller gets its own array: one must not see another's changes.
    else waiter.resolve(pending.waiters.length > 1 ? [...outcome] : outcome);
  }
}

function spawnWorker(): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB };
  const file = path.join(__dirname, `text-search.worker${path.extname(__filename)}`);
  if (file.endsWith('.ts')) {
    // Running from TypeScript sources (jest, ts-node): the worker compiles them the same way.
    const code = `require('ts-node').register({ transpileOnly: true }); require(${JSON.stringify(file)});`;
    return new Worker(code, { eval: true, resourceLimits });
  }
  return new Worker(file, { resourceLimits });
}
