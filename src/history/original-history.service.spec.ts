import { Logger } from '@nestjs/common';
import BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/support/fixtures';
import { AppEnvironment } from '../core/config/app-environment';
import { ProjectRepository } from '../core/instance/project.repository';
import { ORIGINAL_DATABASE_FILE_NAME } from '../core/storage/database-files';
import { DatabaseService } from '../core/storage/database.service';
import { SqliteMessageRepository } from '../session/message.repository';
import { SqliteSessionRepository } from '../session/session.repository';
import { SqliteTodoRepository } from '../session/todo.repository';
import { SqliteShareRepository } from '../share/share.repository';
import { ImportLedgerRepository } from './import-ledger.repository';
import { OriginalHistoryService } from './original-history.service';

/**
 * The rules of the copy, on a database laid out as the original's (the tables and columns it
 * reads, as opencode 1.18.33 creates them); the e2e runs the real original.
 */
describe('OriginalHistoryService: the copy of the original’s rows', () => {
  let original: BetterSqlite3.Database;
  let db: DatabaseService;
  let sessions: SqliteSessionRepository;
  let messages: SqliteMessageRepository;
  let service: OriginalHistoryService;
  let clock = 1_000_000;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    const home = tempDir();
    const env = new AppEnvironment({ HOME: home, XDG_DATA_HOME: join(home, 'data') }, home);
    mkdirSync(env.paths.data, { recursive: true });
    original = new BetterSqlite3(join(env.paths.data, ORIGINAL_DATABASE_FILE_NAME));
    original.pragma('journal_mode = WAL');
    original.exec(`
      CREATE TABLE project (id TEXT PRIMARY KEY, worktree TEXT NOT NULL, vcs TEXT, name TEXT,
        icon_url TEXT, icon_url_override TEXT, icon_color TEXT, time_created INTEGER NOT NULL,
        time_updated INTEGER NOT NULL, time_initialized INTEGER, sandboxes TEXT NOT NULL,
        commands TEXT);
      CREATE TABLE project_directory (project_id TEXT NOT NULL, directory TEXT NOT NULL,
        type TEXT, strategy TEXT, time_created INTEGER NOT NULL);
      CREATE TABLE session (id TEXT PRIMARY KEY, project_id TEXT NOT NULL, parent_id TEXT,
        slug TEXT NOT NULL, directory TEXT NOT NULL, path TEXT, title TEXT NOT NULL,
        version TEXT NOT NULL, share_url TEXT, summary_additions INTEGER,
        summary_deletions INTEGER, summary_files INTEGER, summary_diffs TEXT,
        cost REAL DEFAULT 0 NOT NULL, tokens_input INTEGER DEFAULT 0 NOT NULL,
        tokens_output INTEGER DEFAULT 0 NOT NULL, tokens_reasoning INTEGER DEFAULT 0 NOT NULL,
        tokens_cache_read INTEGER DEFAULT 0 NOT NULL, tokens_cache_write INTEGER DEFAULT 0 NOT NULL,
        revert TEXT, permission TEXT, time_created INTEGER NOT NULL,
        time_updated INTEGER NOT NULL, time_compacting INTEGER, time_archived INTEGER);
      CREATE TABLE message (id TEXT PRIMARY KEY, session_id TEXT NOT NULL,
        time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL, data TEXT NOT NULL);
      CREATE TABLE part (id TEXT PRIMARY KEY, message_id TEXT NOT NULL, session_id TEXT NOT NULL,
        time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL, data TEXT NOT NULL);
      CREATE TABLE todo (session_id TEXT NOT NULL, content TEXT NOT NULL, status TEXT NOT NULL,
        priority TEXT NOT NULL, position INTEGER NOT NULL, time_created INTEGER NOT NULL,
        time_updated INTEGER NOT NULL);
    `);
    db = new DatabaseService(env);
    sessions = new SqliteSessionRepository(db);
    messages = new SqliteMessageRepository(db);
    service = new OriginalHistoryService(
      env,
      db,
      new ImportLedgerRepository(db),
      new ProjectRepository(db),
      sessions,
      messages,
      new SqliteTodoRepository(db),
      new SqliteShareRepository(db),
    );
  });
  afterEach(() => {
    original.close();
    db.connection.close();
  });

  function writeSession(id: string, title: string, parent?: string): void {
    const now = ++clock;
    original
      .prepare(
        `INSERT INTO session (id, project_id, parent_id, slug, directory, path, title, version,
           time_created, time_updated) VALUES (?, 'p1', ?, 'calm-fox', '/w', '', ?, '1.18.33', ?, ?)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, time_updated = excluded.time_updated`,
      )
      .run(id, parent ?? null, title, now, now);
  }
  function writeMessage(session: string, id: string, text: string): void {
    const now = ++clock;
    original
      .prepare(
        `INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET time_updated = excluded.time_updated`,
      )
      .run(id, session, now, now, JSON.stringify({ role: 'user', time: { created: now } }));
    original
      .prepare(
        `INSERT INTO part (id, message_id, session_id, time_created, time_updated, data)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, time_updated = excluded.time_updated`,
      )
      .run(`prt_${id}`, id, session, now, now, JSON.stringify({ type: 'text', text }));
    // The original stamps the session with its messages' updates.
    original.prepare('UPDATE session SET time_updated = ? WHERE id = ?').run(now, session);
  }
  const pass = () => {
    // The service looks at the files' size and time; a pass forced here stands for a change.
    (service as unknown as { lastSeen: string }).lastSeen = '';
    return service.importIfChanged();
  };
  const text = (session: string, message: string) =>
    (
      JSON.parse(messages.getMessage(session, message)!.parts[0]) as {
        text: string;
      }
    ).text;

  it('copies sessions with their messages and parts once, and what changes later', () => {
    writeSession('ses_a', 'first');
    writeMessage('ses_a', 'msg_1', 'hello');
    writeSession('ses_child', 'child', 'ses_a');
    expect(pass()).toEqual({ sessions: 2, messages: 1, parts: 1 });
    expect(sessions.get('ses_a')).toMatchObject({ id: 'ses_a', title: 'first', projectID: 'p1' });
    expect(sessions.get('ses_child')).toMatchObject({ parentID: 'ses_a' });
    expect(text('ses_a', 'msg_1')).toBe('hello');

    expect(pass()).toEqual({ sessions: 0, messages: 0, parts: 0 });

    writeMessage('ses_a', 'msg_1', 'hello again');
    writeMessage('ses_a', 'msg_2', 'more');
    expect(pass()).toEqual({ sessions: 1, messages: 2, parts: 2 });
    expect(text('ses_a', 'msg_1')).toBe('hello again');
    expect(messages.page('ses_a', {}).records.map((r) => r.id)).toEqual(['msg_1', 'msg_2']);
  });

  it('does not bring back what was deleted here, and keeps a session changed here more recently', () => {
    writeSession('ses_a', 'first');
    writeMessage('ses_a', 'msg_1', 'hello');
    writeSession('ses_gone', 'gone');
    pass();
    sessions.delete('ses_gone');
    messages.deleteMessage('ses_a', 'msg_1');
    const renamed = { ...sessions.get('ses_a')!, title: 'renamed here' };
    renamed.time.updated = clock + 1_000;
    sessions.replace(renamed);

    writeSession('ses_gone', 'gone, renamed there');
    writeMessage('ses_a', 'msg_1', 'edited there');
    writeSession('ses_a', 'renamed there');
    pass();
    expect(sessions.exists('ses_gone')).toBe(false);
    expect(messages.getMessage('ses_a', 'msg_1')).toBeUndefined();
    expect(sessions.get('ses_a')!.title).toBe('renamed here');
  });

  it('copies nothing from a database whose tables it does not recognise (another version of the original)', () => {
    original.exec('ALTER TABLE session DROP COLUMN slug');
    expect(pass()).toBeUndefined();
    expect(sessions.list({ limit: -1 })).toEqual([]);
  });
});
