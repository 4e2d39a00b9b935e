import { spawn } from 'node:child_process';

/**
 * The one way the server runs git: the file engine's status and diffs, the VCS and worktree
 * routes, project detection, the branch watcher and the snapshot repositories all come here, so
 * the options every call needs (below) are set once.
 */

export interface GitResult {
  /** Exit code; 127 when git could not be started, -1 when the output passed `maxBuffer`. */
  code: number;
  stdout: string;
  stderr: string;
  /** Set when the output passed `maxBuffer`: git was stopped and `stdout` is cut there. */
  truncated?: boolean;
}

/** A {@link GitResult} whose output is kept as bytes (file contents are not always UTF-8). */
export interface GitBytesResult extends Omit<GitResult, 'stdout'> {
  stdout: Buffer;
}

export interface RunGitOptions {
  /** Output past this many bytes stops git (default 64 MiB). */
  maxBuffer?: number;
  /** Written to git's stdin (a patch for `git apply -`, object names for `cat-file --batch`). */
  input?: string;
  /**
   * The whole environment git runs with, used as given: nothing of the server's own environment
   * is merged in. Without it git inherits the server's environment, as the reference's git calls
   * do (a user's `GIT_*` settings for their own repository keep working); the snapshot
   * repositories pass one without the variables that point git at another repository.
   */
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_MAX_BUFFER = 64 * 1024 * 1024;

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
 * Runs git in `cwd` without a shell. Never throws for a non-zero exit: callers decide what a
 * failure means (not a repository, no commits yet); a missing git binary reads as code 127,
 * output past `maxBuffer` as code -1 with `truncated`.
 */
export async function runGit(
  cwd: string,
  args: string[],
  options: RunGitOptions = {},
): Promise<GitResult> {
  const result = await runGitBytes(cwd, args, options);
  return { ...result, stdout: result.stdout.toString('utf8') };
}

/** {@link runGit} with the output as bytes. */
export function runGitBytes(
  cwd: string,
  args: string[],
  options: RunGitOptions = {},
): Promise<GitBytesResult> {
  const maxBuffer = options.maxBuffer ?? DEFAULT_MAX_BUFFER;
  return new Promise((resolve) => {
    const child = spawn('git', [...GLOBAL_ARGS, ...args], {
      cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let truncated = false;
    const stop = () => {
      truncated = true;
      child.kill('SIGKILL');
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (truncated) return;
      const room = maxBuffer - outBytes;
      out.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      outBytes += chunk.length;
      if (outBytes > maxBuffer) stop();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (truncated) return;
      err.push(chunk);
      errBytes += chunk.length;
      if (errBytes > maxBuffer) stop();
    });
    // git may exit before reading all of its input (a malformed patch): not this call's failure.
    child.stdin.on('error', () => undefined);
    child.on('error', (error) =>
      resolve({ code: 127, stdout: Buffer.alloc(0), stderr: error.message }),
    );
    child.on('close', (code) => {
      const stdout = Buffer.concat(out);
      const stderr = Buffer.concat(err).toString('utf8');
      resolve(
        truncated ? { code: -1, stdout, stderr, truncated } : { code: code ?? 1, stdout, stderr },
      );
    });
    child.stdin.end(options.input);
  });
}

/** Where a directory sits in its repository, or undefined when it is not in one. */
export async function repoInfo(cwd: string): Promise<{ prefix: string; base: string } | undefined> {
  const [prefix, base] = await Promise.all([
    runGit(cwd, ['rev-parse', '--show-prefix']),
    headOrEmptyTree(cwd),
  ]);
  if (prefix.code !== 0) return undefined;
  return { prefix: prefix.stdout.trim(), base };
}

/** The commit HEAD names, or the empty tree before the first commit (everything is new). */
export async function headOrEmptyTree(cwd: string): Promise<string> {
  const head = await runGit(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  return head.code === 0 ? head.stdout.trim() : EMPTY_TREE;
}
