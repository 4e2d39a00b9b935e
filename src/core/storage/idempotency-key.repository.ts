import type { Statement } from 'better-sqlite3';
import { DatabaseService } from './database.service';

/** A response kept for an `Idempotency-Key`, to be sent again as it was. */
export interface StoredResponse {
  status: number;
  /** Absent for a response without a body (204). */
  contentType?: string;
  body: string;
}

export interface StoredIdempotencyKey {
  /** Identifies the request that used the key (see `core/http/idempotency.ts`). */
  fingerprint: string;
  response: StoredResponse;
  timeCreated: number;
}

interface Row {
  fingerprint: string;
  status: number;
  response: string;
  time_created: number;
}

/**
 * The `idempotency_key` table (migration 10): the first response to each key. Rows created at or
 * before the `expiredAt` a caller passes are treated as absent and replaced, so the time rule
 * lives with the caller (and its clock) and not in SQL.
 */
export class IdempotencyKeyRepository {
  private readonly statements: {
    find: Statement<[string, number], Row>;
    save: Statement<[string, string, number, string, number, number]>;
    prune: Statement<[number]>;
  };

  constructor(db: DatabaseService) {
    const sql = db.connection;
    this.statements = {
      find: sql.prepare(
        `SELECT fingerprint, status, response, time_created FROM idempotency_key
         WHERE key = ? AND time_created > ?`,
      ),
      // An expired row under the same key is replaced; a live one (another process answered
      // first) is kept: the first response wins.
      save: sql.prepare(
        `INSERT INTO idempotency_key (key, fingerprint, status, response, time_created)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint,
           status = excluded.status, response = excluded.response,
           time_created = excluded.time_created
         WHERE idempotency_key.time_created <= ?`,
      ),
      prune: sql.prepare('DELETE FROM idempotency_key WHERE time_created <= ?'),
    };
  }

  find(key: string, expiredAt: number): StoredIdempotencyKey | undefined {
    const row = this.statements.find.get(key, expiredAt);
    if (!row) return undefined;
    const { contentType, body } = JSON.parse(row.response) as Omit<StoredResponse, 'status'>;
    return {
      fingerprint: row.fingerprint,
      response: { status: row.status, ...(contentType !== undefined && { contentType }), body },
      timeCreated: row.time_created,
    };
  }

  save(
    key: string,
    fingerprint: string,
    response: StoredResponse,
    now: number,
    expiredAt: number,
  ): void {
    const kept = JSON.stringify({ contentType: response.contentType, body: response.body });
    this.statements.save.run(key, fingerprint, response.status, kept, now, expiredAt);
  }

  /** Deletes the rows created at or before `expiredAt`; answers how many. */
  prune(expiredAt: number): number {
    return this.statements.prune.run(expiredAt).changes;
  }
}
