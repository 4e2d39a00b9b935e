import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { DatabaseService } from '../core/storage/database.service';
import type { MessageInfo } from './dto/message.dto';
import type { MessageWithParts } from './dto/message-with-parts.dto';
import type { Part } from './dto/part.dto';
import { parseJson, type JsonText } from './json-text';

/** Outcome of storing a message or part. */
export type SaveResult =
  | 'saved'
  /** The session (for a message) or the message (for a part) does not exist. */
  | 'missing-owner'
  /** The id exists under another session or message: ids are never moved. */
  | 'id-conflict';

export interface MessagePageQuery {
  /** The newest `limit` messages (of those before `before`); all when absent. */
  limit?: number;
  /** Only messages whose id sorts before this one (older). */
  before?: string;
}

/** A stored message with its parts (ordered by id), as the JSON texts that were stored. */
export interface MessageRecord {
  id: string;
  info: JsonText<MessageInfo>;
  parts: JsonText<Part>[];
}

/** Where a message is stored: its session and its id. */
export interface MessageKey {
  sessionID: string;
  messageID: string;
}

export interface MessagePage {
  /** Oldest first. */
  records: MessageRecord[];
  /** Whether older messages than the first record exist. */
  more: boolean;
}

export function parseRecord(record: MessageRecord): MessageWithParts {
  return { info: parseJson(record.info), parts: record.parts.map((part) => parseJson(part)) };
}

/** `{ info, parts }` as JSON text, without parsing what was stored. */
export function recordJson(record: MessageRecord): JsonText<MessageWithParts> {
  return `{"info":${record.info},"parts":[${record.parts.join(',')}]}`;
}

/**
 * Storage of messages and their parts. Services depend on this abstract class only; every
 * method is atomic on its own, and services group several in `DatabaseService.transaction`.
 * Message and part ids sort by creation time, so id order is conversation order.
 */
export abstract class MessageRepository {
  abstract saveMessage(info: MessageInfo): SaveResult;
  abstract savePart(part: Part): SaveResult;
  abstract getMessage(sessionID: string, messageID: string): MessageRecord | undefined;
  /** Whether any session holds a message with this id (ids are unique across sessions). */
  abstract messageIdTaken(messageID: string): boolean;
  abstract getPart(sessionID: string, partID: string): Part | undefined;
  abstract page(sessionID: string, query: MessagePageQuery): MessagePage;
  /** Deletes the message and its parts; false when it is not a message of the session. */
  abstract deleteMessage(sessionID: string, messageID: string): boolean;
  abstract deletePart(sessionID: string, messageID: string, partID: string): boolean;
  /**
   * Assistant messages without `time.completed`: answers still being written, or left so by a
   * process that stopped mid-turn. Read from a partial index, so the cost follows their number.
   */
  abstract unfinishedMessages(): MessageKey[];
  /** Messages holding a tool part that is `pending` or `running` (each message once). */
  abstract messagesWithOpenTools(): MessageKey[];
}

interface MessageRow {
  id: string;
  data: string;
}

interface PartRow {
  message_id: string;
  data: string;
}

/** SQLite message and part tables: JSON in `data`, ids and owners in indexed columns. */
@Injectable()
export class SqliteMessageRepository extends MessageRepository {
  // Prepared once: the agent loop saves a streaming part many times a second.
  private readonly statements: {
    upsertMessage: Statement<[string, string, string]>;
    upsertPart: Statement<[string, string, string, string]>;
    getMessage: Statement<[string, string], MessageRow>;
    messageIdTaken: Statement<[string], { found: number }>;
    getPart: Statement<[string, string], { data: string }>;
    partsOfMessage: Statement<[string, string], PartRow>;
    allMessages: Statement<[string], MessageRow>;
    allParts: Statement<[string], PartRow>;
    newestMessages: Statement<[string, number], MessageRow>;
    newestMessagesBefore: Statement<[string, string, number], MessageRow>;
    partsBetween: Statement<[string, string, string], PartRow>;
    hasOlder: Statement<[string, string], { found: number }>;
    deleteMessage: Statement<[string, string]>;
    deletePart: Statement<[string, string, string]>;
    unfinishedMessages: Statement<[], MessageKey>;
    messagesWithOpenTools: Statement<[], MessageKey>;
  };

  constructor(db: DatabaseService) {
    super();
    const sql = db.connection;
    this.statements = {
      // The conflict update only applies within the same owner, so an id is never moved.
      upsertMessage: sql.prepare(
        `INSERT INTO message (id, session_id, data) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data
         WHERE message.session_id = excluded.session_id`,
      ),
      upsertPart: sql.prepare(
        `INSERT INTO part (id, session_id, message_id, data) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data
         WHERE part.session_id = excluded.session_id AND part.message_id = excluded.message_id`,
      ),
      getMessage: sql.prepare('SELECT id, data FROM message WHERE session_id = ? AND id = ?'),
      messageIdTaken: sql.prepare('SELECT 1 AS found FROM message WHERE id = ?'),
      getPart: sql.prepare('SELECT data FROM part WHERE session_id = ? AND id = ?'),
      partsOfMessage: sql.prepare(
        'SELECT message_id, data FROM part WHERE session_id = ? AND message_id = ? ORDER BY id',
      ),
      allMessages: sql.prepare('SELECT id, data FROM message WHERE session_id = ? ORDER BY id'),
      allParts: sql.prepare(
        'SELECT message_id, data FROM part WHERE session_id = ? ORDER BY message_id, id',
      ),
      newestMessages: sql.prepare(
        'SELECT id, data FROM message WHERE session_id = ? ORDER BY id DESC LIMIT ?',
      ),
      newestMessagesBefore: sql.prepare(
        'SELECT id, data FROM message WHERE session_id = ? AND id < ? ORDER BY id DESC LIMIT ?',
      ),
      partsBetween: sql.prepare(
        `SELECT message_id, data FROM part
         WHERE session_id = ? AND message_id BETWEEN ? AND ? ORDER BY message_id, id`,
      ),
      hasOlder: sql.prepare(
        'SELECT 1 AS found FROM message WHERE session_id = ? AND id < ? LIMIT 1',
      ),
      deleteMessage: sql.prepare('DELETE FROM message WHERE session_id = ? AND id = ?'),
      deletePart: sql.prepare(
        'DELETE FROM part WHERE session_id = ? AND message_id = ? AND id = ?',
      ),
      // Both WHERE clauses repeat those of the partial indexes `message_unfinished` and
      // `part_tool_open` (migration 4) word for word: the planner uses a partial index only
      // when the query implies its condition.
      unfinishedMessages: sql.prepare(
        `SELECT session_id AS sessionID, id AS messageID FROM message
         WHERE json_extract(data, '$.role') = 'assistant'
           AND json_extract(data, '$.time.completed') IS NULL
         ORDER BY session_id, id`,
      ),
      messagesWithOpenTools: sql.prepare(
        `SELECT DISTINCT session_id AS sessionID, message_id AS messageID FROM part
         WHERE json_extract(data, '$.type') = 'tool'
           AND json_extract(data, '$.state.status') IN ('pending', 'running')
         ORDER BY session_id, message_id`,
      ),
    };
  }

  saveMessage(info: MessageInfo): SaveResult {
    return guardForeignKey(() =>
      this.statements.upsertMessage.run(info.id, info.sessionID, JSON.stringify(info)),
    );
  }

  savePart(part: Part): SaveResult {
    return guardForeignKey(() =>
      this.statements.upsertPart.run(part.id, part.sessionID, part.messageID, JSON.stringify(part)),
    );
  }

  getMessage(sessionID: string, messageID: string): MessageRecord | undefined {
    const row = this.statements.getMessage.get(sessionID, messageID);
    if (!row) return undefined;
    const parts = this.statements.partsOfMessage.all(sessionID, messageID);
    return { id: row.id, info: row.data, parts: parts.map((part) => part.data) };
  }

  messageIdTaken(messageID: string): boolean {
    return this.statements.messageIdTaken.get(messageID) !== undefined;
  }

  getPart(sessionID: string, partID: string): Part | undefined {
    const row = this.statements.getPart.get(sessionID, partID);
    return row && (JSON.parse(row.data) as Part);
  }

  page(sessionID: string, query: MessagePageQuery): MessagePage {
    const { limit, before } = query;
    if (!limit) {
      const messages = before
        ? this.statements.newestMessagesBefore.all(sessionID, before, -1).reverse()
        : this.statements.allMessages.all(sessionID);
      const parts = before
        ? this.partsOf(sessionID, messages)
        : this.statements.allParts.all(sessionID);
      return { records: join(messages, parts), more: false };
    }
    const newest = before
      ? this.statements.newestMessagesBefore.all(sessionID, before, limit)
      : this.statements.newestMessages.all(sessionID, limit);
    const messages = newest.reverse();
    const oldest = messages[0];
    const more = oldest ? this.statements.hasOlder.get(sessionID, oldest.id) !== undefined : false;
    return { records: join(messages, this.partsOf(sessionID, messages)), more };
  }

  deleteMessage(sessionID: string, messageID: string): boolean {
    return this.statements.deleteMessage.run(sessionID, messageID).changes > 0;
  }

  deletePart(sessionID: string, messageID: string, partID: string): boolean {
    return this.statements.deletePart.run(sessionID, messageID, partID).changes > 0;
  }

  unfinishedMessages(): MessageKey[] {
    return this.statements.unfinishedMessages.all();
  }

  messagesWithOpenTools(): MessageKey[] {
    return this.statements.messagesWithOpenTools.all();
  }

  /** The parts of a run of consecutive messages (oldest first), in one range scan. */
  private partsOf(sessionID: string, messages: MessageRow[]): PartRow[] {
    if (messages.length === 0) return [];
    const first = messages[0].id;
    const last = messages[messages.length - 1].id;
    return this.statements.partsBetween.all(sessionID, first, last);
  }
}

/** Pairs messages (oldest first) with their parts (ordered by message, then part id). */
function join(messages: MessageRow[], parts: PartRow[]): MessageRecord[] {
  const byMessage = new Map<string, string[]>();
  for (const row of parts) {
    let list = byMessage.get(row.message_id);
    if (!list) byMessage.set(row.message_id, (list = []));
    list.push(row.data);
  }
  return messages.map((row) => ({
    id: row.id,
    info: row.data,
    parts: byMessage.get(row.id) ?? [],
  }));
}

/** Runs an upsert, telling a missing owner (foreign key) and a moved id (no change) apart. */
function guardForeignKey(write: () => { changes: number }): SaveResult {
  try {
    return write().changes > 0 ? 'saved' : 'id-conflict';
  } catch (error) {
    // Matched by code, not `instanceof SqliteError`: the native addon keeps the error class of
    // the first copy of better-sqlite3 loaded in the process (a test runner may load several).
    if ((error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      return 'missing-owner';
    }
    throw error;
  }
}
