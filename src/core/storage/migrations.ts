import type { Database } from 'better-sqlite3';

export interface Migration {
  /** Strictly increasing; never renumber or edit one that has shipped: add a new one. */
  version: number;
  name: string;
  up(db: Database): void;
}

/**
 * The schema, as the ordered list of every migration. A database of an older version runs the
 * ones it lacks at start-up, each in its own transaction.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'projects',
    up: (db) =>
      db.exec(`
        CREATE TABLE project (
          id TEXT PRIMARY KEY,
          worktree TEXT NOT NULL,
          vcs TEXT,
          name TEXT,
          time_created INTEGER NOT NULL,
          time_updated INTEGER NOT NULL,
          time_initialized INTEGER,
          data TEXT NOT NULL DEFAULT '{}'
        );
      `),
  },
];
