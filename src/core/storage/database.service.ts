import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import BetterSqlite3, { Database } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AppEnvironment } from '../config/app-environment';
import {
  adoptOwnDatabase,
  DATABASE_FILE_NAME,
  ORIGINAL_DATABASE_FILE_NAME,
} from './database-files';
import { MIGRATIONS, Migration } from './migrations';

export { DATABASE_FILE_NAME } from './database-files';

/**
 * The embedded SQLite database: one file in the data directory, WAL journal (readers never wait
 * for the writer, and a crash loses nothing that was committed), foreign keys enforced.
 * Repositories are the only users of `connection`.
 */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseService.name);
  readonly connection: Database;
  /** The database file; `:memory:` when it could not be opened (see `persistent`). */
  readonly file: string;
  /**
   * False when the data directory or the database file could not be opened (read-only
   * directory, a corrupt file): the server then runs on an in-memory database and says so in
   * the log, rather than exiting and being restarted into the same failure by a process manager.
   */
  readonly persistent: boolean;
  /**
   * Other server processes of this host that were using the database when this one opened it.
   * While any runs, what the database holds as in progress may be theirs, not a crash's.
   */
  readonly otherLiveServers: number[];

  constructor(env: AppEnvironment) {
    const opened = this.open(env.paths.data);
    this.connection = opened.connection;
    this.file = opened.file;
    this.persistent = opened.file !== ':memory:';
    this.otherLiveServers = this.registerProcess();
  }

  /** Opens (creating or migrating) the database file, else an in-memory one. */
  private open(directory: string): { connection: Database; file: string } {
    let file = join(directory, DATABASE_FILE_NAME);
    try {
      mkdirSync(directory, { recursive: true });
      const adopted = adoptOwnDatabase(directory);
      if (adopted === 'moved') {
        this.logger.log(
          `moved this server's database from ${ORIGINAL_DATABASE_FILE_NAME} to ${DATABASE_FILE_NAME} (that name is the original opencode's)`,
        );
      } else if (adopted === 'busy') {
        file = join(directory, ORIGINAL_DATABASE_FILE_NAME);
        this.logger.warn(
          `this server's database ${file} is open in another process; using it where it is until a later start can move it to ${DATABASE_FILE_NAME}`,
        );
      }
      return { connection: this.prepare(new BetterSqlite3(file)), file };
    } catch (error) {
      this.logger.error(
        `cannot open the database ${file}: ${(error as Error).message}. Running on an in-memory database: sessions are lost when the server stops. Make ${directory} writable (or move the file aside) and restart.`,
      );
      return { connection: this.prepare(new BetterSqlite3(':memory:')), file: ':memory:' };
    }
  }

  private prepare(connection: Database): Database {
    try {
      connection.pragma('journal_mode = WAL');
      // NORMAL is durable under WAL against process crashes (what kill -9 tests); FULL would add
      // an fsync per commit for power-loss safety at a large cost in write throughput.
      connection.pragma('synchronous = NORMAL');
      connection.pragma('foreign_keys = ON');
      connection.pragma('busy_timeout = 5000');
      migrate(connection, MIGRATIONS, this.logger);
      return connection;
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  /**
   * Notes this process as a user of the database, forgetting the entries of processes of this
   * host that no longer exist; answers the other live ones. A reused pid may make a dead server
   * look alive: the caller then only leaves some work open for a later start to close.
   */
  private registerProcess(): number[] {
    const host = hostname();
    return this.transaction(() => {
      const rows = this.connection
        .prepare<[string], { pid: number }>('SELECT pid FROM server_process WHERE host = ?')
        .all(host);
      const forget = this.connection.prepare(
        'DELETE FROM server_process WHERE host = ? AND pid = ?',
      );
      const live: number[] = [];
      for (const { pid } of rows) {
        if (pid !== process.pid && isAlive(pid)) live.push(pid);
        else forget.run(host, pid);
      }
      this.connection
        .prepare('INSERT INTO server_process (host, pid, started) VALUES (?, ?, ?)')
        .run(host, process.pid, Date.now());
      return live;
    });
  }

  /** Runs `work` in one transaction: all of it is stored, or none of it. */
  transaction<T>(work: () => T): T {
    return this.connection.transaction(work)();
  }

  migrate(migrations: readonly Migration[]): void {
    migrate(this.connection, migrations, this.logger);
  }

  /**
   * Closes the database last: after the HTTP server has stopped and every module and instance has
   * run its clean-up (which may still write).
   */
  onApplicationShutdown(): void {
    if (!this.connection.open) return;
    this.connection
      .prepare('DELETE FROM server_process WHERE host = ? AND pid = ?')
      .run(hostname(), process.pid);
    // Fold the WAL back into the main file so a stopped server leaves one self-contained file.
    this.connection.pragma('wal_checkpoint(TRUNCATE)');
    this.connection.close();
  }
}

/** Runs the migrations `db` lacks, each in its own transaction. */
function migrate(db: Database, migrations: readonly Migration[], logger: Logger): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const migration of migrations.filter((m) => m.version > current)) {
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
    logger.log(`database migrated to v${migration.version} (${migration.name})`);
  }
}

/** Whether a process exists (signal 0 only checks); EPERM means it does, under another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
