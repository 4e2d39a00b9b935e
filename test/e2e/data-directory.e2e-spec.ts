import BetterSqlite3 from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_FILE_NAME } from '../../src/core/storage/database-files';
import { tempDir } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * What the server does with the files it finds in its data directory, and with a data directory
 * it cannot use: never a crash (a process manager would restart it into the same failure), a
 * log line that names the file and says what happens, and nothing of someone else's touched.
 */
describe('the data directory', () => {
  let app: TestApp | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  /** A HOME whose data directory holds `files` (name -> bytes). */
  function homeWith(files: Record<string, Buffer>): { home: string; dataDir: string } {
    const home = tempDir('opencode-home-');
    const dataDir = join(home, '.local/share/opencode');
    mkdirSync(dataDir, { recursive: true });
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dataDir, name), bytes);
    return { home, dataDir };
  }

  /** The server works: a session is created and read back. */
  async function worksFor(t: TestApp): Promise<void> {
    await t.http.get('/global/health').expect(200);
    const session = (await t.http.post('/session').send({}).expect(200)).body as { id: string };
    await t.http.get(`/session/${session.id}`).expect(200);
  }

  function unknownSqliteDatabase(): Buffer {
    const dir = tempDir();
    const db = new BetterSqlite3(join(dir, 'other.db'));
    db.exec(
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('mine')",
    );
    db.close();
    return readFileSync(join(dir, 'other.db'));
  }

  it.each([
    ['a corrupt file', () => randomBytes(8192)],
    ['a SQLite database of another schema', unknownSqliteDatabase],
  ])('leaves %s named opencode.db alone, says so once, and starts', async (_name, bytes) => {
    const content = bytes();
    const { home, dataDir } = homeWith({ 'opencode.db': content });
    app = await startTestApp({ home, captureLogs: true });
    await worksFor(app);
    const logs = app.logs();
    expect(logs).toContain(`left ${join(dataDir, 'opencode.db')} alone`);
    expect(logs.match(/left .* alone/g)).toHaveLength(1);
    expect(readFileSync(join(dataDir, 'opencode.db')).equals(content)).toBe(true);
  });

  it('runs on an in-memory database when its own file is corrupt, says so, and leaves the file as it was', async () => {
    const content = randomBytes(8192);
    const { home, dataDir } = homeWith({ [DATABASE_FILE_NAME]: content });
    app = await startTestApp({ home, captureLogs: true });
    await worksFor(app);
    const logs = app.logs();
    expect(logs).toContain(`cannot open the database ${join(dataDir, DATABASE_FILE_NAME)}`);
    expect(logs).toContain('Running on an in-memory database');
    expect(readFileSync(join(dataDir, DATABASE_FILE_NAME)).equals(content)).toBe(true);
  });

  it.each([
    [
      'that cannot be created (a file in its way)',
      () => {
        const home = tempDir('opencode-home-');
        const blocker = join(home, 'not-a-directory');
        writeFileSync(blocker, 'x');
        return { home, dataHome: blocker };
      },
    ],
    // /sys refuses new directories even to root, which a chmod-ed directory would not.
    [
      'on a file system the server may not write',
      () => ({
        home: tempDir('opencode-home-'),
        dataHome: '/sys',
      }),
    ],
  ])(
    'starts with a data directory %s, on an in-memory database, with a clear error',
    async (_name, layout) => {
      const { home, dataHome } = layout();
      app = await startTestApp({ home, env: { XDG_DATA_HOME: dataHome }, captureLogs: true });
      await worksFor(app);
      const logs = app.logs();
      expect(logs).toContain(
        `cannot open the database ${join(dataHome, 'opencode', DATABASE_FILE_NAME)}`,
      );
      expect(logs).toContain(`Make ${join(dataHome, 'opencode')} writable`);
    },
  );
});
