import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A fresh, empty temporary directory (symlinks resolved, as the server reports paths). */
export function tempDir(prefix = 'opencode-test-'): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

/** Environment that keeps git away from the user's global config, so commits work anywhere. */
export const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

export function runGit(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' });
}

/** Writes files (path → content) below `root`, creating directories. */
export function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/** A git repository with one commit holding `files`; returns its directory. */
export function gitRepo(
  files: Record<string, string | Buffer> = { 'README.md': '# test\n' },
): string {
  const dir = tempDir('opencode-repo-');
  runGit(dir, 'init', '-q', '-b', 'main');
  writeFiles(dir, files);
  runGit(dir, 'add', '-A');
  runGit(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}
