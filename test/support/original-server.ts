import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { OPENCODE_CLIENT_BIN } from './opencode-client';

/** The ORIGINAL opencode server (`opencode serve` of the pinned `opencode-ai` devDependency). */
export interface OriginalServer {
  url: string;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, and resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts the original server on a free port of 127.0.0.1 with `home` as HOME and XDG base
 * (the same layout `startTestApp` gives this server, so both meet in the same data directory),
 * `cwd` as its directory, and `config` as its config; offline (no updates, model lists or
 * language-server downloads).
 */
export async function startOriginalServer(options: {
  home: string;
  cwd: string;
  config: Record<string, unknown>;
}): Promise<OriginalServer> {
  const { home } = options;
  const port = await freePort();
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    XDG_CACHE_HOME: join(home, '.cache'),
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_CONFIG_CONTENT: JSON.stringify(options.config),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
  const child = spawn(
    OPENCODE_CLIENT_BIN,
    ['serve', '--port', String(port), '--hostname', '127.0.0.1'],
    { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const output = () => Buffer.concat(chunks).toString('utf8');
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the original server exited:\n${output()}`);
    try {
      // Bounded: it accepts connections some time before it answers them.
      const health = await fetch(`${url}/global/health`, { signal: AbortSignal.timeout(2000) });
      if (health.ok) break;
    } catch {
      // not listening or not answering yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the original server did not answer within 30 s:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
