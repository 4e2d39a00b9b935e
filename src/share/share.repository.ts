import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { DatabaseService } from '../core/storage/database.service';

/** A session's share as the share service created it. `secret` never leaves the server. */
export interface StoredShare {
  sessionID: string;
  /** The share's id at the service. */
  shareID: string;
  /** Authorises syncs and the removal. */
  secret: string;
  url: string;
  /** The service it was created at: later calls go there even if the config changes. */
  baseUrl: string;
  timeCreated: number;
}

/** Storage of session shares. Services depend on this abstract class only. */
export abstract class ShareRepository {
  abstract get(sessionID: string): StoredShare | undefined;
  /** Inserts or replaces the session's share. */
  abstract save(share: StoredShare): void;
  /** False when the session had no share. */
  abstract delete(sessionID: string): boolean;
  /** Ids of every shared session. */
  abstract sessionIDs(): string[];
}

interface ShareRow {
  session_id: string;
  share_id: string;
  secret: string;
  url: string;
  base_url: string;
  time_created: number;
}

@Injectable()
export class SqliteShareRepository extends ShareRepository {
  private readonly statements: {
    get: Statement<[string], ShareRow>;
    save: Statement<[string, string, string, string, string, number]>;
    delete: Statement<[string]>;
    ids: Statement<[], { session_id: string }>;
  };

  constructor(db: DatabaseService) {
    super();
    const sql = db.connection;
    this.statements = {
      get: sql.prepare('SELECT * FROM session_share WHERE session_id = ?'),
      save: sql.prepare(
        `INSERT OR REPLACE INTO session_share
           (session_id, share_id, secret, url, base_url, time_created) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      delete: sql.prepare('DELETE FROM session_share WHERE session_id = ?'),
      ids: sql.prepare('SELECT session_id FROM session_share'),
    };
  }

  get(sessionID: string): StoredShare | undefined {
    const row = this.statements.get.get(sessionID);
    return (
      row && {
        sessionID: row.session_id,
        shareID: row.share_id,
        secret: row.secret,
        url: row.url,
        baseUrl: row.base_url,
        timeCreated: row.time_created,
      }
    );
  }

  save(share: StoredShare): void {
    this.statements.save.run(
      share.sessionID,
      share.shareID,
      share.secret,
      share.url,
      share.baseUrl,
      share.timeCreated,
    );
  }

  delete(sessionID: string): boolean {
    return this.statements.delete.run(sessionID).changes > 0;
  }

  sessionIDs(): string[] {
    return this.statements.ids.all().map((row) => row.session_id);
  }
}
