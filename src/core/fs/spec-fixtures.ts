import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * Temp-directory fixtures for the specs of the file-system layer and the engines over it
 * (files, git repositories). Not used by the code itself. Identity and signing come from `-c` flags so commits work on a clean machine
 * whatever the user's global git config says.
 */
export function tempDir(prefix = 'engine-spec-'): string {
  return realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export type FileTree = Record<string, string | Buffer>;

export function writeTree(root: string, files: FileTree): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    [
      '-c',
      'user.name=Engine Spec',
      '-c',
      'user.email=spec@example.com',
      '-c',
      'commit.gpgsign=false',
      '-c',
      'init.defaultBranch=main',
      '-c',
      'core.autocrlf=false',
      ...args,
    ],
    { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** A git repository holding `files` in one commit. */
export function gitRepo(files: FileTree, prefix?: string): string {
  const root = tempDir(prefix);
  git(root, 'init', '-q');
  writeTree(root, files);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '--allow-empty', '-m', 'initial');
  return root;
}
