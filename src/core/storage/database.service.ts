import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import BetterSqlite3, { Database } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { AppEnvironment } from '../config/app-environment';
import { MIGRATIONS, Migration } from './migrations';

export const DATABASE_FILE_NAME = 'opencode.db';

/**
 * The embedded SQLite database: one file in the data directory, WAL journal (readers never wait
 * for the writer, and a crash loses nothing that was committed), foreign keys enforced.
 * Repositories are the only users of `connection`.
 */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseService.name);
  readonly connection: Database;
  readonly file: string;
  /**
   * Other server processes of this host that were using the database when this one opened it.
   * While any runs, what the database holds as in progress may be theirs, not a crash's.
   */
  readonly otherLiveServers: number[];

  constructor(env: AppEnvironment) {
    this.file = join(env.paths.data, DATABASE_FILE_NAME);
    mkdirSync(dirname(this.file), { recursive: true });
    this.connection = new BetterSqlite3(this.file);
    this.connection.pragma('journal_mode = WAL');
    // NORMAL is durable under WAL against process crashes (what kill -9 tests); FULL would add an
    // fsync per commit for power-loss safety at a large cost in write throughput.
    this.connection.pragma('synchronous = NORMAL');
    this.connection.pragma('foreign_keys = ON');
    this.connection.pragma('busy_timeout = 5000');
    this.migrate(MIGRATIONS);
    this.otherLiveServers = this.registerProcess();
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
    const current = this.connection.pragma('user_version', { simple: true }) as number;
    for (const migration of migrations.filter((m) => m.version > current)) {
      this.connection.transaction(() => {
        migration.up(this.connection);
        this.connection.pragma(`user_version = ${migration.version}`);
      })();
      this.logger.log(`database migrated to v${migration.version} (${migration.name})`);
    }
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

/** Whether a process exists (signal 0 only checks); EPERM means it does, under another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
