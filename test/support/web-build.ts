import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './fixtures';

const ROOT = join(__dirname, '..', '..');

/**
 * Builds the browser client as `npm run build` does (`vite build` with web/vite.config.ts), into a
 * temporary directory (or `outDir`), so the specs test the sources as they are without touching `dist/`.
 * Returns the directory holding index.html.
 */
export function buildWebClient(outDir = tempDir('opencode-web-')): string {
  const result = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      join(ROOT, 'web', 'vite.config.ts'),
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (!existsSync(join(outDir, 'index.html'))) {
    throw new Error(`vite build failed:\n${result.stdout}${result.stderr}`);
  }
  return outDir;
}
