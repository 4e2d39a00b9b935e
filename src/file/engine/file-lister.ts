import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { FileNotFoundError } from '../../core/fs/errors';
import type { IgnoreRules } from '../../core/fs/ignore-rules';
import type { ProjectJail } from '../../core/fs/jail';

/** The reference's `FileNode`. */
export interface FileNode {
  name: string;
  /** Project-relative, `/`-separated. */
  path: string;
  absolute: string;
  type: 'file' | 'directory';
  /** Whether the project's ignore rules exclude it; it is listed either way. */
  ignored: boolean;
}

// As the reference: git's own directory and macOS folder metadata are never listed.
const HIDDEN_NAMES = new Set(['.git', '.DS_Store']);

/**
 * One directory's entries for `GET /file`, directories first, then by name. Differences from the
 * reference: nested ignore files count for `ignored` (the reference reads only the root ones), a
 * symlink is typed by its target, and a missing path or a file is FileNotFoundError, not [].
 */
export class FileLister {
  constructor(
    private readonly jail: ProjectJail,
    private readonly rules: IgnoreRules,
  ) {}

  async list(userPath: string): Promise<FileNode[]> {
    const dir = await this.jail.resolve(userPath);
    if (!dir.exists) throw new FileNotFoundError(userPath);
    let entries: Dirent[];
    try {
      entries = await readdir(dir.real, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') {
        throw new FileNotFoundError(userPath, 'Not a directory');
      }
      throw error;
    }
    const nodes = await Promise.all(
      entries
        .filter((entry) => !HIDDEN_NAMES.has(entry.name))
        .map(async (entry): Promise<FileNode> => {
          const rel = dir.relative === '' ? entry.name : `${dir.relative}/${entry.name}`;
          const type = (await isDirectory(entry, path.join(dir.real, entry.name)))
            ? 'directory'
            : 'file';
          return {
            name: entry.name,
            path: rel,
            absolute: path.join(dir.absolute, entry.name),
            type,
            ignored: this.rules.isIgnored(rel, type === 'directory'),
          };
        }),
    );
    return nodes.sort((a, b) =>
      a.type !== b.type ? (a.type === 'directory' ? -1 : 1) : a.name.localeCompare(b.name),
    );
  }
}

async function isDirectory(entry: Dirent, abs: string): Promise<boolean> {
  if (!entry.isSymbolicLink()) return entry.isDirectory();
  try {
    return (await stat(abs)).isDirectory();
  } catch {
    return false; // Dangling link: listed as a file.
  }
}
