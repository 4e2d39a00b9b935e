import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { FileNotFoundError, PathOutsideProjectError } from './errors';

/** True when `p` is `root` itself or lies below it (both absolute and normalised). */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
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
 * Confines user-supplied paths to one project directory. Containment is decided on real paths
 * (`fs.realpath`), not lexically, so `..` segments, absolute paths and symlinks that point out of
 * the project are all refused. (The reference only checks lexically and says so in a TODO.)
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
    const { real, exists } = await realpathOfNearest(lexical);
    if (!isInside(realRoot, real)) throw new PathOutsideProjectError(userPath);
    // An absolute path may name the project through its real location (/private/tmp vs /tmp).
    const relative = isInside(this.root, lexical)
      ? path.relative(this.root, lexical)
      : path.relative(realRoot, real);
    const posix = relative.split(path.sep).join('/');
    return { relative: posix, absolute: path.join(this.root, relative), real, exists };
  }
}

async function realpathOfNearest(p: string): Promise<{ real: string; exists: boolean }> {
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
