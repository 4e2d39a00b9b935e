import BetterSqlite3, { Database } from 'better-sqlite3';
import type {
  OriginalMessageRow,
  OriginalPartRow,
  OriginalProjectRow,
  OriginalSessionRow,
  OriginalShareRow,
  OriginalTodoRow,
} from './original-rows';

/** The original's optional session columns (older versions lack some): NULL when absent. */
const OPTIONAL_SESSION_COLUMNS = [
  'workspace_id',
  'path',
  'share_url',
  'summary_additions',
  'summary_deletions',
  'summary_files',
  'summary_diffs',
  'metadata',
  'revert',
  'permission',
  'agent',
  'model',
  'time_compacting',
  'time_archived',
] as const;
const SESSION_COLUMNS = [
  'id',
  'project_id',
  'parent_id',
  'slug',
  'directory',
  'title',
  'version',
  'cost',
  'tokens_input',
  'tokens_output',
  'tokens_reasoning',
  'tokens_cache_read',
  'tokens_cache_write',
  'time_created',
  'time_updated',
] as const;
const OPTIONAL_PROJECT_COLUMNS = [
  'name',
  'icon_url',
  'icon_url_override',
  'icon_color',
  'time_initialized',
  'commands',
] as const;

/**
 * A read-only view of the original opencode's database. Opened read-only, so nothing is ever
 * written to it: in WAL mode a reader neither blocks the original (which may be running) nor
 * sees half of one of its transactions. Each read pass runs in one read transaction, so it sees
 * one consistent state of the file.
 */
export class OriginalDatabase {
  private readonly db: Database;
  private readonly sessionSelect: string;
  private readonly projectSelect: string;
  /** Prepared once per text: a pass runs the per-session reads for every changed session. */
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  private constructor(file: string) {
    this.db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    try {
      this.db.pragma('busy_timeout = 2000');
      this.sessionSelect = this.selectList('session', SESSION_COLUMNS, OPTIONAL_SESSION_COLUMNS);
      this.projectSelect = this.selectList(
        'project',
        ['id', 'worktree', 'vcs', 'time_created', 'time_updated', 'sandboxes'],
        OPTIONAL_PROJECT_COLUMNS,
      );
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  static open(file: string): OriginalDatabase {
    return new OriginalDatabase(file);
  }

  /** Runs `read` on one snapshot of the database. */
  snapshot<T>(read: () => T): T {
    this.db.exec('BEGIN');
    try {
      return read();
    } finally {
      this.db.exec('COMMIT');
    }
  }

  /** Sessions updated at or after `since`, parents before their children (creation order). */
  sessionsUpdatedSince(since: number): OriginalSessionRow[] {
    return this.statement<[number], OriginalSessionRow>(
      `SELECT ${this.sessionSelect} FROM session WHERE time_updated >= ?
         ORDER BY time_created, id`,
    ).all(since);
  }

  messages(sessionID: string, since: number): OriginalMessageRow[] {
    return this.statement<[string, number], OriginalMessageRow>(
      `SELECT id, session_id, time_updated, data FROM message
         WHERE session_id = ? AND time_updated >= ? ORDER BY id`,
    ).all(sessionID, since);
  }

  parts(sessionID: string, since: number): OriginalPartRow[] {
    return this.statement<[string, number], OriginalPartRow>(
      `SELECT id, message_id, session_id, time_updated, data FROM part
         WHERE session_id = ? AND time_updated >= ? ORDER BY message_id, id`,
    ).all(sessionID, since);
  }

  todos(sessionID: string): OriginalTodoRow[] {
    return this.statement<[string], OriginalTodoRow>(
      `SELECT content, status, priority, time_updated FROM todo WHERE session_id = ?
         ORDER BY position`,
    ).all(sessionID);
  }

  share(sessionID: string): OriginalShareRow | undefined {
    if (!this.hasTable('session_share')) return undefined;
    return this.statement<[string], OriginalShareRow>(
      `SELECT session_id, id, secret, url, time_created, time_updated FROM session_share
         WHERE session_id = ?`,
    ).get(sessionID);
  }

  projectsUpdatedSince(since: number): OriginalProjectRow[] {
    return this.statement<[number], OriginalProjectRow>(
      `SELECT ${this.projectSelect} FROM project WHERE time_updated >= ? ORDER BY time_created`,
    ).all(since);
  }

  /** The checkouts the original opened for a project. */
  projectDirectories(projectID: string): Array<{ directory: string; time_created: number }> {
    if (!this.hasTable('project_directory')) return [];
    return this.statement<[string], { directory: string; time_created: number }>(
      'SELECT directory, time_created FROM project_directory WHERE project_id = ?',
    ).all(projectID);
  }

  close(): void {
    this.db.close();
  }

  private statement<P extends unknown[], R>(text: string): BetterSqlite3.Statement<P, R> {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement as BetterSqlite3.Statement<P, R>;
  }

  private hasTable(table: string): boolean {
    return this.columns(table).size > 0;
  }

  private columns(table: string): Set<string> {
    return new Set(
      this.statement<[string], { name: string }>('SELECT name FROM pragma_table_info(?)')
        .all(table)
        .map((column) => column.name),
    );
  }

  /** The SELECT list of `table`: the required columns, and NULL for optional ones it lacks. */
  private selectList(
    table: string,
    required: readonly string[],
    optional: readonly string[],
  ): string {
    const present = this.columns(table);
    const missing = required.filter((column) => !present.has(column));
    if (missing.length > 0) {
      throw new Error(`its ${table} table lacks ${missing.join(', ')}`);
    }
    return [
      ...required,
      ...optional.map((column) => (present.has(column) ? column : `NULL AS ${column}`)),
    ].join(', ');
  }
}
