import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
export const CLI = join(ROOT, 'dist', 'cli.js');
const LISTENING = /opencode server listening on (http:\/\/[\d.]+:\d+)/;

export interface BenchServer {
  url: string;
  pid: number;
  /** From spawn to the listening line, and to the first 200 of /global/health. */
  listeningMs: number;
  healthyMs: number;
  stop(): Promise<number | null>;
}

export interface ServerProcessOptions {
  /** What node runs before `serve` (default: the V8 flag of the binary and `dist/cli.js`). */
  entry?: string[];
  /** Its working directory, the project (default: a fresh, empty git repository). */
  project?: string;
  /** Its HOME (default: a fresh temporary directory): reuse one to restart on the same data. */
  home?: string;
  /** Environment added to the hermetic one (config, log level). */
  env?: Record<string, string>;
  /** Flags after `serve --port 0`. */
  args?: string[];
}

const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};

export function tempDir(prefix: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

/** A fresh git repository with one (empty) commit. */
export function benchRepository(): string {
  const project = tempDir('opencode-bench-repo-');
  const env = { ...process.env, ...GIT_ENV };
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: project, env });
  execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'bench'], { cwd: project, env });
  return project;
}

/**
 * Starts the server as a child process, as a user would run it (the built CLI by default), with
 * a temporary HOME and nothing of the machine's git or opencode configuration; resolves once it
 * answers `/global/health`.
 */
export async function startBuiltServer(options: ServerProcessOptions = {}): Promise<BenchServer> {
  const entry = options.entry ?? ['--max-semi-space-size=4', CLI];
  if (!options.entry && !existsSync(CLI)) {
    throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  }
  const home = options.home ?? tempDir('opencode-bench-home-');
  const project = options.project ?? benchRepository();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...entry, 'serve', '--port', '0', ...(options.args ?? [])],
    {
      cwd: project,
      env: {
        PATH: process.env.PATH,
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_DATA_HOME: join(home, '.local/share'),
        XDG_STATE_HOME: join(home, '.local/state'),
        XDG_CACHE_HOME: join(home, '.cache'),
        ...GIT_ENV,
        OPENCODE_LOG_LEVEL: 'warn',
        // Offline and comparable runs: the bundled model catalog, never a fetch.
        OPENCODE_DISABLE_MODELS_FETCH: '1',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = LISTENING.exec(out);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const listeningMs = performance.now() - started;
  for (;;) {
    const res = await fetch(`${url}/global/health`).catch(() => undefined);
    if (res?.status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const healthyMs = performance.now() - started;
  return { url, pid: child.pid!, listeningMs, healthyMs, stop: () => stop(child) };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** Resident set size of a process in MB (Linux /proc, else `ps`). */
export function rssMb(pid: number): number {
  const status = `/proc/${pid}/status`;
  if (existsSync(status)) {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(status, 'utf8'))?.[1];
    return Number(kb) / 1024;
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' })) / 1024;
}

/** CPU time (user + system, every thread) the process has used so far, in ms; NaN without /proc. */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

export const fmt = (value: number, digits = 1): string => value.toFixed(digits);

export function verdict(ok: boolean): string {
  return ok ? 'ok' : 'MISSED';
}
