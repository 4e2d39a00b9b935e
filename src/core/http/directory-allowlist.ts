import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { NamedError } from '../errors/named-error';
import type { DatabaseService } from '../storage/database.service';

/**
 * A request for a project directory outside `--allow-dir` / `OPENCODE_ALLOWED_DIRECTORIES`. On
 * the `/api` routes it is the reference's `ForbiddenError` (see `v2-exception.filter.ts`), whose
 * schema has no room for the `directory` field; the message names it there.
 */
export class ForbiddenDirectoryError extends NamedError<{ message: string; directory: string }> {
  constructor(directory: string) {
    super('ForbiddenDirectoryError', 403, {
      message: `Directory is outside the directories this server may serve: ${directory}`,
      directory,
    });
  }
}

/**
 * The directories the server may serve projects from (`serve --allow-dir`, repeatable, and
 * `OPENCODE_ALLOWED_DIRECTORIES`). Without any, every directory is allowed, as the reference.
 *
 * Both sides are compared after symlinks are followed: the allowed directories once, here, and
 * each asked-for directory on every call, so a symlink inside an allowed directory that points
 * out of it does not open the way (and one pointing in from outside is let in). A directory that
 * does not exist yet is judged by its nearest existing ancestor, so `..` segments and symlinked
 * parents cannot be used to step out either.
 *
 * Provided by `CoreModule` (inject `DirectoryAllowlist`). Stateless after construction apart from
 * the filesystem, so any code may call `allows` (the `/global/event` stream filters events of
 * directories outside the list with it).
 */
export class DirectoryAllowlist {
  /** Real paths of the allowed directories; empty when the server serves every directory. */
  readonly roots: readonly string[];

  /** `paths`: as given (relative ones are taken from `base`, the server's directory). */
  constructor(
    paths: readonly string[],
    private readonly base: string = process.cwd(),
  ) {
    this.roots = [...new Set(paths.map((path) => realPathOf(resolve(base, path))))];
  }

  /** Whether any directory is refused at all. */
  get enabled(): boolean {
    return this.roots.length > 0;
  }

  /** Whether `directory` (absolute, or relative to the server's directory) may be served. */
  allows(directory: string): boolean {
    if (this.roots.length === 0) return true;
    if (directory.includes('\0')) return false;
    const real = realPathOf(resolve(this.base, directory));
    return this.roots.some((root) => isInside(real, root));
  }

  /** Throws `ForbiddenDirectoryError` (403) when `directory` may not be served. */
  check(directory: string): void {
    if (!this.allows(directory)) throw new ForbiddenDirectoryError(directory);
  }
}

/**
 * The real path of `path`; when it does not exist, the real path of its nearest existing
 * ancestor with the missing part appended (that part holds no symlinks: it does not exist).
 */
function realPathOf(path: string): string {
  const missing: string[] = [];
  for (let current = path; ; current = dirname(current)) {
    try {
      return join(realpathSync.native(current), ...missing.reverse());
    } catch {
      // Not there (or not readable): try its parent. The root always resolves.
      if (dirname(current) === current) return path;
      missing.push(basename(current));
    }
  }
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

/** Reads the directory a session was created in (`undefined` for an unknown session). */
export function sessionDirectoryReader(
  db: DatabaseService,
): (sessionID: string) => string | undefined {
  const statement = db.connection.prepare<[string], { directory: string }>(
    'SELECT directory FROM session WHERE id = ?',
  );
  return (sessionID) => statement.get(sessionID)?.directory;
}
