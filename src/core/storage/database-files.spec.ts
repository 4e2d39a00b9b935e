import BetterSqlite3 from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../test/support/fixtures';
import {
  adoptOwnDatabase,
  classifyDatabase,
  DATABASE_FILE_NAME,
  ORIGINAL_DATABASE_FILE_NAME,
} from './database-files';
import { MIGRATIONS } from './migrations';

/** A database of this server's schema at `file`, as an earlier version left it. */
function ourDatabase(file: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  for (const migration of MIGRATIONS) migration.up(db);
  db.pragma(`user_version = ${MIGRATIONS.at(-1)!.version}`);
  return db;
}

describe('database files', () => {
  it('tells this server’s schema, the original’s and anything else apart', () => {
    const dir = tempDir();
    ourDatabase(join(dir, 'ours.db')).close();
    const original = new BetterSqlite3(join(dir, 'original.db'));
    original.exec(`
      CREATE TABLE project (id TEXT PRIMARY KEY, worktree TEXT NOT NULL);
      CREATE TABLE session (id TEXT PRIMARY KEY, slug TEXT NOT NULL);
      CREATE TABLE message (id TEXT PRIMARY KEY, time_created INTEGER, data TEXT);
      CREATE TABLE part (id TEXT PRIMARY KEY, message_id TEXT, data TEXT);
    `);
    original.close();
    const other = new BetterSqlite3(join(dir, 'other.db'));
    other.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY)');
    other.close();
    writeFileSync(
      join(dir, 'garbage.db'),
      'not a database at all, but long enough to look like one',
    );

    expect(classifyDatabase(join(dir, 'ours.db'))).toEqual({ kind: 'ours' });
    expect(classifyDatabase(join(dir, 'original.db'))).toEqual({ kind: 'original' });
    expect(classifyDatabase(join(dir, 'other.db')).kind).toBe('unknown');
    expect(classifyDatabase(join(dir, 'garbage.db'))).toEqual({
      kind: 'unknown',
      reason: expect.stringMatching(/not a database/) as string,
    });
  });

  it('moves its own database from opencode.db with what only its log held (a crash before a checkpoint)', () => {
    const dir = tempDir();
    const legacy = join(dir, ORIGINAL_DATABASE_FILE_NAME);
    ourDatabase(legacy).close();
    // A process that commits a row and is killed before anything folds its log into the file.
    const crashed = spawnSync(
      process.execPath,
      [
        '-e',
        `const db = require('better-sqlite3')(${JSON.stringify(legacy)});
         db.pragma('wal_autocheckpoint = 0');
         db.prepare("INSERT INTO project (id, worktree, time_created, time_updated) VALUES ('p', '/w', 1, 1)").run();
         process.kill(process.pid, 'SIGKILL');`,
      ],
      { cwd: process.cwd() },
    );
    expect(crashed.signal).toBe('SIGKILL');
    expect(existsSync(`${legacy}-wal`)).toBe(true);

    expect(adoptOwnDatabase(dir)).toBe('moved');
    expect(existsSync(legacy)).toBe(false);
    expect(existsSync(`${legacy}-wal`)).toBe(false);
    const moved = new BetterSqlite3(join(dir, DATABASE_FILE_NAME), { readonly: true });
    expect(moved.prepare('SELECT id FROM project').pluck().all()).toEqual(['p']);
    moved.close();
    // Done once: nothing left to move.
    expect(adoptOwnDatabase(dir)).toBe('none');
  });

  it('leaves its database where it is while another process has it open', () => {
    const dir = tempDir();
    const legacy = join(dir, ORIGINAL_DATABASE_FILE_NAME);
    const open = ourDatabase(legacy);
    try {
      expect(adoptOwnDatabase(dir)).toBe('busy');
      expect(existsSync(legacy)).toBe(true);
      expect(existsSync(join(dir, DATABASE_FILE_NAME))).toBe(false);
    } finally {
      open.close();
    }
    expect(adoptOwnDatabase(dir)).toBe('moved');
  });

  it('never moves a database that is not its own, nor one when its own file exists', () => {
    const dir = tempDir();
    const other = new BetterSqlite3(join(dir, ORIGINAL_DATABASE_FILE_NAME));
    other.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY)');
    other.close();
    expect(adoptOwnDatabase(dir)).toBe('none');
    expect(existsSync(join(dir, ORIGINAL_DATABASE_FILE_NAME))).toBe(true);

    const both = tempDir();
    ourDatabase(join(both, ORIGINAL_DATABASE_FILE_NAME)).close();
    ourDatabase(join(both, DATABASE_FILE_NAME)).close();
    expect(adoptOwnDatabase(both)).toBe('none');
    expect(existsSync(join(both, ORIGINAL_DATABASE_FILE_NAME))).toBe(true);
  });
});
