import { execFile } from 'node:child_process';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Set when the output passed `maxBuffer`: git was stopped and `stdout` is cut. */
  truncated?: boolean;
}

export interface RunGitOptions {
  /** Output past this many bytes stops git (default 64 MiB). */
  maxBuffer?: number;
  /** Written to git's stdin (a patch for `git apply -`). */
  input?: string;
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
 * (not a repository, no commits yet); a missing git binary reads as code 127, output past
 * `maxBuffer` as code -1 with `truncated`.
 */
export function runGit(
  cwd: string,
  args: string[],
  options: RunGitOptions = {},
): Promise<GitResult> {
  const maxBuffer = options.maxBuffer ?? 64 * 1024 * 1024;
  return new Promise((resolve) => {
    const child = execFile(
      'git',
      [...GLOBAL_ARGS, ...args],
      { cwd, maxBuffer, encoding: 'utf8', windowsHide: true },
      (error, stdout, stderr) => {
        if (error?.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          resolve({ code: -1, stdout, stderr, truncated: true });
          return;
        }
        const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    // git may exit before reading all of its input (a malformed patch): not this call's failure.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input);
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
