import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from './fixtures';

/**
 * The OFFICIAL opencode terminal client (npm `opencode-ai`, pinned in devDependencies; its binary
 * comes from the platform package it pulls in as an optional dependency, so nothing is fetched
 * when a test runs it).
 */
export const OPENCODE_CLIENT_BIN = join(__dirname, '..', '..', 'node_modules', '.bin', 'opencode');

/*
 * The client's events are read field by field against what the server stored, which a typed
 * shape would hide.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
/** One line of `opencode run --format json`: `step_start`, `text`, `tool_use`, `step_finish`, `error`... */
export interface ClientEvent {
  type: string;
  timestamp: number;
  sessionID: string;
  part?: Record<string, any> & { id: string; type: string };
  error?: Record<string, any>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface ClientRun {
  /** `null` when the process was killed (see `timedOut`). */
  code: number | null;
  /** The run took longer than its timeout and was killed. */
  timedOut: boolean;
  /** The JSON lines of stdout, parsed. */
  events: ClientEvent[];
  /** Lines of stdout that were not JSON (none are expected with `--format json`). */
  otherOutput: string[];
  stderr: string;
  durationMs: number;
}

export interface OpencodeRunOptions {
  /** `--continue`: the last root session. */
  continue?: boolean;
  /** `--session <id>`. */
  session?: string;
  /** `--fork` (with `continue` or `session`): the session is forked first. */
  fork?: boolean;
  /** `--dir`: the project directory on the server. */
  dir?: string;
  /** Killed (SIGKILL) after this long; default 20 s. */
  timeoutMs?: number;
}

/**
 * A terminal client with a HOME of its own: `run()` starts `opencode run --attach <url>
 * --format json <prompt>` against a server and collects what it printed.
 */
export interface OpencodeClient {
  home: string;
  run(url: string, prompt: string, options?: OpencodeRunOptions): Promise<ClientRun>;
}

export function opencodeClient(): OpencodeClient {
  const home = tempDir('opencode-client-home-');
  // Only what the client needs: nothing of the developer's environment (their own OPENCODE_*
  // settings, credentials) reaches it, and it never updates itself or fetches model lists.
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
  };
  return {
    home,
    run(url, prompt, options = {}) {
      const args = ['run', '--attach', url, '--format', 'json'];
      if (options.continue) args.push('--continue');
      if (options.session) args.push('--session', options.session);
      if (options.fork) args.push('--fork');
      if (options.dir) args.push('--dir', options.dir);
      // One argument per word, as a shell passes an unquoted prompt: the client joins them with
      // spaces but wraps an argument holding a space in quotes. `--` so that a word starting
      // with a dash is not read as an option. (A word that is a bare number makes the client
      // 1.18.33 crash before it sends anything: its argument parser hands it over as a number.)
      args.push('--', ...prompt.split(' '));
      return runClient(args, env, home, options.timeoutMs ?? 20_000);
    },
  };
}

function runClient(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  timeoutMs: number,
): Promise<ClientRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // stdin is /dev/null: the client reads a piped stdin to the end and adds it to the prompt.
    const child = spawn(OPENCODE_CLIENT_BIN, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const events: ClientEvent[] = [];
      const otherOutput: string[] = [];
      for (const line of Buffer.concat(stdout).toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          events.push(JSON.parse(line) as ClientEvent);
        } catch {
          otherOutput.push(line);
        }
      }
      resolve({
        code,
        timedOut,
        events,
        otherOutput,
        stderr: Buffer.concat(stderr).toString('utf8'),
        durationMs: Date.now() - started,
      });
    });
  });
}
