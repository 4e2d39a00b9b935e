import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../../../test/support/fixtures';
import { AppEnvironment } from '../config/app-environment';
import { DatabaseService } from './database.service';

describe('DatabaseService: the server processes using the database', () => {
  const home = tempDir();
  const env = new AppEnvironment({ HOME: home, XDG_DATA_HOME: join(home, 'data') }, home);
  const pids = (db: DatabaseService) =>
    db.connection
      .prepare<[], { pid: number }>('SELECT pid FROM server_process ORDER BY pid')
      .all()
      .map((row) => row.pid);

  it('reports other live servers of this host, forgets dead ones, and leaves at shutdown', () => {
    const first = new DatabaseService(env);
    expect(first.otherLiveServers).toEqual([]);
    // A process that has exited (a crashed server), and one that runs (the test runner's parent).
    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    const insert = first.connection.prepare(
      'INSERT INTO server_process (host, pid, started) VALUES (?, ?, ?)',
    );
    insert.run(hostname(), exited, 1);
    insert.run(hostname(), process.ppid, 1);
    first.onApplicationShutdown();

    const second = new DatabaseService(env);
    expect(second.otherLiveServers).toEqual([process.ppid]);
    expect(pids(second)).toEqual([process.pid, process.ppid].sort((a, b) => a - b));
    second.onApplicationShutdown();
  });
});
