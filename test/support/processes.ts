import { execFile } from 'node:child_process';

/**
 * Pids of live processes whose command line contains `marker` (`pgrep -f`), retried briefly so
 * that processes being killed have time to go. Empty when none is left.
 */
export async function processesMatching(marker: string, settleMs = 1500): Promise<number[]> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const pids = await pgrep(marker);
    if (pids.length === 0 || Date.now() >= deadline) return pids;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function pgrep(marker: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    execFile('pgrep', ['-f', marker], (error, stdout) => {
      // Exit code 1: nothing matched.
      if (error && error.code !== 1) return reject(new Error(`pgrep failed: ${error.message}`));
      resolve(
        stdout
          .split('\n')
          .filter(Boolean)
          .map(Number)
          .filter((pid) => pid !== process.pid),
      );
    });
  });
}
