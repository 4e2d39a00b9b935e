import { spawn } from 'node:child_process';

export interface GitOutput {
  /** Exit code; 127 when git could not be started, -1 when the output was too large. */
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface GitRunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Written to git's stdin (e.g. object names for `cat-file --batch`). */
  input?: string;
  /** Output past this many bytes stops git and fails the call. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

/**
 * Variables that point git at another repository, index or object store
 * (`git rev-parse --local-env-vars`). A server started from a git hook or an editor's terminal
 * may carry them; left in, they would send snapshot writes into the user's own repository.
 */
const REPOSITORY_VARIABLES = new Set([
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_CONFIG',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CONFIG_COUNT',
  'GIT_OBJECT_DIRECTORY',
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_IMPLICIT_WORK_TREE',
  'GIT_GRAFT_FILE',
  'GIT_INDEX_FILE',
  'GIT_NO_REPLACE_OBJECTS',
  'GIT_REPLACE_REF_BASE',
  'GIT_PREFIX',
  'GIT_INTERNAL_SUPER_PREFIX',
  'GIT_SHALLOW_FILE',
  'GIT_COMMON_DIR',
]);

/** The environment for snapshot git commands: the server's, without repository overrides. */
export function snapshotGitEnv(
  variables: Readonly<Record<string, string | undefined>>,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(variables)) {
    if (value !== undefined && !REPOSITORY_VARIABLES.has(name)) env[name] = value;
  }
  return env;
}

/**
 * Runs git without a shell and collects its output as bytes (file contents are not always
 * UTF-8). Never throws: callers decide what a non-zero exit means.
 */
export function runGit(args: string[], options: GitRunOptions): Promise<GitOutput> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  return new Promise((resolve) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        child.kill('SIGKILL');
        return;
      }
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    // git may exit before reading all of stdin (a bad object name): that is not our failure.
    child.stdin.on('error', () => undefined);
    child.on('error', (error) =>
      resolve({ code: 127, stdout: Buffer.alloc(0), stderr: error.message }),
    );
    child.on('close', (code) => {
      if (tooLarge) {
        resolve({ code: -1, stdout: Buffer.alloc(0), stderr: `output exceeds ${maxBytes} bytes` });
        return;
      }
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Splits `-z` output into its NUL-terminated fields. */
export function splitNul(output: Buffer): string[] {
  return output
    .toString('utf8')
    .split('\0')
    .filter((field) => field.length > 0);
}

/** One object of `git cat-file --batch` output; `undefined` when git reported it missing. */
export function parseCatFileBatch(output: Buffer, count: number): Array<Buffer | undefined> {
  const objects: Array<Buffer | undefined> = [];
  let offset = 0;
  for (let i = 0; i < count && offset < output.length; i++) {
    const end = output.indexOf(0x0a, offset);
    if (end < 0) break;
    const header = output.subarray(offset, end).toString('utf8');
    offset = end + 1;
    const match = /^[0-9a-f]+ \S+ (\d+)$/.exec(header);
    if (!match) {
      // "<name> missing" or "<name> ambiguous": no content follows.
      objects.push(undefined);
      continue;
    }
    const size = Number(match[1]);
    objects.push(output.subarray(offset, offset + size));
    offset += size + 1;
  }
  while (objects.length < count) objects.push(undefined);
  return objects;
}
