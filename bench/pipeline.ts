/**
 * The request pipeline against its physical limit (issue 13): this server (the built CLI) and a
 * bare Fastify twin (`bench/twin.ts`: the same fastify and better-sqlite3, the same node flags)
 * that answers from memory the bytes this server answered once, measured in alternating short
 * turns on the same machine so both see the same load. Prints both sides, the ratio and the
 * target of each figure:
 * - `GET /global/health` >= 0.5 of the twin;
 * - `GET /session?limit=100` with 1,000 sessions >= 0.25;
 * - `GET /file/content` of a 100 KB tracked file >= 0.3;
 * - 1,000 sequential `POST /session` >= 0.3 of a bare route inserting a row (better-sqlite3, WAL);
 * - start to first healthy answer on a fresh HOME <= 0.5 s, RSS 2 s after start <= 90 MB; beside
 *   it, where the start goes (`bench/startup.ts`: one start under `--cpu-prof`, by package, Nest
 *   init, GC) and the floors of the stack (a bare Fastify + better-sqlite3 app, and a one-route
 *   Nest app that loads the same libraries, `bench/nest-floor.ts`), started the same way;
 * - one event to 1,000 `/event` clients in <= 1.5x the time the twin takes to write it.
 * Throughput comes from wrk (2 threads, 50 connections) when it is installed, else autocannon;
 * `OPENCODE_BENCH_LOAD=autocannon` forces the latter. Server CPU per request, read from
 * /proc/<pid>/stat, is printed beside req/s: it does not depend on how much of the machine the
 * load generator takes.
 *
 * Run: `npm run build && npm run bench -- pipeline` (or `npx ts-node bench/pipeline.ts`);
 * `OPENCODE_BENCH_CLI=<path/to/cli.js>` runs another build.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { autocannon } from './autocannon';
import {
  benchRepository,
  CLI,
  cpuMs,
  fmt,
  percentile,
  rssMb,
  startBuiltServer,
  tempDir,
  verdict,
  type BenchServer,
} from './server';
import { connect as connectSse, type Client as SseClient } from './sse-fanout';
import {
  freshHomeEnv,
  measureStart,
  profileStart,
  START_BUCKETS,
  type StartFigures,
} from './startup';
import type { TwinConfig, TwinRoute } from './twin';

const ROOT = join(__dirname, '..');
/** The node flag of the binary (src/cli.ts), given to the twin as well. */
const NODE_FLAGS = ['--max-semi-space-size=4'];
const THREADS = 2;
const CONNECTIONS = 50;
/** Measured turns per side and route, each this long, the two sides alternating. */
const TURNS = 5;
const TURN_S = 3;
const WARMUP_S = 2;
const SESSIONS = 1_000;
const CREATES = 1_000;
const SSE_CLIENTS = 1_000;
/** Fan-out rounds per side: each is a few ms, so more of them than load turns. */
const SSE_ROUNDS = 20;
const STARTS = 3;
const BIG_FILE = 'docs/notes.md';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const median = (values: number[]) => percentile(sorted(values), 50);
const q = encodeURIComponent;

// ---------------------------------------------------------------------------------------------
// A minimal keep-alive HTTP/1.1 client on one socket, for sequential requests: fetch costs the
// client ~100 µs per request, which would hide the difference between the two servers.

interface RawResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

class HttpConnection {
  private received: Buffer = Buffer.alloc(0);
  private waiting?: { resolve: (response: RawResponse) => void; reject: (error: Error) => void };

  private constructor(
    private readonly socket: net.Socket,
    private readonly host: string,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
      this.parse();
    });
    socket.on('error', (error) => this.waiting?.reject(error));
    socket.on('close', () => this.waiting?.reject(new Error('connection closed')));
  }

  static open(url: string): Promise<HttpConnection> {
    const { hostname, port, host } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () =>
        resolve(new HttpConnection(socket, host)),
      );
      socket.once('error', reject);
    });
  }

  request(method: string, path: string, json?: unknown): Promise<RawResponse> {
    const body = json === undefined ? '' : JSON.stringify(json);
    const head =
      `${method} ${path} HTTP/1.1\r\nHost: ${this.host}\r\n` +
      (json === undefined ? '' : 'Content-Type: application/json\r\n') +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(head + body);
    });
  }

  close(): void {
    this.waiting = undefined;
    this.socket.destroy();
  }

  /** Every answer measured here has a Content-Length (none is chunked). */
  private parse(): void {
    const end = this.received.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const head = this.received.subarray(0, end).toString('latin1');
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
    if (length === undefined) {
      this.waiting.reject(new Error(`an answer without Content-Length: ${head}`));
      return;
    }
    const total = end + 4 + Number(length);
    if (this.received.length < total) return;
    const response: RawResponse = {
      status: Number(head.slice(9, 12)),
      contentType: /\r\ncontent-type:\s*([^\r]*)/i.exec(head)?.[1] ?? '',
      body: Buffer.from(this.received.subarray(end + 4, total)),
    };
    this.received = this.received.subarray(total);
    const { resolve } = this.waiting;
    this.waiting = undefined;
    resolve(response);
  }
}

async function expectOk(response: Promise<RawResponse>, what: string): Promise<RawResponse> {
  const answer = await response;
  if (answer.status !== 200) {
    throw new Error(`${what}: ${answer.status} ${answer.body.toString().slice(0, 300)}`);
  }
  return answer;
}

// ---------------------------------------------------------------------------------------------
// The load generator.

interface LoadTurn {
  rate: number;
  requests: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU (user + system, every thread) per answered request. */
  cpuUs: number;
}

const run = promisify(execFile);

function wrkInstalled(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk prints its version and exits with 1; only a missing binary is ENOENT.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

const LOAD_GENERATOR =
  process.env.OPENCODE_BENCH_LOAD === 'autocannon' || !wrkInstalled() ? 'autocannon' : 'wrk';

/** wrk's durations: `812.00us`, `1.20ms`, `2.01s`. */
function wrkMs(text: string | undefined): number {
  const match = /([\d.]+)(us|ms|s)/.exec(text ?? '');
  if (!match) return NaN;
  const scale = { us: 0.001, ms: 1, s: 1000 }[match[2] as 'us' | 'ms' | 's'];
  return Number(match[1]) * scale;
}

async function generateLoad(url: string, seconds: number): Promise<Omit<LoadTurn, 'cpuUs'>> {
  if (LOAD_GENERATOR === 'wrk') {
    const { stdout } = await run('wrk', [
      `-t${THREADS}`,
      `-c${CONNECTIONS}`,
      `-d${seconds}s`,
      '--latency',
      url,
    ]);
    const done = /(\d+) requests in ([\d.]+)(\w+)/.exec(stdout);
    if (!done) throw new Error(`wrk printed no result:\n${stdout}`);
    const requests = Number(done[1]);
    const elapsedS = wrkMs(`${done[2]}${done[3]}`) / 1000;
    const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/
      .exec(stdout)
      ?.slice(1)
      .reduce((sum, n) => sum + Number(n), 0);
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
    return {
      requests,
      rate: requests / elapsedS,
      failures: (socketErrors ?? 0) + non2xx,
      p50Ms: wrkMs(/\s50%\s+(\S+)/.exec(stdout)?.[1]),
      p99Ms: wrkMs(/\s99%\s+(\S+)/.exec(stdout)?.[1]),
    };
  }
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
  return {
    requests: result.requests.average * seconds,
    rate: result.requests.average,
    failures: result.errors + result.timeouts + result.non2xx,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}

async function loadTurn(pid: number, url: string, seconds: number): Promise<LoadTurn> {
  const before = cpuMs(pid);
  const result = await generateLoad(url, seconds);
  const cpuUs = ((cpuMs(pid) - before) * 1000) / Math.max(1, result.requests);
  return { ...result, cpuUs };
}

/**
 * CPU time of the process's threads in ms, from the scheduler's nanosecond counters
 * (/proc/<pid>/task/<tid>/schedstat), for intervals of a few ms where the 10 ms ticks of
 * /proc/<pid>/stat are too coarse. A thread that exits takes its time with it: short intervals
 * only. NaN without /proc.
 */
function threadsCpuMs(pid: number): number {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return NaN;
  }
  let ns = 0;
  for (const task of tasks) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return ns / 1e6;
}

// ---------------------------------------------------------------------------------------------
// The two servers.

interface Side {
  name: 'ours' | 'twin';
  url: string;
  pid: number;
}

interface BenchTwin extends Side {
  healthyMs: number;
  stop(): Promise<void>;
}

/** Transpiles a bench script (twin.ts) next to the checkout's node_modules: no ts-node needed. */
function compileScript(name: string): string {
  const source = readFileSync(join(__dirname, `${name}.ts`), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  const dir = join(ROOT, '.bench-tmp', 'pipeline');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.js`);
  writeFileSync(file, outputText);
  return file;
}

async function startTwin(config: TwinConfig): Promise<BenchTwin> {
  const configFile = join(tempDir('opencode-bench-twin-'), 'config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const script = compileScript('twin');
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...NODE_FLAGS, script, configFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /twin listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`the twin exited with ${code}`)));
  });
  const health = await HttpConnection.open(url);
  await expectOk(health.request('GET', '/global/health'), 'twin /global/health');
  health.close();
  const healthyMs = performance.now() - started;
  return {
    name: 'twin',
    url,
    pid: child.pid!,
    healthyMs,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A git repository with a ~100 KB tracked markdown file (BIG_FILE). */
function projectWithBigFile(): string {
  const project = benchRepository();
  let text = '# Notes\n\n';
  for (let section = 0; Buffer.byteLength(text) < 100 * 1024; section++) {
    text += `## Section ${section}\n\nThe session layer keeps its state per instance; `;
    text += `see packages/pkg${section % 25}/src for the details of step ${section}.\n\n`;
  }
  mkdirSync(join(project, 'docs'));
  writeFileSync(join(project, BIG_FILE), text);
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: project,
      stdio: 'ignore',
      env: {
        ...process.env,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_AUTHOR_NAME: 'bench',
        GIT_AUTHOR_EMAIL: 'bench@example.com',
        GIT_COMMITTER_NAME: 'bench',
        GIT_COMMITTER_EMAIL: 'bench@example.com',
      },
    });
  git('add', '-A');
  git('commit', '-q', '-m', 'notes');
  return project;
}

// ---------------------------------------------------------------------------------------------
// Figures and the table.

interface Figure {
  label: string;
  ours: string;
  twin: string;
  ratio: string;
  target: string;
  ok?: boolean;
}

const WIDTHS = { label: 56, ours: 18, twin: 18, ratio: 9, target: 8 };

/** Prints one line of the table (the header without a verdict). */
function printFigure(figure: Figure): void {
  const mark = figure.ok === undefined ? '' : verdict(figure.ok);
  process.stdout.write(
    `${figure.label.padEnd(WIDTHS.label)} ${figure.ours.padStart(WIDTHS.ours)} ` +
      `${figure.twin.padStart(WIDTHS.twin)} ${figure.ratio.padStart(WIDTHS.ratio)} ` +
      `${figure.target.padStart(WIDTHS.target)}  ${mark}\n`,
  );
}

const sizeOf = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${fmt(bytes / 1024, 1)} KB`);

const range = (values: number[], digits = 0) =>
  `${fmt(Math.min(...values), digits)}-${fmt(Math.max(...values), digits)}`;

/**
 * One GET route under load: a warm-up turn on each side, then TURNS turns per side, alternating
 * and swapping which side goes first, so slow drift of the machine's load hits both alike.
 */
async function compareLoad(
  label: string,
  path: string,
  sides: [Side, Side],
  target: number,
): Promise<Figure[]> {
  for (const side of sides) await generateLoad(`${side.url}${path}`, WARMUP_S);
  const turns: Record<Side['name'], LoadTurn[]> = { ours: [], twin: [] };
  for (let turn = 0; turn < TURNS; turn++) {
    const order = turn % 2 === 0 ? sides : ([sides[1], sides[0]] as const);
    for (const side of order) {
      turns[side.name].push(await loadTurn(side.pid, `${side.url}${path}`, TURN_S));
    }
  }
  const rate = (name: Side['name']) => median(turns[name].map((t) => t.rate));
  const cpu = (name: Side['name']) => median(turns[name].map((t) => t.cpuUs));
  const failures = [...turns.ours, ...turns.twin].reduce((sum, t) => sum + t.failures, 0);
  const ratio = rate('ours') / rate('twin');
  const pairRatios = turns.ours.map((t, i) => t.rate / turns.twin[i].rate);
  const ok = ratio >= target && failures === 0;
  const latency = (name: Side['name']) =>
    `${fmt(median(turns[name].map((t) => t.p50Ms)), 2)} / ${fmt(median(turns[name].map((t) => t.p99Ms)), 1)}`;
  return [
    {
      label: `${label} (req/s)`,
      ours: fmt(rate('ours'), 0),
      twin: fmt(rate('twin'), 0),
      ratio: fmt(ratio, 2),
      target: `>= ${target}`,
      ok,
    },
    {
      label: '  turns (req/s, min-max); ratio per pair',
      ours: range(turns.ours.map((t) => t.rate)),
      twin: range(turns.twin.map((t) => t.rate)),
      ratio: range(pairRatios, 2),
      target: '',
    },
    {
      // Inverted (twin / ours) so that, like req/s, 1 means as cheap as the twin.
      label: '  server CPU per request (µs); twin / ours',
      ours: fmt(cpu('ours'), 1),
      twin: fmt(cpu('twin'), 1),
      ratio: fmt(cpu('twin') / cpu('ours'), 2),
      target: '',
    },
    {
      label: '  latency p50 / p99 (ms)',
      ours: latency('ours'),
      twin: latency('twin'),
      ratio: '',
      target: '',
    },
    ...(failures > 0
      ? [{ label: '  errors + non-2xx', ours: String(failures), twin: '', ratio: '', target: '' }]
      : []),
  ];
}

/**
 * CREATES sequential creates per side on one keep-alive connection each, the two sides taking
 * turns request by request so both see the machine in the same state. Judged on the median
 * request: on a shared machine the whole run's time is made by the few requests that waited for
 * a core (or a WAL checkpoint's fsync), which varies twofold from run to run; the whole-run rate
 * is printed beside it.
 */
async function compareCreates(sides: [Side, Side]): Promise<Figure[]> {
  const latencies: Record<Side['name'], number[]> = { ours: [], twin: [] };
  const connections = await Promise.all(sides.map((side) => HttpConnection.open(side.url)));
  const cpuBefore = sides.map((side) => threadsCpuMs(side.pid));
  const cpu = { ours: 0, twin: 0 };
  try {
    for (let n = 0; n < CREATES; n++) {
      for (const index of n % 2 === 0 ? [0, 1] : [1, 0]) {
        const side = sides[index];
        const started = performance.now();
        await expectOk(
          connections[index].request('POST', '/session', { title: `bench create ${n}` }),
          `${side.name} POST /session`,
        );
        latencies[side.name].push(performance.now() - started);
      }
    }
    sides.forEach((side, index) => (cpu[side.name] = threadsCpuMs(side.pid) - cpuBefore[index]));
  } finally {
    connections.forEach((connection) => connection.close());
  }
  const medianRate = (name: Side['name']) => 1000 / median(latencies[name]);
  const wholeRate = (name: Side['name']) =>
    CREATES / (latencies[name].reduce((sum, ms) => sum + ms, 0) / 1000);
  const p99 = (name: Side['name']) => percentile(sorted(latencies[name]), 99);
  const cpuUs = (name: Side['name']) => (cpu[name] * 1000) / CREATES;
  const ratio = medianRate('ours') / medianRate('twin');
  return [
    {
      label: `${CREATES} x POST /session, sequential, median (/s)`,
      ours: fmt(medianRate('ours'), 0),
      twin: fmt(medianRate('twin'), 0),
      ratio: fmt(ratio, 2),
      target: '>= 0.3',
      ok: ratio >= 0.3,
    },
    {
      label: '  whole run (/s)',
      ours: fmt(wholeRate('ours'), 0),
      twin: fmt(wholeRate('twin'), 0),
      ratio: fmt(wholeRate('ours') / wholeRate('twin'), 2),
      target: '',
    },
    {
      label: '  latency p99 (ms)',
      ours: fmt(p99('ours'), 1),
      twin: fmt(p99('twin'), 1),
      ratio: '',
      target: '',
    },
    {
      label: '  server CPU per create (µs); twin / ours',
      ours: fmt(cpuUs('ours'), 0),
      twin: fmt(cpuUs('twin'), 0),
      ratio: fmt(cpuUs('twin') / cpuUs('ours'), 2),
      target: '',
    },
  ];
}

/**
 * SSE_CLIENTS streams on each side; each round publishes one toast (the twin: writes one frame
 * to its open responses) and times it from the publishing request to the last client's receipt.
 * One unmeasured round per side first, then SSE_ROUNDS rounds each, alternating.
 */
async function compareFanout(sides: [Side, Side]): Promise<Figure[]> {
  const clients = new Map<Side['name'], SseClient[]>();
  const publishers = new Map<Side['name'], HttpConnection>();
  const connectMs: Record<Side['name'], number> = { ours: 0, twin: 0 };
  const rounds: Record<Side['name'], number[]> = { ours: [], twin: [] };
  const cpu: Record<Side['name'], number[]> = { ours: [], twin: [] };
  try {
    for (const side of sides) {
      const started = performance.now();
      const streams = Array.from({ length: SSE_CLIENTS }, () =>
        connectSse(new URL('/event', side.url)),
      );
      clients.set(side.name, streams);
      await Promise.all(streams.map((client) => client.connected));
      connectMs[side.name] = performance.now() - started;
      publishers.set(side.name, await HttpConnection.open(side.url));
    }
    let round = 0;
    const publish = async (side: Side): Promise<{ ms: number; cpuMs: number }> => {
      const marker = `pipeline-fanout-${side.name}-${round++}`;
      const received = clients.get(side.name)!.map((client) => client.receive(marker));
      const cpuBefore = threadsCpuMs(side.pid);
      const sent = performance.now();
      await expectOk(
        publishers.get(side.name)!.request('POST', '/tui/show-toast', {
          message: marker,
          variant: 'info',
        }),
        `${side.name} POST /tui/show-toast`,
      );
      const last = Math.max(...(await Promise.all(received)));
      return { ms: last - sent, cpuMs: threadsCpuMs(side.pid) - cpuBefore };
    };
    for (const side of sides) await publish(side);
    for (let turn = 0; turn < SSE_ROUNDS; turn++) {
      const order = turn % 2 === 0 ? sides : ([sides[1], sides[0]] as const);
      for (const side of order) {
        const result = await publish(side);
        rounds[side.name].push(result.ms);
        cpu[side.name].push(result.cpuMs);
      }
    }
  } finally {
    for (const list of clients.values()) list.forEach((client) => client.close());
    for (const publisher of publishers.values()) publisher.close();
  }
  const ratio = median(rounds.ours) / median(rounds.twin);
  const p90 = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      90,
    );
  return [
    {
      label: `one event to ${SSE_CLIENTS} /event clients (ms, median)`,
      ours: fmt(median(rounds.ours), 1),
      twin: fmt(median(rounds.twin), 1),
      ratio: fmt(ratio, 2),
      target: '<= 1.5',
      ok: ratio <= 1.5,
    },
    {
      label: `  ${SSE_ROUNDS} rounds (ms, min-max; p90)`,
      ours: `${range(rounds.ours, 1)}; ${fmt(p90(rounds.ours), 1)}`,
      twin: `${range(rounds.twin, 1)}; ${fmt(p90(rounds.twin), 1)}`,
      ratio: '',
      target: '',
    },
    {
      label: '  server CPU per event (ms); ours / twin',
      ours: fmt(median(cpu.ours), 2),
      twin: fmt(median(cpu.twin), 2),
      ratio: fmt(median(cpu.ours) / median(cpu.twin), 2),
      target: '',
    },
    {
      label: `  ${SSE_CLIENTS} clients connected in (ms)`,
      ours: fmt(connectMs.ours, 0),
      twin: fmt(connectMs.twin, 0),
      ratio: '',
      target: '',
    },
  ];
}

type Start = StartFigures;

/**
 * STARTS starts of the built CLI, each on a fresh HOME: time and CPU to the first healthy
 * answer, RSS 2 s after the spawn. The last one stays up as the server under test.
 */
async function measureStarts(cli: string, project: string): Promise<[Start[], BenchServer]> {
  const starts: Start[] = [];
  for (;;) {
    const server = await startBuiltServer({ entry: [...NODE_FLAGS, cli], project });
    const cpu = cpuMs(server.pid);
    await sleep(Math.max(0, 2000 - server.healthyMs));
    starts.push({ healthyMs: server.healthyMs, cpuMs: cpu, rssMb: rssMb(server.pid) });
    if (starts.length === STARTS) return [starts, server];
    await server.stop();
  }
}

/**
 * The floors of the start figures, STARTS starts each, taking turns: the bare twin answering
 * health from memory (fastify and better-sqlite3 only) and a one-route Nest app loading the
 * libraries this server loads (bench/nest-floor.ts); both with the server's node flags.
 */
async function measureFloors(): Promise<{ bare: Start[]; nest: Start[] }> {
  const twinConfig = join(tempDir('opencode-bench-floor-'), 'config.json');
  const healthBody = Buffer.from(JSON.stringify({ healthy: true, version: 'floor' }));
  writeFileSync(
    twinConfig,
    JSON.stringify({
      routes: [
        {
          path: '/global/health',
          contentType: 'application/json; charset=utf-8',
          body: healthBody.toString('base64'),
        },
      ],
      database: join(tempDir('opencode-bench-floor-db-'), 'twin.db'),
      projectID: 'floor',
      directory: '/',
    } satisfies TwinConfig),
  );
  const twin = compileScript('twin');
  const nest = compileScript('nest-floor');
  const floors: { bare: Start[]; nest: Start[] } = { bare: [], nest: [] };
  for (let n = 0; n < STARTS; n++) {
    floors.bare.push(await measureStart([...NODE_FLAGS, twin, twinConfig]));
    const database = join(tempDir('opencode-bench-floor-db-'), 'floor.db');
    floors.nest.push(await measureStart([...NODE_FLAGS, nest, database]));
  }
  return floors;
}

/** Rows of the start section: the floors beside this server, then where its start goes. */
async function startBreakdown(cli: string, project: string, starts: Start[]): Promise<Figure[]> {
  const floors = await measureFloors();
  const profiled = await profileStart([...NODE_FLAGS, cli], project, freshHomeEnv());
  const cpuAndRss = (list: Start[]) =>
    `${fmt(median(list.map((s) => s.cpuMs)), 0)} / ${fmt(median(list.map((s) => s.rssMb)), 0)}`;
  const ours = median(starts.map((s) => s.cpuMs));
  const share = (list: Start[]) => fmt(median(list.map((s) => s.cpuMs)) / ours, 2);
  const row = (label: string, value: string, ratio = ''): Figure => ({
    label,
    ours: value,
    twin: '',
    ratio,
    target: '',
  });
  const profiledTotal = START_BUCKETS.reduce((sum, bucket) => sum + profiled.buckets[bucket], 0);
  return [
    row(`start floors, CPU to healthy / RSS (ms / MB); of ours`, ''),
    row('  this server', cpuAndRss(starts), '1.00'),
    row(
      '  Nest app, one route, the same libraries loaded',
      cpuAndRss(floors.nest),
      share(floors.nest),
    ),
    row('  bare Fastify + better-sqlite3 (the twin)', cpuAndRss(floors.bare), share(floors.bare)),
    row('where our start goes (CPU ms, under --cpu-prof); share', fmt(profiledTotal, 0)),
    ...START_BUCKETS.map((bucket) =>
      row(
        `  ${bucket}`,
        fmt(profiled.buckets[bucket], 0),
        fmt(profiled.buckets[bucket] / profiledTotal, 2),
      ),
    ),
  ];
}

export async function runPipelineBench(): Promise<boolean> {
  const cli = process.env.OPENCODE_BENCH_CLI ?? CLI;
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  const versions = (name: string) =>
    (
      JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  process.stdout.write(
    `node ${process.version}, fastify ${versions('fastify')}, better-sqlite3 ${versions('better-sqlite3')}; ` +
      `load: ${LOAD_GENERATOR === 'wrk' ? `wrk -t${THREADS}` : 'autocannon'} -c${CONNECTIONS}, ` +
      `${TURNS} x ${TURN_S} s turns per side; load average before: ${loadavg()
        .map((n) => fmt(n, 2))
        .join(' ')}\n`,
  );

  const project = projectWithBigFile();
  const [starts, server] = await measureStarts(cli, project);
  let twin: BenchTwin | undefined;
  const figures: Figure[] = [];
  const report = (...rows: Figure[]) => {
    figures.push(...rows);
    rows.forEach(printFigure);
  };
  try {
    // SESSIONS sessions through the API (this also warms up the create path), then the bytes
    // of each measured answer, which the twin serves.
    const client = await HttpConnection.open(server.url);
    let first: { projectID: string; directory: string } | undefined;
    for (let n = 0; n < SESSIONS; n++) {
      const answer = await expectOk(
        client.request('POST', '/session', { title: `bench session ${n}` }),
        'POST /session',
      );
      first ??= JSON.parse(answer.body.toString()) as { projectID: string; directory: string };
    }
    const routes: Array<{ label: string; path: string; target: number }> = [
      { label: 'GET /global/health', path: '/global/health', target: 0.5 },
      {
        label: `GET /session?limit=100 (of ${SESSIONS})`,
        path: '/session?limit=100',
        target: 0.25,
      },
      {
        label: 'GET /file/content (tracked file)',
        path: `/file/content?path=${q(BIG_FILE)}`,
        target: 0.3,
      },
    ];
    const answers: TwinRoute[] = [];
    for (const route of routes) {
      const answer = await expectOk(client.request('GET', route.path), route.path);
      answers.push({
        path: route.path.split('?')[0],
        contentType: answer.contentType,
        body: answer.body.toString('base64'),
      });
      route.label += `, ${sizeOf(answer.body.length)}`;
    }
    client.close();

    twin = await startTwin({
      routes: answers,
      database: join(tempDir('opencode-bench-twin-db-'), 'twin.db'),
      projectID: first!.projectID,
      directory: first!.directory,
    });
    await sleep(Math.max(0, 2000 - twin.healthyMs));
    const twinRss = rssMb(twin.pid);
    // The twin's table gets as many rows as the server's before the creates are compared.
    const warm = await HttpConnection.open(twin.url);
    for (let n = 0; n < SESSIONS; n++) {
      await expectOk(warm.request('POST', '/session', { title: `warm-up ${n}` }), 'twin create');
    }
    warm.close();

    printFigure({
      label: 'figure',
      ours: 'this server',
      twin: 'bare twin',
      ratio: 'ratio',
      target: 'target',
    });
    const healthy = starts.map((s) => s.healthyMs);
    const rss = starts.map((s) => s.rssMb);
    report(
      {
        label: `start to healthy, fresh HOME (ms, median of ${STARTS})`,
        ours: fmt(median(healthy), 0),
        twin: fmt(twin.healthyMs, 0),
        ratio: '',
        target: '<= 500',
        ok: median(healthy) <= 500,
      },
      { label: '  starts (ms, min-max)', ours: range(healthy), twin: '', ratio: '', target: '' },
      {
        label: '  server CPU until healthy (ms)',
        ours: range(starts.map((s) => s.cpuMs)),
        twin: '',
        ratio: '',
        target: '',
      },
      {
        label: 'RSS 2 s after start (MB, median)',
        ours: fmt(median(rss)),
        twin: fmt(twinRss),
        ratio: '',
        target: '<= 90',
        ok: median(rss) <= 90,
      },
      ...(await startBreakdown(cli, project, starts)),
    );

    const sides: [Side, Side] = [{ name: 'ours', url: server.url, pid: server.pid }, twin];
    for (const route of routes) {
      report(...(await compareLoad(route.label, route.path, sides, route.target)));
    }
    report(...(await compareCreates(sides)));
    report(...(await compareFanout(sides)));
  } finally {
    await twin?.stop();
    await server.stop();
  }
  return figures.every((figure) => figure.ok !== false);
}

if (require.main === module) {
  runPipelineBench().then(
    (ok) => process.exit(ok ? 0 : 1),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
