import { execFile } from 'node:child_process';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Global options for every call: no optional locks (a status poll must not take index.lock from
 * under the user's own git), raw UTF-8 paths, pathspecs taken literally (a file named `:(glob)*`
 * is just a file), and no fsmonitor hook or pager.
 */
const GLOBAL_ARGS = [
  '--no-optional-locks',
  '--literal-pathspecs',
  '--no-pager',
  '-c',
  'core.quotepath=false',
  '-c',
  'core.fsmonitor=false',
];

/** git's empty tree: the base to diff against before the first commit. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/**
 * Runs git without a shell. Never throws for a non-zero exit: callers decide what a failure means
 * (not a repository, no commits yet); a missing git binary reads as code 127.
 */
export function runGit(
  cwd: string,
  args: string[],
  maxBuffer = 64 * 1024 * 1024,
): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      [...GLOBAL_ARGS, ...args],
      { cwd, maxBuffer, encoding: 'utf8', windowsHide: true },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Where a directory sits in its repository, or undefined when it is not in one. */
export async function repoInfo(cwd: string): Promise<{ prefix: string; base: string } | undefined> {
  const [prefix, head] = await Promise.all([
    runGit(cwd, ['rev-parse', '--show-prefix']),
    runGit(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']),
  ]);
  if (prefix.code !== 0) return undefined;
  return { prefix: prefix.stdout.trim(), base: head.code === 0 ? head.stdout.trim() : EMPTY_TREE };
}
