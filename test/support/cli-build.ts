import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './fixtures';
import { buildWebClient } from './web-build';

const ROOT = join(__dirname, '..', '..');

/**
 * Compiles the CLI as `npm run build` does, into a temporary directory laid out like the package
 * (package.json beside dist/, node_modules reachable), so a test runs the built JavaScript
 * without depending on whatever `dist/` holds at the moment. `web`: also the browser client,
 * where the build puts it (dist/web). Answers the path of `cli.js`.
 */
export function buildCli(options: { web?: boolean } = {}): string {
  const root = tempDir('opencode-build-');
  const result = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      join(ROOT, 'tsconfig.build.json'),
      '--outDir',
      join(root, 'dist'),
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const cli = join(root, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`build failed:\n${result.stdout}${result.stderr}`);
  copyFileSync(join(ROOT, 'package.json'), join(root, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  if (options.web) buildWebClient(join(root, 'dist', 'web'));
  return cli;
}
