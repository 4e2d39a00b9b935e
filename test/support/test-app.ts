import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { AppEnvironment } from '../../src/core/config/app-environment';
import type { ServerOptions } from '../../src/core/config/server-options';
import { createApp } from '../../src/main';
import { gitRepo, tempDir } from './fixtures';

export interface TestAppOptions {
  /** Extra environment variables (e.g. OPENCODE_SERVER_PASSWORD, provider keys). */
  env?: Record<string, string>;
  server?: Partial<ServerOptions>;
  /** The directory the server "starts in"; defaults to a fresh git repository. */
  directory?: string;
  /** Reuse the same HOME (and so the same database) as an earlier app: restart tests. */
  home?: string;
  /** Log at debug level into memory (`logs()`), to look for what must never be logged. */
  captureLogs?: boolean;
  /** Serve the browser client built into this directory (`buildWebClient()`), not dist/web. */
  webClientDirectory?: string;
}

export interface TestApp {
  app: NestFastifyApplication;
  /** supertest against the running server. */
  http: TestAgent;
  /** Base URL of the listening server (127.0.0.1, a free port). */
  url: string;
  home: string;
  directory: string;
  env: AppEnvironment;
  /** Everything logged so far (with `captureLogs`; empty otherwise). */
  logs(): string;
  close(): Promise<void>;
}

/**
 * Starts the real Fastify app on 127.0.0.1 with a free port and temp HOME/XDG directories, so
 * tests are hermetic: nothing of the developer's machine is read or written.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const home = options.home ?? tempDir('opencode-home-');
  const directory = options.directory ?? gitRepo();
  const env = new AppEnvironment(
    {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: `${home}/.config`,
      XDG_DATA_HOME: `${home}/.local/share`,
      XDG_STATE_HOME: `${home}/.local/state`,
      XDG_CACHE_HOME: `${home}/.cache`,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      // Offline: the bundled catalog. Catalog tests turn fetching on with a fake models.dev.
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      ...options.env,
    },
    directory,
  );
  const lines: string[] = [];
  const memory = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = options.captureLogs
    ? pino({ level: 'debug' }, memory)
    : pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const app = await createApp({
    env,
    server: { hostname: '127.0.0.1', ...options.server },
    logger,
    webClientDirectory: options.webClientDirectory,
  });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    http: request(url),
    url,
    home,
    directory,
    env,
    logs: () => lines.join(''),
    close: () => app.close(),
  };
}
