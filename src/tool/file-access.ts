import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import * as path from 'node:path';
import { locateInProject, toPosix } from '../core/fs/jail';
import type { Instance } from '../core/instance/instance';
import { ToolExecutionError, type ToolContext } from './tool.types';

/**
 * The file tools' policy over the project jail (`core/fs/jail`): where a model-supplied path
 * points, the permission asked before a tool touches anything outside the project, and which
 * files a session has read.
 */

/**
 * The file tools' `filePath` under the name the reference's `/api` tool set gives it, for models
 * and scripts written for that set (`read {path}`).
 */
export const FILE_PATH_ALIASES: Readonly<Record<string, string>> = { path: 'filePath' };

/** An absolute path for what the model named: absolute as given, relative against the directory. */
export function resolveToolPath(instance: Instance, input: string): string {
  if (input.includes('\0'))
    throw new ToolExecutionError(`Invalid path (contains a NUL byte): ${input}`);
  return path.resolve(instance.directory, input);
}

/**
 * Lets a tool touch `file` only when it lies in the project or the user allowed its directory
 * (`external_directory`). Containment is judged on both the path as named and its real location,
 * so a symlink inside the project that points elsewhere is asked about too. A rejected ask throws
 * and ends the tool call.
 */
export async function assertPathAllowed(
  ctx: ToolContext,
  file: string,
  kind: 'file' | 'directory',
): Promise<void> {
  const { real, inside, realInside } = await locateInProject(ctx.instance, file);
  if (inside) return;
  // The real location is what would be touched, so that is what the user approves.
  const target = realInside ? file : real;
  const dir = kind === 'directory' ? target : path.dirname(target);
  const pattern = toPosix(path.join(dir, '*'));
  await ctx.ask({
    permission: 'external_directory',
    patterns: [pattern],
    always: [pattern],
    metadata: { filepath: file, parentDir: dir },
  });
}

/** `fs.stat`, or undefined when nothing is there. */
export async function statOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** What is remembered of a file when a session reads it: enough to notice a later change. */
export interface FileStamp {
  mtimeMs: number;
  size: number;
}

export function stampOf(stats: Stats): FileStamp {
  return { mtimeMs: stats.mtimeMs, size: stats.size };
}

/**
 * Which files each session has read, and how they looked then. `write` and `edit` refuse to
 * change a file the model has not read, or one that changed on disk since (by the user, a
 * formatter, another session), so the model never overwrites content it has not seen.
 *
 * Also serialises changes to one file: parallel tool calls of a turn that edit the same file run
 * one after the other, each seeing the previous one's result.
 *
 * One tracker serves the whole server; sessions are forgotten with `forgetSession`.
 */
export class FileReadTracker {
  private readonly sessions = new Map<string, Map<string, FileStamp>>();
  private readonly locks = new Map<string, Promise<unknown>>();

  /** Remembers that `sessionID` has seen `file` (an absolute, real path) as `stamp`. */
  record(sessionID: string, file: string, stamp: FileStamp): void {
    let files = this.sessions.get(sessionID);
    if (!files) {
      files = new Map();
      this.sessions.set(sessionID, files);
    }
    files.set(file, stamp);
  }

  lastRead(sessionID: string, file: string): FileStamp | undefined {
    return this.sessions.get(sessionID)?.get(file);
  }

  /**
   * Throws a `ToolExecutionError` the model can act on unless `sessionID` read `file` and it is
   * unchanged since: same modification time and size as recorded at the read.
   */
  async assertReadAndUnchanged(sessionID: string, file: string, shown = file): Promise<void> {
    const seen = this.lastRead(sessionID, file);
    if (!seen) {
      throw new ToolExecutionError(
        `You must read the file ${shown} with the read tool before changing it. Read it first, then try again.`,
      );
    }
    const now = await statOrUndefined(file);
    if (!now) {
      throw new ToolExecutionError(
        `The file ${shown} no longer exists; it was removed after you read it.`,
      );
    }
    if (now.mtimeMs !== seen.mtimeMs || now.size !== seen.size) {
      throw new ToolExecutionError(
        `The file ${shown} has been modified since you last read it (modified ${new Date(now.mtimeMs).toISOString()}, read version from ${new Date(seen.mtimeMs).toISOString()}). Read it again before changing it.`,
      );
    }
  }

  /** Runs `task` once every earlier task for the same file has settled. */
  async withLock<T>(file: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(file) ?? Promise.resolve();
    const current = previous.then(task, task);
    const settled = current.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(file, settled);
    try {
      return await current;
    } finally {
      // Only the last task of the chain removes the entry, so the map does not grow.
      if (this.locks.get(file) === settled) this.locks.delete(file);
    }
  }

  forgetSession(sessionID: string): void {
    this.sessions.delete(sessionID);
  }
}

/** What the file tools that change files share. */
export interface FileToolDeps {
  tracker: FileReadTracker;
  /** Runs the project's formatter on a file the tool wrote (before the tracker records it). */
  formatFile?: (instance: Instance, file: string) => Promise<boolean>;
  /**
   * Shows a file the tool wrote to the project's language servers and answers the errors they
   * report in it, as a block the tool appends to its output for the model to fix ('' when there
   * are none or no server runs).
   */
  checkFile?: (instance: Instance, file: string) => Promise<string>;
}
