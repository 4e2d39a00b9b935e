import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SearchTimeoutError } from './errors';
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
}

export const DEFAULT_TEXT_LIMIT = 1000;
export const DEFAULT_MAX_PER_FILE = 10;
export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 10_000;

// A runaway search must not take the server's memory with it.
const WORKER_HEAP_MB = 512;

interface Pending {
  id: number;
  job: GrepJob;
  resolve: (matches: TextMatch[]) => void;
  reject: (error: Error) => void;
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
 * time; the worker is started on first use, replaced after a timeout or crash, and does not keep
 * the process alive.
 */
export class TextSearch {
  private worker?: Worker;
  private workerReady = false;
  private readonly queue: Pending[] = [];
  private running?: Pending;
  private nextId = 1;
  private readonly timeoutMs: number;

  constructor(
    private readonly files: SearchableFiles,
    settings: TextSearchSettings = {},
  ) {
    this.timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Throws InvalidPatternError (before any work) when the pattern does not compile. */
  async search(pattern: string, options: TextSearchOptions = {}): Promise<TextMatch[]> {
    compilePattern(pattern);
    await this.files.ready();
    const job: GrepJob = {
      root: await realpath(this.files.root),
      files: this.files.listFiles(),
      pattern,
      limit: options.limit ?? DEFAULT_TEXT_LIMIT,
      maxPerFile: options.maxPerFile ?? DEFAULT_MAX_PER_FILE,
      maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    };
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job, resolve, reject });
      this.pump();
    });
  }

  /** Stops the worker; queued searches fail. */
  async close(): Promise<void> {
    const pending = [...(this.running ? [this.running] : []), ...this.queue.splice(0)];
    this.running = undefined;
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(new Error('Text search was closed'));
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
      this.finish(next.id)?.reject(new SearchTimeoutError(next.job.pattern, this.timeoutMs));
      void this.stopWorker();
    }, this.timeoutMs);
    worker.postMessage({ id: next.id, job: next.job });
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
        case 'done':
          return this.finish(message.id)?.resolve(message.result.matches);
        case 'failed':
          return this.finish(message.id)?.reject(
            Object.assign(new Error(message.message), { name: message.name }),
          );
      }
    });
    const crashed = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (this.running) this.finish(this.running.id)?.reject(error);
      // A worker that cannot even start would fail every queued search the same way.
      else if (!this.workerReady) for (const p of this.queue.splice(0)) p.reject(error);
    };
    worker.on('error', crashed);
    worker.on('exit', (code) => crashed(new Error(`Text search worker exited with code ${code}`)));
    this.worker = worker;
    this.workerReady = false;
    return worker;
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
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
