import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import type { Instance } from '../instance/instance';
import { FileNotFoundError, PathOutsideProjectError } from './errors';

/**
 * The project jail: every "does this path lie in the project?" of the server is answered here
 * (the `/file` and `/api/fs` routes, the file tools, prompt attachments, the file index, the
 * walk, snapshots, executable lookups). A path-escape fix lands in this file, and only here.
 *
 * Containment is decided on real paths (`fs.realpath`), not lexically, wherever a path is about
 * to be opened: `..` segments, absolute paths and symlinks that point out are all caught. (The
 * reference only checks lexically and says so in a TODO.)
 */

/** True when `p` is `root` itself or lies below it (both absolute and normalised). */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * `p` (absolute, or relative to `root`) relative to `root` with `/` separators, '' for the root
 * itself; undefined when it does not lie in `root`. Lexical: for names taken from a listing.
 */
export function relativeInside(root: string, p: string): string | undefined {
  const absolute = path.resolve(root, p);
  return isInside(root, absolute) ? toPosix(path.relative(root, absolute)) : undefined;
}

export function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

/**
 * The path with every symlink resolved, and whether it exists. A path that does not exist yet
 * is judged by its nearest existing ancestor, so a file cannot be created through a link that
 * points out of the project. A NUL byte names no file (and would make `realpath` throw).
 */
export async function resolveNearest(p: string): Promise<{ real: string; exists: boolean }> {
  if (p.includes('\0')) throw new FileNotFoundError(p, 'Invalid path');
  const missing: string[] = [];
  let current = p;
  for (;;) {
    try {
      const real = await realpath(current);
      return { real: path.join(real, ...missing.reverse()), exists: missing.length === 0 };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const parent = path.dirname(current);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === current) throw error;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/** {@link resolveNearest}'s real path alone. */
export async function realPathOfNearest(p: string): Promise<string> {
  return (await resolveNearest(p)).real;
}

export interface ResolvedPath {
  /** Project-relative, `/`-separated, '' for the root; as the user named it (symlinks kept). */
  relative: string;
  /** The project root as configured joined with `relative`: what responses show. */
  absolute: string;
  /** Every symlink resolved: what the engine opens, so a link swapped later cannot escape. */
  real: string;
  exists: boolean;
}

/**
 * Confines request paths to one directory: {@link ProjectJail.resolve} answers where a path
 * points, or refuses it with `PathOutsideProjectError`.
 */
export class ProjectJail {
  private realRootPromise?: Promise<string>;

  constructor(readonly root: string) {
    this.root = path.resolve(root);
  }

  realRoot(): Promise<string> {
    this.realRootPromise ??= realpath(this.root);
    return this.realRootPromise;
  }

  /**
   * Resolves a path relative to the project root (or absolute). A path that does not exist yet is
   * judged by its nearest existing ancestor, so it cannot be created through an outbound link.
   */
  async resolve(userPath: string): Promise<ResolvedPath> {
    if (userPath.includes('\0')) throw new FileNotFoundError(userPath, 'Invalid path');
    const realRoot = await this.realRoot();
    const lexical = path.resolve(this.root, userPath);
    const { real, exists } = await resolveNearest(lexical);
    if (!isInside(realRoot, real)) throw new PathOutsideProjectError(userPath);
    // An absolute path may name the project through its real location (/private/tmp vs /tmp).
    const relative = isInside(this.root, lexical)
      ? path.relative(this.root, lexical)
      : path.relative(realRoot, real);
    return { relative: toPosix(relative), absolute: path.join(this.root, relative), real, exists };
  }
}

// ---------------------------------------------------------------------------------------------
// The project of an instance, for what the model and the user name (tools, prompt attachments):
// there a path outside is not refused outright but needs the `external_directory` permission.

/** The directory a project's paths are shown relative to: its git worktree, else the directory. */
export function projectRoot(instance: Instance): string {
  return instance.worktree === '/' ? instance.directory : instance.worktree;
}

/** `file` relative to the project root, `/`-separated (tool titles and permission patterns). */
export function projectRelative(instance: Instance, file: string): string {
  return toPosix(path.relative(projectRoot(instance), file));
}

/**
 * True when `file` belongs to the project: below the instance directory, or below the git
 * worktree (a subdirectory instance still works on its whole repository). A non-git project has
 * the worktree `/`, which must not make every path "inside".
 */
export function isInsideProject(instance: Instance, file: string): boolean {
  if (isInside(instance.directory, file)) return true;
  return instance.worktree !== '/' && isInside(instance.worktree, file);
}

export interface ProjectLocation {
  /** Every symlink resolved (through the nearest existing ancestor for a new file). */
  real: string;
  /** Whether the resolved location lies in the project. */
  realInside: boolean;
  /** Whether both the path as named and its resolved location lie in the project. */
  inside: boolean;
}

/**
 * Where `file` (absolute) lies with respect to the project. Both the name and the real location
 * count: a symlink inside the project that points elsewhere leads outside, and the real location
 * is what would be touched.
 */
export async function locateInProject(instance: Instance, file: string): Promise<ProjectLocation> {
  const real = await realPathOfNearest(file);
  const realInside = isInsideProject(instance, real);
  return { real, realInside, inside: realInside && isInsideProject(instance, file) };
}
