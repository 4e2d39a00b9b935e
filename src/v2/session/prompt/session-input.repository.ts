import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { DatabaseService } from '../../../core/storage/database.service';
import type { SessionInputAdmittedDto } from '../dto/session-prompt.dto';

/**
 * Admitted prompts of the `/api` routes, one row per input id: the admission as it was
 * answered, and the seq of its `prompted` event once the loop has taken it.
 */
@Injectable()
export class SessionInputRepository {
  private readonly insertRow: Statement<[string, string, number, string, string]>;
  private readonly byId: Statement<[string]>;
  private readonly promoteRow: Statement<[number, string]>;
  private readonly pendingRows: Statement<[string]>;

  constructor(db: DatabaseService) {
    const connection = db.connection;
    this.insertRow = connection.prepare(
      'INSERT INTO session_input (id, session_id, admitted_seq, delivery, data) VALUES (?, ?, ?, ?, ?)',
    );
    this.byId = connection.prepare('SELECT data, promoted_seq FROM session_input WHERE id = ?');
    this.promoteRow = connection.prepare(
      'UPDATE session_input SET promoted_seq = ? WHERE id = ? AND promoted_seq IS NULL',
    );
    // Steered inputs go before queued ones, each kind in the order it was admitted.
    this.pendingRows = connection.prepare(
      `SELECT data FROM session_input WHERE session_id = ? AND promoted_seq IS NULL
       ORDER BY delivery = 'queue', admitted_seq`,
    );
  }

  insert(admission: SessionInputAdmittedDto): void {
    this.insertRow.run(
      admission.id,
      admission.sessionID,
      admission.admittedSeq,
      admission.delivery,
      JSON.stringify(admission),
    );
  }

  /** The admission of this input id, with `promotedSeq` once the loop took it. */
  get(id: string): SessionInputAdmittedDto | undefined {
    const row = this.byId.get(id) as { data: string; promoted_seq: number | null } | undefined;
    if (!row) return undefined;
    const admission = JSON.parse(row.data) as SessionInputAdmittedDto;
    return row.promoted_seq === null ? admission : { ...admission, promotedSeq: row.promoted_seq };
  }

  promote(id: string, seq: number): void {
    this.promoteRow.run(seq, id);
  }

  /** Inputs the loop has not taken yet, in the order it takes them. */
  pending(sessionID: string): SessionInputAdmittedDto[] {
    return (this.pendingRows.all(sessionID) as { data: string }[]).map(
      (row) => JSON.parse(row.data) as SessionInputAdmittedDto,
    );
  }
}
