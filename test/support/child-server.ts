import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '..', '..');

/** A session with stored turns that `session-server.ts` made before listening. */
export interface Seeded {
  sessionID: string;
  messages: number;
  parts: number;
}

export interface ChildServer {
  url: string;
  seeded?: Seeded;
  process: ChildProcess;
  /** SIGKILL: the server stops as in a crash, with nothing closed or flushed. */
  kill(): Promise<void>;
}

export interface ChildServerOptions {
  /** Stored turns of a seeded session (see `session-server.ts`). */
  seedTurns?: number;
  /** `OPENCODE_CONFIG_CONTENT`: a provider on a fake model server, for instance. */
  config?: object;
}

/**
 * Starts the server in its own process (`test/support/session-server.ts`, in `directory`, with
 * `home` as HOME and XDG directories), so a test can kill it with SIGKILL.
 */
export async function spawnServer(
  home: string,
  directory: string,
  options: ChildServerOptions = {},
): Promise<ChildServer> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      join(ROOT, 'test/support/register-ts-cached.js'),
      join(ROOT, 'test/support/session-server.ts'),
    ],
    {
      cwd: directory,
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
        SEED_TURNS: String(options.seedTurns ?? 0),
        ...(options.config && { OPENCODE_CONFIG_CONTENT: JSON.stringify(options.config) }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    void exited.then(() => reject(new Error(`server exited before listening: ${stderr}`)));
  });
  const ready = JSON.parse(line) as { url: string; seeded?: Seeded };
  return {
    ...ready,
    process: child,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
