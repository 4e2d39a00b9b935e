import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { DatabaseService } from '../core/storage/database.service';

/**
 * `baseUrl` of a share this server serves itself (`OPENCODE_SHARE_URL=local`): its page is
 * `/share/:shareID` here, nothing is sent anywhere, and it has no secret (the unguessable id is
 * what lets a reader in).
 */
export const LOCAL_SHARE_SERVICE = 'local';

/** A session's share as the share service created it. `secret` never leaves the server. */
export interface StoredShare {
  sessionID: string;
  /** The share's id at the service (or, for a local share, in this server's `/share/` URLs). */
  shareID: string;
  /** Authorises syncs and the removal (empty for a local share). */
  secret: string;
  url: string;
  /**
   * The service it was created at: later calls go there even if the config changes.
   * {@link LOCAL_SHARE_SERVICE} for a share this server serves.
   */
  baseUrl: string;
  timeCreated: number;
}

/** Storage of session shares. Services depend on this abstract class only. */
export abstract class ShareRepository {
  abstract get(sessionID: string): StoredShare | undefined;
  /** The local share (never a remote one) with this public id. */
  abstract findLocal(shareID: string): StoredShare | undefined;
  /** Inserts or replaces the session's share. */
  abstract save(share: StoredShare): void;
  /** False when the session had no share. */
  abstract delete(sessionID: string): boolean;
  /** Every shared session, and whether its share is a local one. */
  abstract sessions(): Array<{ sessionID: string; local: boolean }>;
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
    findLocal: Statement<[string, string], ShareRow>;
    save: Statement<[string, string, string, string, string, number]>;
    delete: Statement<[string]>;
    sessions: Statement<[], { session_id: string; base_url: string }>;
  };

  constructor(db: DatabaseService) {
    super();
    const sql = db.connection;
    this.statements = {
      get: sql.prepare('SELECT * FROM session_share WHERE session_id = ?'),
      findLocal: sql.prepare('SELECT * FROM session_share WHERE share_id = ? AND base_url = ?'),
      save: sql.prepare(
        `INSERT OR REPLACE INTO session_share
           (session_id, share_id, secret, url, base_url, time_created) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      delete: sql.prepare('DELETE FROM session_share WHERE session_id = ?'),
      sessions: sql.prepare('SELECT session_id, base_url FROM session_share'),
    };
  }

  get(sessionID: string): StoredShare | undefined {
    return fromRow(this.statements.get.get(sessionID));
  }

  findLocal(shareID: string): StoredShare | undefined {
    return fromRow(this.statements.findLocal.get(shareID, LOCAL_SHARE_SERVICE));
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

  sessions(): Array<{ sessionID: string; local: boolean }> {
    return this.statements.sessions.all().map((row) => ({
      sessionID: row.session_id,
      local: row.base_url === LOCAL_SHARE_SERVICE,
    }));
  }
}

function fromRow(row: ShareRow | undefined): StoredShare | undefined {
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
