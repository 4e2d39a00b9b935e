import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { isInside } from './fs/jail';

/**
 * Finding the programs a project uses (formatters, language servers) in the project and on the
 * server's `PATH`, and small reads around them. Shared by the formatter and LSP areas.
 */

/** Where a project's programs are looked for: the project, and the server's `PATH`. */
export interface ExecutableLookup {
  /** The instance directory (where lookups start). */
  directory: string;
  /** The project's worktree: upward searches stop there (`/` outside git). */
  worktree: string;
  /** The server's `PATH` (from `AppEnvironment`, never `process.env`). */
  path: string | undefined;
}

/** Whether `file` is a regular file this process may execute. */
export async function isExecutable(file: string): Promise<boolean> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every directory from `start` up to `stop` (both included), innermost first. When `start` is not
 * below `stop`, only `start` itself: a search never wanders outside the project by accident.
 */
export function ancestors(start: string, stop: string): string[] {
  const result: string[] = [];
  const end = resolve(stop);
  let current = resolve(start);
  for (;;) {
    result.push(current);
    if (current === end) return result;
    const parent = dirname(current);
    if (parent === current || !isInside(end, parent)) return result;
    current = parent;
  }
}

/** The files named `target` from the directory up to the worktree, innermost first. */
export async function findUp(
  target: string,
  ctx: ExecutableLookup,
  start = ctx.directory,
): Promise<string[]> {
  const found: string[] = [];
  for (const dir of ancestors(start, ctx.worktree)) {
    const candidate = join(dir, target);
    if (
      await stat(candidate).then(
        () => true,
        () => false,
      )
    )
      found.push(candidate);
  }
  return found;
}

/**
 * The executable `name` resolves to. A name with a slash is a path (relative to the directory);
 * a bare name is looked up on `PATH`, and first in the project's `node_modules/.bin` (from the
 * directory up to the worktree) when `projectLocal` is set. Only npm-distributed tools pass
 * `projectLocal`: running a binary a cloned repository ships under a system tool's name (`gofmt`)
 * would let any checkout run code on the server.
 */
export async function findExecutable(
  name: string,
  ctx: ExecutableLookup,
  options: { projectLocal?: boolean } = {},
): Promise<string | undefined> {
  if (name.includes('/')) {
    const file = isAbsolute(name) ? name : resolve(ctx.directory, name);
    return (await isExecutable(file)) ? file : undefined;
  }
  if (options.projectLocal) {
    for (const dir of ancestors(ctx.directory, ctx.worktree)) {
      const candidate = join(dir, 'node_modules', '.bin', name);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  for (const dir of (ctx.path ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** A module file resolved the way Node would from the directory (`typescript/lib/tsserver.js`). */
export async function findModuleFile(
  request: string,
  ctx: ExecutableLookup,
): Promise<string | undefined> {
  for (const dir of ancestors(ctx.directory, ctx.worktree)) {
    const candidate = join(dir, 'node_modules', request);
    if (
      await stat(candidate).then(
        (info) => info.isFile(),
        () => false,
      )
    )
      return candidate;
  }
  return undefined;
}

/** A JSON file's content, or undefined when it is missing or malformed. */
export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** A text file's content, or undefined when it cannot be read. */
export async function readText(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(() => undefined);
}

/**
 * Runs a short command to learn what a tool is (`air --help`), without a shell and with a time
 * limit. Never throws: a missing binary or a timeout reads as a non-zero code.
 */
export function probe(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 5000,
): Promise<{ code: number; stdout: string }> {
  return new Promise((done) => {
    execFile(command, args, { env, timeout: timeoutMs, encoding: 'utf8' }, (error, stdout) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout });
    });
  });
}
