import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { AppEnvironment } from '../core/config/app-environment';
import { ProjectRepository } from '../core/instance/project.repository';
import { classifyDatabase, ORIGINAL_DATABASE_FILE_NAME } from '../core/storage/database-files';
import { DatabaseService } from '../core/storage/database.service';
import { MessageRepository } from '../session/message.repository';
import { SessionRepository } from '../session/session.repository';
import { TodoRepository } from '../session/todo.repository';
import { ShareRepository } from '../share/share.repository';
import { ImportLedgerRepository, type ImportedKind } from './import-ledger.repository';
import { OriginalDatabase } from './original-database';
import {
  messageFromRow,
  partFromRow,
  projectFromRow,
  sessionFromRow,
  todoFromRow,
  type OriginalSessionRow,
} from './original-rows';

/** How often the original's files are looked at for changes (a stat of two files). */
const WATCH_INTERVAL_MS = 2_000;
/**
 * Rows updated this long before the newest one already copied are read again (and skipped when
 * unchanged): a transaction of the original may stamp its rows a little before it commits.
 */
const REREAD_MARGIN_MS = 60_000;

/** What one pass copied. */
export interface ImportCounts {
  sessions: number;
  messages: number;
  parts: number;
}

/**
 * Shows the original opencode's history through this server: the sessions, messages, parts,
 * todos, shares and projects it stored in its own database (`opencode.db` in the same data
 * directory) are copied into this server's database, with the same ids and the JSON the original
 * serves for them. The copy runs at start and whenever the original's files change, reading only
 * what changed since the last pass and never writing to the original's file. Once copied, a
 * session is this server's to continue; see the README ("Existing opencode data") for why a copy
 * rather than reading the original's file live.
 *
 * Rules of the copy, by id: a row unchanged since it was copied is skipped; a copied row that no
 * longer exists here was deleted here and is not brought back; a session updated here more
 * recently than in the original keeps this server's version (its new messages are added either
 * way). Deletions in the original are not carried over.
 */
@Injectable()
export class OriginalHistoryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OriginalHistoryService.name);
  private readonly file: string;
  private watcher: NodeJS.Timeout | undefined;
  /** Size and time of the original's database and log at the last pass. */
  private lastSeen = '';
  /** The last failure logged, so that a file that stays unreadable is reported once. */
  private lastFailure = '';

  constructor(
    env: AppEnvironment,
    private readonly db: DatabaseService,
    private readonly ledger: ImportLedgerRepository,
    private readonly projects: ProjectRepository,
    private readonly sessions: SessionRepository,
    private readonly messages: MessageRepository,
    private readonly todos: TodoRepository,
    private readonly shares: ShareRepository,
  ) {
    this.file = join(env.paths.data, ORIGINAL_DATABASE_FILE_NAME);
  }

  onApplicationBootstrap(): void {
    // Nothing to read or watch when this server's own database is the one under that name
    // (an earlier version's, in use by another process) or nothing can be stored.
    if (!this.db.persistent || this.db.file === this.file) return;
    this.importIfChanged();
    this.watcher = setInterval(() => this.importIfChanged(), WATCH_INTERVAL_MS);
    this.watcher.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.watcher);
  }

  /** Copies what changed when the original's files did; logs (once) why it cannot. */
  importIfChanged(): ImportCounts | undefined {
    const seen = this.filesSignature();
    if (seen === this.lastSeen) return undefined;
    if (seen.startsWith('-')) {
      // No original database (a person who never ran the original): nothing to copy.
      this.lastSeen = seen;
      return undefined;
    }
    try {
      const kind = classifyDatabase(this.file);
      if (kind.kind !== 'original') {
        if (kind.kind === 'unknown') {
          this.reportOnce(
            `left ${this.file} alone: it is not a database of the original opencode (${kind.reason})`,
          );
        }
        this.lastSeen = seen;
        return undefined;
      }
      const counts = this.importChanges();
      this.lastSeen = seen;
      this.lastFailure = '';
      if (counts.sessions + counts.messages + counts.parts > 0) {
        this.logger.log(
          `copied from the original opencode's ${this.file}: ${counts.sessions} sessions, ${counts.messages} messages, ${counts.parts} parts`,
        );
      }
      return counts;
    } catch (error) {
      this.reportOnce(`cannot read ${this.file}: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** One pass: everything the original changed since the last one. */
  private importChanges(): ImportCounts {
    const source = OriginalDatabase.open(this.file);
    const counts: ImportCounts = { sessions: 0, messages: 0, parts: 0 };
    try {
      source.snapshot(() => {
        const readThrough = this.ledger.readThrough();
        const since = readThrough === undefined ? 0 : readThrough - REREAD_MARGIN_MS;
        let newest = readThrough ?? 0;
        for (const row of source.projectsUpdatedSince(since)) {
          newest = Math.max(newest, row.time_updated);
          if (this.ledger.copied('project', row.id) === row.time_updated) continue;
          this.db.transaction(() => {
            this.projects.adopt(projectFromRow(row));
            for (const { directory, time_created } of source.projectDirectories(row.id)) {
              this.projects.addDirectory(row.id, directory, time_created);
            }
            this.ledger.record('project', row.id, row.time_updated);
          });
        }
        for (const row of source.sessionsUpdatedSince(since)) {
          newest = Math.max(newest, row.time_updated);
          // Each session in a transaction of its own: a long history is copied in steps, and
          // what was copied stays copied if a later session fails.
          this.db.transaction(() => this.importSession(source, row, since, counts));
        }
        this.ledger.setReadThrough(newest);
      });
    } finally {
      source.close();
    }
    return counts;
  }

  private importSession(
    source: OriginalDatabase,
    row: OriginalSessionRow,
    since: number,
    counts: ImportCounts,
  ): void {
    const copied = this.ledger.copied('session', row.id);
    const local = this.sessions.get(row.id);
    if (copied !== undefined && !local) return; // deleted here
    if (row.parent_id && !this.sessions.exists(row.parent_id)) return; // its parent was deleted here
    if (copied !== row.time_updated) {
      const session = sessionFromRow(row);
      if (!local) this.sessions.insert(session);
      else if (local.time.updated <= row.time_updated) this.sessions.replace(session);
      this.ledger.record('session', row.id, row.time_updated);
      counts.sessions++;
    }
    // A session seen for the first time brings its whole history; later passes what changed.
    const from = copied === undefined ? 0 : since;
    for (const message of source.messages(row.id, from)) {
      if (
        !this.shouldCopy('message', message.id, message.time_updated, () =>
          this.messages.messageIdTaken(message.id),
        )
      ) {
        continue;
      }
      if (this.messages.saveMessage(messageFromRow(message)) !== 'saved') continue;
      this.ledger.record('message', message.id, message.time_updated);
      counts.messages++;
    }
    for (const part of source.parts(row.id, from)) {
      if (
        !this.shouldCopy(
          'part',
          part.id,
          part.time_updated,
          () => this.messages.getPart(row.id, part.id) !== undefined,
        )
      ) {
        continue;
      }
      if (this.messages.savePart(partFromRow(part)) !== 'saved') continue;
      this.ledger.record('part', part.id, part.time_updated);
      counts.parts++;
    }
    this.importTodos(source, row.id);
    this.importShare(source, row.id);
  }

  /** A whole todo list is one copied row, stamped with its newest item. */
  private importTodos(source: OriginalDatabase, sessionID: string): void {
    const rows = source.todos(sessionID);
    const stamp = rows.reduce((newest, todo) => Math.max(newest, todo.time_updated), 0);
    const copied = this.ledger.copied('todo', sessionID);
    if (copied === stamp || (copied === undefined && rows.length === 0)) return;
    this.todos.replace(sessionID, rows.map(todoFromRow));
    this.ledger.record('todo', sessionID, stamp);
  }

  /** The original's share of the session, unless the session was shared from here. */
  private importShare(source: OriginalDatabase, sessionID: string): void {
    const row = source.share(sessionID);
    if (!row) return;
    const copied = this.ledger.copied('share', sessionID);
    if (copied === row.time_updated) return;
    if (copied === undefined && this.shares.get(sessionID)) return;
    const baseUrl = originOf(row.url);
    if (!baseUrl) return;
    this.shares.save({
      sessionID,
      shareID: row.id,
      secret: row.secret,
      url: row.url,
      baseUrl,
      timeCreated: row.time_created,
    });
    this.ledger.record('share', sessionID, row.time_updated);
  }

  /** Copy unless unchanged since copied, or copied once and deleted here since. */
  private shouldCopy(
    kind: ImportedKind,
    id: string,
    timeUpdated: number,
    existsHere: () => boolean,
  ): boolean {
    const copied = this.ledger.copied(kind, id);
    if (copied === undefined) return true;
    return copied !== timeUpdated && existsHere();
  }

  /** Changes whenever the original commits (to its log, or to the file at a checkpoint). */
  private filesSignature(): string {
    return ['', '-wal']
      .map((suffix) => {
        try {
          const stat = statSync(this.file + suffix);
          return `${stat.size}:${stat.mtimeMs}`;
        } catch {
          return '-';
        }
      })
      .join('/');
  }

  private reportOnce(message: string): void {
    if (message === this.lastFailure) return;
    this.lastFailure = message;
    this.logger.warn(message);
  }
}

/** The scheme, host and port of `url`; undefined when it is not a URL. */
function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
