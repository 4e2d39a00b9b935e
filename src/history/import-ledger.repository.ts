import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { DatabaseService } from '../core/storage/database.service';

/** What was copied from the original's database: sessions, messages, parts, todo lists... */
export type ImportedKind = 'project' | 'session' | 'message' | 'part' | 'todo' | 'share';

/**
 * The ledger of the copy from the original's database (migration 7): for each copied row, the
 * original's `time_updated` when it was copied, and how far the copy has read.
 */
@Injectable()
export class ImportLedgerRepository {
  private readonly statements: {
    get: Statement<[string, string], number>;
    record: Statement<[string, string, number]>;
    state: Statement<[string], number>;
    setState: Statement<[string, number]>;
  };

  constructor(db: DatabaseService) {
    const sql = db.connection;
    this.statements = {
      get: sql
        .prepare<[string, string], number>(
          'SELECT time_updated FROM original_import WHERE kind = ? AND id = ?',
        )
        .pluck(),
      record: sql.prepare(
        `INSERT INTO original_import (kind, id, time_updated) VALUES (?, ?, ?)
         ON CONFLICT (kind, id) DO UPDATE SET time_updated = excluded.time_updated`,
      ),
      state: sql
        .prepare<[string], number>('SELECT value FROM original_import_state WHERE key = ?')
        .pluck(),
      setState: sql.prepare(
        `INSERT INTO original_import_state (key, value) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      ),
    };
  }

  /** The original's `time_updated` of the row when it was last copied; undefined if never. */
  copied(kind: ImportedKind, id: string): number | undefined {
    return this.statements.get.get(kind, id);
  }

  record(kind: ImportedKind, id: string, timeUpdated: number): void {
    this.statements.record.run(kind, id, timeUpdated);
  }

  /** The newest `time_updated` the copy has seen; undefined before the first copy. */
  readThrough(): number | undefined {
    return this.statements.state.get('read_through');
  }

  setReadThrough(time: number): void {
    this.statements.setState.run('read_through', time);
  }
}
