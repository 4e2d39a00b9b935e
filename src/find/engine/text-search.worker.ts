import { parentPort } from 'node:worker_threads';
import { ContentsCache, grepFiles, type GrepJob, type GrepResult } from './grep';

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'done'; id: number; result: GrepResult }
  | { type: 'failed'; id: number; name: string; message: string };

// The worker belongs to one project's TextSearch: its file contents, when changes are reported.
const cache = new ContentsCache();

/** Runs grep jobs posted by TextSearch, one at a time (each is synchronous). */
parentPort?.on('message', ({ id, job }: { id: number; job: GrepJob }) => {
  let reply: WorkerMessage;
  try {
    reply = {
      type: 'done',
      id,
      result: grepFiles(job, job.changed === undefined ? undefined : cache),
    };
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    reply = { type: 'failed', id, name, message };
  }
  parentPort?.postMessage(reply);
});

// Loading can take a while from TypeScript sources; a job's time budget starts after this.
parentPort?.postMessage({ type: 'ready' } satisfies WorkerMessage);
