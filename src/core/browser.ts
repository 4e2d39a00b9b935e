import { spawn } from 'node:child_process';

/** How long an opener that has not failed yet is given before it counts as having worked. */
const SETTLE_MS = 500;

/**
 * Opens `url` in the desktop's browser (`open`, `explorer`, `xdg-open`). Resolves once the
 * opener has run for a moment without failing; rejects when it cannot start or exits non-zero
 * (no desktop, no browser), so the caller can show the URL instead.
 */
export function openBrowser(url: string): Promise<void> {
  const opener =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  return new Promise<void>((resolve, reject) => {
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
    const timer = setTimeout(() => {
      child.unref();
      resolve();
    }, SETTLE_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      // explorer.exe exits 1 even when it opened the page.
      if (code === 0 || code === null || process.platform === 'win32') resolve();
      else reject(new Error(`${opener} exited with code ${code}`));
    });
  });
}
