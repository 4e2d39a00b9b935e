import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { DatabaseService } from '../../../core/storage/database.service';
import type { SessionDurableEvent } from './session-event.types';

interface EventRow {
  seq: number;
  id: string;
  type: string;
  version: number;
  data: string;
}

/**
 * The per-session event log of the `/api` routes. `append` takes the session's next `seq` and
 * stores the event in one transaction, so seqs are never reused or skipped by a crash between
 * the two; reads are by seq, which is the primary key.
 */
@Injectable()
export class SessionEventRepository {
  private readonly nextSeq: Statement<[string]>;
  private readonly lastSeqOf: Statement<[string]>;
  private readonly insert: Statement<[string, number, string, string, number, string]>;
  private readonly after: Statement<[string, number, number]>;
  private readonly ofTypes: Statement<[string, string]>;
  private readonly about: Statement<[string, string, string, string]>;

  constructor(private readonly db: DatabaseService) {
    const connection = db.connection;
    this.nextSeq = connection.prepare(
      `INSERT INTO session_event_seq (session_id, seq) VALUES (?, 1)
       ON CONFLICT (session_id) DO UPDATE SET seq = seq + 1
       RETURNING seq`,
    );
    this.lastSeqOf = connection.prepare('SELECT seq FROM session_event_seq WHERE session_id = ?');
    this.insert = connection.prepare(
      'INSERT INTO session_event (session_id, seq, id, type, version, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.after = connection.prepare(
      'SELECT seq, id, type, version, data FROM session_event WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
    // These look up a few rare types (reverts, prompts, steps) in a log mostly made of streamed
    // text and tool events: by the type index (migration 12), which SQLite would not pick by
    // itself over the primary key without statistics (7x, and 100x for `about`, on 2,000
    // events a session).
    this.ofTypes = connection.prepare(
      `SELECT seq, id, type, version, data FROM session_event INDEXED BY session_event_type
       WHERE session_id = ? AND type IN (SELECT value FROM json_each(?)) ORDER BY seq`,
    );
    this.about = connection.prepare(
      `SELECT 1 FROM session_event INDEXED BY session_event_type
       WHERE session_id = ? AND type = ? AND json_extract(data, ?) = ? LIMIT 1`,
    );
  }

  /** Stores an event as the session's next one; runs inside the caller's transaction if any. */
  append(
    sessionID: string,
    event: { id: string; type: string; version: number; data: object },
  ): SessionDurableEvent {
    return this.db.transaction(() => {
      const { seq } = this.nextSeq.get(sessionID) as { seq: number };
      this.insert.run(
        sessionID,
        seq,
        event.id,
        event.type,
        event.version,
        JSON.stringify(event.data),
      );
      return toEvent(sessionID, { ...event, seq, data: '' }, event.data);
    });
  }

  /** The seq of the session's latest event; 0 before its first. */
  lastSeq(sessionID: string): number {
    return (this.lastSeqOf.get(sessionID) as { seq: number } | undefined)?.seq ?? 0;
  }

  /** Events after `seq`, oldest first, at most `limit` (-1: all). */
  listAfter(sessionID: string, seq: number, limit: number): SessionDurableEvent[] {
    return (this.after.all(sessionID, seq, limit) as EventRow[]).map((row) =>
      toEvent(sessionID, row),
    );
  }

  /** Whether the session has an event of this type whose `data[field]` is `value`. */
  hasAbout(sessionID: string, type: string, field: string, value: string): boolean {
    return this.about.get(sessionID, type, `$.${field}`, value) !== undefined;
  }

  /** Every event of the given (few, rare) types, oldest first. */
  listOfTypes(sessionID: string, types: readonly string[]): SessionDurableEvent[] {
    return (this.ofTypes.all(sessionID, JSON.stringify(types)) as EventRow[]).map((row) =>
      toEvent(sessionID, row),
    );
  }
}

function toEvent(sessionID: string, row: EventRow, data?: object): SessionDurableEvent {
  return {
    id: row.id,
    type: row.type,
    durable: { aggregateID: sessionID, seq: row.seq, version: row.version },
    data: (data ?? JSON.parse(row.data)) as SessionDurableEvent['data'],
  };
}
