import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { DatabaseService } from '../core/storage/database.service';
import type { Session } from './dto/session.dto';
import type { JsonText } from './json-text';

/** Distinct listings remembered at once (see `SqliteSessionRepository.pages`). */
const MAX_CACHED_PAGES = 64;

/** Filters of a session listing; every one is optional. */
export interface SessionListFilter {
  /** Only sessions of this project; every project's when absent. */
  projectID?: string;
  /** Only sessions created in exactly this directory. */
  directory?: string;
  /** Only sessions whose worktree-relative path is this one or below it. */
  path?: string;
  /** Only sessions without a parent. */
  roots?: boolean;
  /** Only sessions updated at or after this time (ms). */
  updatedSince?: number;
  /** Only sessions updated before this time (ms). */
  updatedBefore?: number;
  /** Leave out archived sessions (those with `time.archived`). */
  excludeArchived?: boolean;
  /** Only sessions whose title contains this text (case-insensitive for ASCII). */
  search?: string;
  /** Continue after this session of an earlier page (in list order). */
  after?: SessionPosition;
  /** At most this many; -1 for all. */
  limit: number;
}

/** Where a session sits in list order (most recently updated first). */
export interface SessionPosition {
  updated: number;
  id: string;
}

/** A listed session: its position and its JSON as stored. */
export interface StoredSession extends SessionPosition {
  json: JsonText<Session>;
}

/**
 * Storage of sessions. Services depend on this abstract class only, so another engine can be
 * provided without touching them. Every method is atomic on its own; services group several in
 * `DatabaseService.transaction` when one API write spans more.
 */
export abstract class SessionRepository {
  abstract insert(session: Session): void;
  /** Replaces a stored session; false when it does not exist. */
  abstract replace(session: Session): boolean;
  abstract get(id: string): Session | undefined;
  abstract exists(id: string): boolean;
  /** Most recently updated first (ties: newest id first); at most `limit`. */
  abstract list(filter: SessionListFilter): StoredSession[];
  /**
   * The same sessions as their stored JSON only: what a page sent as it is needs. Repeating a
   * listing costs nothing until a session is written again.
   */
  abstract listJson(filter: SessionListFilter): readonly JsonText<Session>[];
  /** Direct children, oldest first. */
  abstract children(parentID: string): Session[];
  /** Every session below `id` (children, their children...), deepest first. */
  abstract descendants(id: string): Session[];
  /** Deletes the session with everything below it and everything it holds. */
  abstract delete(id: string): boolean;
  /**
   * Sessions whose `time.compacting` is set (a summary is being written, or a process stopped
   * while writing one). Read from a partial index, so the cost follows their number.
   */
  abstract compacting(): Session[];
}

/** The SQLite sessions table; `data` holds the session JSON, columns what is queried. */
@Injectable()
export class SqliteSessionRepository extends SessionRepository {
  private readonly statements: {
    insert: Statement;
    replace: Statement;
    get: Statement<[string], { data: string }>;
    exists: Statement<[string], { found: number }>;
    children: Statement<[string], { data: string }>;
    descendants: Statement<[string], { data: string }>;
    delete: Statement<[string]>;
    compacting: Statement<[], { data: string }>;
  };
  /** List statements by SQL text: one per combination of filters, prepared once. */
  private readonly listStatements = new Map<string, Statement<unknown[], StoredSession>>();
  private readonly jsonStatements = new Map<string, Statement<unknown[], JsonText<Session>>>();
  /**
   * Pages of `listJson` by query, kept while no session is written: by this server (`writes`,
   * counted by the write methods below, the only ones of the session table) or by another
   * process on the same database (SQLite's `data_version`, which changes with its commits).
   */
  private readonly pages = new Map<string, readonly JsonText<Session>[]>();
  private pagesVersion = '';
  private writes = 0;
  private readonly dataVersion: Statement<[], number>;

  constructor(private readonly db: DatabaseService) {
    super();
    const sql = db.connection;
    this.dataVersion = sql.prepare<[], number>('PRAGMA data_version').pluck();
    this.statements = {
      insert: sql.prepare(
        `INSERT INTO session (id, project_id, parent_id, directory, path, title, time_created,
           time_updated, data)
         VALUES (@id, @project_id, @parent_id, @directory, @path, @title, @time_created,
           @time_updated, @data)`,
      ),
      replace: sql.prepare(
        `UPDATE session SET directory = @directory, path = @path, title = @title,
           time_updated = @time_updated, data = @data
         WHERE id = @id`,
      ),
      get: sql.prepare('SELECT data FROM session WHERE id = ?'),
      exists: sql.prepare('SELECT 1 AS found FROM session WHERE id = ?'),
      children: sql.prepare(
        'SELECT data FROM session WHERE parent_id = ? ORDER BY time_created, id DESC',
      ),
      descendants: sql.prepare(
        `WITH RECURSIVE tree (id, depth) AS (
           SELECT id, 1 FROM session WHERE parent_id = ?
           UNION ALL
           SELECT child.id, tree.depth + 1 FROM session child JOIN tree ON child.parent_id = tree.id
         )
         SELECT session.data FROM tree JOIN session ON session.id = tree.id
         ORDER BY tree.depth DESC, session.id`,
      ),
      delete: sql.prepare('DELETE FROM session WHERE id = ?'),
      // The WHERE clause of the partial index `session_compacting` (migration 4), word for word.
      compacting: sql.prepare(
        `SELECT data FROM session WHERE json_extract(data, '$.time.compacting') IS NOT NULL
         ORDER BY id`,
      ),
    };
  }

  insert(session: Session): void {
    this.writes++;
    this.statements.insert.run(toRow(session));
  }

  replace(session: Session): boolean {
    this.writes++;
    return this.statements.replace.run(toRow(session)).changes > 0;
  }

  get(id: string): Session | undefined {
    const row = this.statements.get.get(id);
    return row && parse(row.data);
  }

  exists(id: string): boolean {
    return this.statements.exists.get(id) !== undefined;
  }

  list(filter: SessionListFilter): StoredSession[] {
    const { text, params } = listQuery('id, time_updated AS updated, data AS json', filter);
    return this.listStatement(text).all(...params);
  }

  listJson(filter: SessionListFilter): readonly JsonText<Session>[] {
    const { text, params } = listQuery('data', filter);
    const version = `${this.writes}:${this.dataVersion.get()}`;
    if (version !== this.pagesVersion) {
      this.pages.clear();
      this.pagesVersion = version;
    }
    const key = `${text}\u0000${JSON.stringify(params)}`;
    let page = this.pages.get(key);
    if (!page) {
      let statement = this.jsonStatements.get(text);
      if (!statement) {
        statement = this.db.connection.prepare<unknown[], JsonText<Session>>(text).pluck();
        this.jsonStatements.set(text, statement);
      }
      page = statement.all(...params);
      // Listings repeat a few queries (a client's filters); a flood of distinct ones starts over.
      if (this.pages.size >= MAX_CACHED_PAGES) this.pages.clear();
      this.pages.set(key, page);
    }
    return page;
  }

  children(parentID: string): Session[] {
    return this.statements.children.all(parentID).map((row) => parse(row.data));
  }

  descendants(id: string): Session[] {
    return this.statements.descendants.all(id).map((row) => parse(row.data));
  }

  delete(id: string): boolean {
    this.writes++;
    return this.statements.delete.run(id).changes > 0;
  }

  compacting(): Session[] {
    return this.statements.compacting.all().map((row) => parse(row.data));
  }

  private listStatement(text: string): Statement<unknown[], StoredSession> {
    let statement = this.listStatements.get(text);
    if (!statement) {
      statement = this.db.connection.prepare<unknown[], StoredSession>(text);
      this.listStatements.set(text, statement);
    }
    return statement;
  }
}

/** The SQL and parameters of a listing, selecting `columns`. */
function listQuery(
  columns: string,
  filter: SessionListFilter,
): { text: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.projectID !== undefined) {
    where.push('project_id = ?');
    params.push(filter.projectID);
  }
  if (filter.path !== undefined) {
    const paths = ['path = ?', "path LIKE ? ESCAPE '\\'"];
    params.push(filter.path, `${escapeLike(filter.path)}/%`);
    if (filter.directory !== undefined) {
      // Sessions stored without a path are matched by their directory instead.
      paths.push('(path IS NULL AND directory = ?)');
      params.push(filter.directory);
    }
    where.push(`(${paths.join(' OR ')})`);
  } else if (filter.directory !== undefined) {
    where.push('directory = ?');
    params.push(filter.directory);
  }
  if (filter.roots) where.push('parent_id IS NULL');
  if (filter.updatedSince !== undefined) {
    where.push('time_updated >= ?');
    params.push(filter.updatedSince);
  }
  if (filter.updatedBefore !== undefined) {
    where.push('time_updated < ?');
    params.push(filter.updatedBefore);
  }
  if (filter.excludeArchived) where.push("json_extract(data, '$.time.archived') IS NULL");
  if (filter.search) {
    where.push("title LIKE ? ESCAPE '\\'");
    params.push(`%${escapeLike(filter.search)}%`);
  }
  if (filter.after) {
    where.push('(time_updated < ? OR (time_updated = ? AND id > ?))');
    params.push(filter.after.updated, filter.after.updated, filter.after.id);
  }
  params.push(filter.limit);
  const text = `SELECT ${columns} FROM session
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY time_updated DESC, id LIMIT ?`;
  return { text, params };
}

function toRow(session: Session) {
  return {
    id: session.id,
    project_id: session.projectID,
    parent_id: session.parentID ?? null,
    directory: session.directory,
    path: session.path ?? null,
    title: session.title,
    time_created: session.time.created,
    time_updated: session.time.updated,
    data: JSON.stringify(session),
  };
}

function parse(data: string): Session {
  return JSON.parse(data) as Session;
}

/** Escapes LIKE wildcards so user text matches literally (with `ESCAPE '\'`). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
