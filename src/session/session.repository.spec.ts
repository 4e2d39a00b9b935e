import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { tempDir } from '../../test/support/fixtures';
import { AppEnvironment } from '../core/config/app-environment';
import { DatabaseService } from '../core/storage/database.service';
import type { Session } from './dto/session.dto';
import { SqliteSessionRepository } from './session.repository';

describe('SqliteSessionRepository.listJson', () => {
  let db: DatabaseService;
  let sessions: SqliteSessionRepository;
  const filter = { projectID: 'p', directory: '/work', limit: 10 };

  function session(id: string, updated: number, title = id): Session {
    return {
      id,
      slug: 'quiet-otter',
      projectID: 'p',
      directory: '/work',
      title,
      version: '1',
      time: { created: updated, updated },
    };
  }

  beforeEach(() => {
    const home = tempDir();
    db = new DatabaseService(
      new AppEnvironment({ HOME: home, XDG_DATA_HOME: join(home, 'data') }, home),
    );
    sessions = new SqliteSessionRepository(db);
  });
  afterEach(() => db.connection.close());

  const titles = (rows: readonly string[]) => rows.map((row) => (JSON.parse(row) as Session).title);

  it('answers the stored JSON, most recently updated first, the same page until a write', () => {
    sessions.insert(session('ses_a', 1));
    sessions.insert(session('ses_b', 2));
    const first = sessions.listJson(filter);
    expect(titles(first)).toEqual(['ses_b', 'ses_a']);
    expect(sessions.listJson(filter)).toBe(first);
    expect(sessions.listJson({ ...filter, limit: 1 })).toHaveLength(1);

    sessions.replace(session('ses_a', 3, 'renamed'));
    expect(titles(sessions.listJson(filter))).toEqual(['renamed', 'ses_b']);
    sessions.delete('ses_b');
    expect(titles(sessions.listJson(filter))).toEqual(['renamed']);
    sessions.insert(session('ses_c', 4));
    expect(titles(sessions.listJson(filter))).toEqual(['ses_c', 'renamed']);
  });

  it('sees what another process wrote to the same database', () => {
    sessions.insert(session('ses_a', 1));
    expect(titles(sessions.listJson(filter))).toEqual(['ses_a']);
    const other = new BetterSqlite3(db.file);
    try {
      other
        .prepare(
          `INSERT INTO session (id, project_id, directory, title, time_created, time_updated, data)
           VALUES (?, 'p', '/work', ?, 2, 2, ?)`,
        )
        .run('ses_x', 'from elsewhere', JSON.stringify(session('ses_x', 2, 'from elsewhere')));
    } finally {
      other.close();
    }
    expect(titles(sessions.listJson(filter))).toEqual(['from elsewhere', 'ses_a']);
  });
});
