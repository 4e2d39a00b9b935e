import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli } from '../support/cli-build';
import { gitRepo, tempDir } from '../support/fixtures';

/**
 * Under a process manager stderr (the log) is a pipe to a collector that may stop reading while
 * holding the pipe open. The server must keep answering with bounded memory, say how many lines
 * it dropped once the collector reads again, and still end within 5 s on SIGTERM.
 */

const LISTENING = /^opencode server listening on (http:\/\/[\d.]+:\d+)$/m;
/** One `app.log` entry's message: big, so a few hundred requests overflow any buffer. */
const MESSAGE = 'm'.repeat(256 * 1024);

/** Resident memory of a process, in bytes (Linux). */
function rss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]) * 1024;
}

describe('CLI: a log sink that stops reading', () => {
  let cli: string;
  const children: ChildProcessWithoutNullStreams[] = [];

  beforeAll(() => {
    cli = buildCli();
  }, 120_000);

  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  /**
   * `serve --log-level debug` whose stderr is a pipe nobody reads (yet): paused, the parent's end
   * stops taking data once its small buffer is full, and the 64 KiB pipe fills behind it.
   */
  async function serveWithStalledLog() {
    const home = tempDir('opencode-home-');
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--log-level', 'debug'], {
      cwd: gitRepo(),
      env: {
        PATH: process.env.PATH,
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_DATA_HOME: join(home, '.local/share'),
        XDG_STATE_HOME: join(home, '.local/state'),
        XDG_CACHE_HOME: join(home, '.cache'),
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        OPENCODE_DISABLE_MODELS_FETCH: '1',
      },
    });
    children.push(child);
    child.stderr.pause();
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    const deadline = Date.now() + 20_000;
    let match: RegExpExecArray | null;
    while (!(match = LISTENING.exec(stdout))) {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('no listening line');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const url = match[1];

    /** `count` big `app.log` entries, eight at a time; every one must be answered `true`. */
    const log = async (count: number, message = MESSAGE) => {
      let next = 0;
      const worker = async () => {
        while (next < count) {
          next++;
          const response = await fetch(`${url}/log`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ service: 'log-sink-test', level: 'info', message }),
          });
          expect(response.status).toBe(200);
          expect(await response.json()).toBe(true);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    };

    const stop = async () => {
      const sent = Date.now();
      child.kill('SIGTERM');
      const result = await exit;
      return { ...result, ms: Date.now() - sent };
    };
    return { child, url, log, stop };
  }

  it('keeps answering with bounded memory, and exits 0 within 5 s on SIGTERM', async () => {
    const server = await serveWithStalledLog();
    // 75 MiB of log text per round against a sink that takes none of it. The first round lets
    // the heap settle (garbage of the requests' bodies is collected lazily); an unbounded buffer
    // then grows by every round's text, a bounded one not at all.
    await server.log(300);
    const settled = rss(server.child.pid!);
    await server.log(300);
    await server.log(300);
    const health = await fetch(`${server.url}/global/health`);
    expect(health.status).toBe(200);
    // An unbounded buffer grows by the two rounds' 150 MiB; the margin below that is for the
    // heap's own growth on a loaded machine (60 MiB was seen once in CI).
    expect(rss(server.child.pid!) - settled).toBeLessThan(100 * 1024 * 1024);

    const { code, signal, ms } = await server.stop();
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(ms).toBeLessThan(5000);
  }, 90_000);

  it('says how many lines it dropped once the sink reads again, then logs as before', async () => {
    const server = await serveWithStalledLog();
    await server.log(40);

    let stderr = '';
    server.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    server.child.stderr.resume();
    const deadline = Date.now() + 15_000;
    while (!/"droppedLines":\d+/.test(stderr)) {
      if (Date.now() > deadline) throw new Error('no dropped-lines notice');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await server.log(1, 'after the stall');
    const { code, ms } = await server.stop();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);

    const lines = stderr
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg?: string; droppedLines?: number; level: number });
    const notices = lines.filter((line) => line.droppedLines !== undefined);
    expect(notices).toHaveLength(1);
    const [notice] = notices;
    // 40 entries of 256 KiB against a 4 MiB buffer: most of them did not fit.
    expect(notice.droppedLines).toBeGreaterThan(10);
    expect(notice.msg).toBe(
      `dropped ${notice.droppedLines} log lines: the log sink did not read them in time`,
    );
    expect(notice.level).toBe(40);
    // Logging goes on after the notice, down to the last line before the exit.
    const after = lines.slice(lines.indexOf(notice));
    expect(after.map((line) => line.msg)).toContain('after the stall');
    expect(lines.at(-1)?.msg).toBe('stopped');
  }, 60_000);
});
