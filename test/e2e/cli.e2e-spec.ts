import { ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { join } from 'node:path';
import { DATABASE_FILE_NAME } from '../../src/core/storage/database-files';
import { resolveServerOptions, ServeFlags } from '../../src/cli';
import { isLoopbackHost } from '../../src/core/http/mdns';
import { buildCli } from '../support/cli-build';
import { gitRepo, tempDir } from '../support/fixtures';
import { connectSse, frameType } from '../support/sse-client';

const ROOT = join(__dirname, '..', '..');
const LISTENING = /^opencode server listening on http:\/\/([\d.]+):(\d+)$/m;
const packageVersion = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

interface Run {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('CLI: opencode', () => {
  let cli: string;
  const children: ChildProcessWithoutNullStreams[] = [];

  function hermeticEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local/share'),
      XDG_STATE_HOME: join(home, '.local/state'),
      XDG_CACHE_HOME: join(home, '.cache'),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      ...extra,
    };
  }

  function run(args: string[], options: { env?: Record<string, string>; home?: string } = {}) {
    const home = options.home ?? tempDir('opencode-home-');
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: gitRepo(),
      env: hermeticEnv(home, options.env),
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    const result: Run = { child, stdout: () => stdout, stderr: () => stderr, exit };
    return { ...result, home };
  }

  /** Waits for the exact line clients (the official SDK's launcher) wait for. */
  async function listening(started: Run, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = LISTENING.exec(started.stdout());
      if (match) return `http://${match[1] === '0.0.0.0' ? '127.0.0.1' : match[1]}:${match[2]}`;
      if (started.child.exitCode !== null)
        throw new Error(`exited ${started.child.exitCode}: ${started.stderr()}`);
      if (Date.now() > deadline) throw new Error(`no listening line: ${started.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function stop(started: Run, signal: NodeJS.Signals = 'SIGTERM') {
    const sent = Date.now();
    started.child.kill(signal);
    const result = await started.exit;
    return { ...result, ms: Date.now() - sent };
  }

  /** A short-lived command (help, bad flags): its exit code and output. */
  function runToEnd(args: string[]) {
    const result = spawnSync(process.execPath, [cli, ...args], {
      cwd: tempDir(),
      env: hermeticEnv(tempDir('opencode-home-')),
      encoding: 'utf8',
      timeout: 15_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  beforeAll(() => {
    cli = buildCli({ web: true });
  }, 120_000);

  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('serve: prints the listening line, answers health, exits 0 on SIGTERM', async () => {
    const server = run(['serve', '--port', '0']);
    const url = await listening(server);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // stdout carries that line only: logs go to stderr.
    expect(server.stdout()).toMatch(/^opencode server listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    const health = await fetch(`${url}/global/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ healthy: true, version: packageVersion });

    const { code, signal, ms } = await stop(server);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(ms).toBeLessThan(5000);
    // Logs are structured JSON lines, flushed to the last one before the process exits.
    const lines = server
      .stderr()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg?: string });
    expect(lines.at(-1)?.msg).toBe('stopped');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'ends SSE streams and exits 0 within 5 s on %s with a client connected',
    async (signal) => {
      const server = run(['serve', '--port', '0']);
      const url = await listening(server);
      const sse = connectSse(`${url}/event`);
      const global = connectSse(`${url}/global/event`);
      expect(frameType(await sse.waitFor(() => true))).toBe('server.connected');
      await global.waitFor(() => true);

      const { code, ms } = await stop(server, signal);
      expect(code).toBe(0);
      expect(ms).toBeLessThan(5000);
      await Promise.all([sse.ended, global.ended]);
      expect(frameType(sse.frames.at(-1)!)).toBe('server.instance.disposed');
      // Storage is flushed: the WAL is folded back into the database file.
      const file = join(server.home, '.local/share/opencode', DATABASE_FILE_NAME);
      expect(existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0).toBe(0);
      expect(existsSync(file)).toBe(true);
    },
  );

  it('serve --help lists every flag with its default', () => {
    const { code, stdout } = runToEnd(['serve', '--help']);
    expect(code).toBe(0);
    // One entry per flag (a line indented by two), with commander's line wrapping undone.
    const entries = stdout
      .slice(stdout.indexOf('Options:'))
      .split(/\n(?= {2}\S)/)
      .slice(1)
      .map((entry) => entry.replace(/\s+/g, ' ').trim());
    const byFlag = Object.fromEntries(
      entries.map((e) => [/--[\w-]+/.exec(e)?.[0], e]).filter(([flag]) => flag !== '--help'),
    );
    expect(Object.keys(byFlag)).toEqual([
      '--port',
      '--hostname',
      '--mdns',
      '--mdns-domain',
      '--cors',
      '--allow-dir',
      '--log-level',
    ]);
    expect(byFlag['--port']).toContain('(default: 4096)');
    expect(byFlag['--hostname']).toContain('default: 127.0.0.1');
    expect(byFlag['--mdns']).toContain('(default: false)');
    expect(byFlag['--mdns-domain']).toContain('(default: "opencode.local")');
    expect(byFlag['--cors']).toContain('(default: [])');
    expect(byFlag['--allow-dir']).toContain('OPENCODE_ALLOWED_DIRECTORIES');
    expect(byFlag['--log-level']).toContain('default:');
  });

  it('--help lists the serve and web commands', () => {
    const { code, stdout } = runToEnd(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\s+serve\b/m);
    expect(stdout).toMatch(/^\s+web\b/m);
  });

  it.each([
    [['serve', '--port', '70000'], /port/],
    [['serve', '--port', 'abc'], /port/],
    [['serve', '--bogus'], /--bogus/],
    [['serve', '--log-level', 'loud'], /log-level/],
    [['frobnicate'], /frobnicate/],
  ])('%j exits non-zero with a one-line message', (args, mentions) => {
    const { code, stdout, stderr } = runToEnd(args);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(stdout).toBe('');
    const lines = stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(mentions);
  });

  it('exits non-zero with a one-line message when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const server = run(['serve', '--port', String(port)]);
      const { code } = await server.exit;
      expect(code).not.toBe(0);
      expect(server.stdout()).toBe('');
      expect(server.stderr()).toMatch(/EADDRINUSE/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('allows every repeated --cors origin', async () => {
    const server = run([
      'serve',
      '--port',
      '0',
      '--cors',
      'https://a.example',
      '--cors',
      'https://b.example',
    ]);
    const url = await listening(server);
    for (const origin of ['https://a.example', 'https://b.example']) {
      const res = await fetch(`${url}/global/health`, { headers: { origin } });
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    }
    const other = await fetch(`${url}/global/health`, { headers: { origin: 'https://c.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect((await stop(server)).code).toBe(0);
  });

  it('--log-level debug logs one structured line per request on stderr', async () => {
    const server = run(['serve', '--port', '0', '--log-level', 'debug']);
    const url = await listening(server);
    await fetch(`${url}/global/health`);
    expect((await stop(server)).code).toBe(0);
    const lines = server
      .stderr()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'request', method: 'GET', url: '/global/health' }),
    );
  });

  it('--mdns on a loopback --hostname listens there and announces nothing', async () => {
    const server = run(['serve', '--port', '0', '--mdns', '--hostname', '127.0.0.1']);
    const url = await listening(server);
    expect((await fetch(`${url}/global/health`)).status).toBe(200);
    expect((await stop(server)).code).toBe(0);
    expect(server.stderr()).toMatch(/mDNS enabled but hostname is loopback/);
    expect(server.stderr()).not.toMatch(/mDNS service published/);
  });

  it('web: prints the browser client and Swagger UI URLs, and needs no display', async () => {
    const server = run(['web', '--port', '0'], { env: { OPENCODE_SERVER_PASSWORD: 'pw' } });
    const url = await listening(server);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const authorization = `Basic ${Buffer.from('opencode:pw').toString('base64')}`;
    const clientUrl = /^Web interface: (\S+)$/m.exec(server.stdout())?.[1];
    expect(clientUrl).toBe(`${url}/`);
    // The build put the client beside the CLI (dist/web).
    expect((await fetch(clientUrl!)).status).toBe(401);
    const client = await fetch(clientUrl!, { headers: { authorization } });
    expect(client.status).toBe(200);
    expect(await client.text()).toContain('<div id="app">');
    const docUrl = /^API browser: (\S+)$/m.exec(server.stdout())?.[1];
    expect(docUrl).toBe(`${url}/doc/ui/`);
    // The password applies to `web` as to `serve`.
    expect((await fetch(docUrl!)).status).toBe(401);
    const page = await fetch(docUrl!, { headers: { authorization } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
    expect((await stop(server)).code).toBe(0);
  });
});

describe('CLI: listening address', () => {
  const flags = (overrides: Partial<ServeFlags>): ServeFlags => ({
    port: 4096,
    mdns: false,
    mdnsDomain: 'opencode.local',
    cors: [],
    ...overrides,
  });

  it('listens on 127.0.0.1 by default', () => {
    expect(resolveServerOptions(flags({}))).toMatchObject({ hostname: '127.0.0.1', port: 4096 });
  });

  it('listens on every interface with --mdns and no --hostname, so peers can reach it', () => {
    expect(resolveServerOptions(flags({ mdns: true })).hostname).toBe('0.0.0.0');
  });

  it('keeps an explicit --hostname with --mdns', () => {
    expect(resolveServerOptions(flags({ mdns: true, hostname: '10.1.2.3' })).hostname).toBe(
      '10.1.2.3',
    );
  });

  it('keeps the flags and the default heartbeat', () => {
    expect(resolveServerOptions(flags({ port: 0, cors: ['https://x.example'] }))).toEqual({
      port: 0,
      hostname: '127.0.0.1',
      mdns: false,
      mdnsDomain: 'opencode.local',
      cors: ['https://x.example'],
      allowedDirectories: [],
      heartbeatIntervalMs: 10_000,
    });
  });

  it('announces over mDNS only when the address is reachable from the network', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '192.168.1.10', 'myhost.local'])
      expect(isLoopbackHost(host)).toBe(false);
  });
});
