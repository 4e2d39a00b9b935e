import BetterSqlite3 from 'better-sqlite3';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * This server's database file. The original opencode keeps its own `opencode.db` in the same
 * data directory (both follow the XDG layout); sharing that file would mean two schemas in one
 * database, so this server's data lives beside it under a name that says whose it is.
 */
export const DATABASE_FILE_NAME = 'opencode-nest.db';

/** The original opencode's database file: read (see `src/history/`), never written. */
export const ORIGINAL_DATABASE_FILE_NAME = 'opencode.db';

/**
 * What a database file is:
 * - `ours`: this server's schema (earlier versions kept it as `opencode.db`);
 * - `original`: the original opencode's schema (sessions, messages and parts as API JSON);
 * - `unknown`: a SQLite database of some other schema, or a file SQLite cannot read.
 */
export type DatabaseKind =
  { kind: 'ours' } | { kind: 'original' } | { kind: 'unknown'; reason: string };

/**
 * Tells whose database `file` is by its tables, opened read-only so that nothing is written to
 * a file that may belong to someone else.
 */
export function classifyDatabase(file: string): DatabaseKind {
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    const columns = (table: string) =>
      new Set(
        db!
          .prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)')
          .all(table)
          .map((column) => column.name),
      );
    const project = columns('project');
    // Only this server's project table has a `data` column, and only its migrations set a
    // user_version; the original's sessions have a `slug` and its messages their times.
    const version = db.pragma('user_version', { simple: true }) as number;
    if (project.has('data') && version >= 1) return { kind: 'ours' };
    if (
      columns('session').has('slug') &&
      columns('message').has('time_created') &&
      columns('part').has('message_id') &&
      project.has('worktree')
    ) {
      return { kind: 'original' };
    }
    return { kind: 'unknown', reason: 'its tables are neither this server’s nor opencode’s' };
  } catch (error) {
    return { kind: 'unknown', reason: (error as Error).message };
  } finally {
    db?.close();
  }
}

/**
 * Moves a database of this server that an earlier version kept under the original's name to
 * {@link DATABASE_FILE_NAME}. The write-ahead log is folded into the main file first, so the
 * rename of that one file carries everything (a rename within a directory is atomic: at any
 * moment the data is complete under one of the two names).
 * - `moved`: done; `none`: nothing to move;
 * - `busy`: another process holds it open, so its log cannot be folded in and moving the main
 *   file alone would leave committed data behind; it stays where it is until a later start.
 */
export function adoptOwnDatabase(directory: string): 'moved' | 'busy' | 'none' {
  const target = join(directory, DATABASE_FILE_NAME);
  const legacy = join(directory, ORIGINAL_DATABASE_FILE_NAME);
  if (existsSync(target) || !existsSync(legacy)) return 'none';
  if (classifyDatabase(legacy).kind !== 'ours') return 'none';
  const db = new BetterSqlite3(legacy, { fileMustExist: true });
  try {
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    // Leaving WAL mode needs the file to itself, so it also proves no other process has it open.
    if (result?.busy || db.pragma('journal_mode = DELETE', { simple: true }) !== 'delete') {
      return 'busy';
    }
  } catch {
    return 'busy';
  } finally {
    db.close();
  }
  renameSync(legacy, target);
  // SQLite removes the log when it leaves WAL mode; the shared-memory index may stay behind.
  rmSync(`${legacy}-shm`, { force: true });
  return 'moved';
}
