/**
 * Where a start of the server goes (issue 13), for `bench/pipeline.ts`: one start of the built
 * CLI under `--cpu-prof`, its CPU samples up to the first healthy answer sorted into module
 * loading (by package), Nest's initialisation, the app's own start-up code and GC; and the floors
 * of this stack, started the same way: a bare Fastify + better-sqlite3 app and a Nest app with one
 * route that loads the libraries this server's decorators need (`bench/nest-floor.ts`).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuMs, rssMb, tempDir } from './server';

/** The CPU profile V8 writes (`.cpuprofile`): a call tree and a sample stream over it. */
interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface StartProcess {
  pid: number;
  /** From the spawn to the first 200 of `/global/health`. */
  healthyMs: number;
  /** `process.hrtime` (µs) at that answer, the clock of the CPU profile's sample times. */
  healthyAtUs: number;
  stop(): Promise<void>;
}

/** Spawns `node <args>`, waits for `... listening on <url>` and a 200 from `/global/health`. */
export async function startProcess(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<StartProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env ?? { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  for (;;) {
    const res = await fetch(`${url}/global/health`).catch(() => undefined);
    if (res?.status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const healthyAtUs = Number(process.hrtime.bigint() / 1000n);
  return {
    pid: child.pid!,
    healthyMs: performance.now() - started,
    healthyAtUs,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface StartFigures {
  healthyMs: number;
  cpuMs: number;
  rssMb: number;
}

/** One start: time and CPU to healthy, RSS 2 s after the spawn. */
export async function measureStart(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<StartFigures> {
  const started = await startProcess(args, options);
  const cpu = cpuMs(started.pid);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, 2000 - started.healthyMs)));
  const rss = rssMb(started.pid);
  await started.stop();
  return { healthyMs: started.healthyMs, cpuMs: cpu, rssMb: rss };
}

/**
 * Where the CPU of a start goes, in a fixed order (so the bench's output keeps its shape). The
 * packages loaded at start, grouped; everything else a start loads is "other packages".
 */
export const START_BUCKETS = [
  'loading: this server (dist)',
  'loading: @nestjs/* and rxjs',
  'loading: class-validator, class-transformer',
  'loading: fastify and its plugins',
  'loading: zod',
  'loading: pino, commander',
  'loading: other packages',
  'Nest init: DI, routes, hooks',
  "this server's start-up code (DB open, hooks)",
  'garbage collection',
  'other (node bootstrap, V8, native)',
] as const;
export type StartBucket = (typeof START_BUCKETS)[number];

const PACKAGE_BUCKETS: Array<[RegExp, StartBucket]> = [
  [/^(@nestjs\/|rxjs$|reflect-metadata$|iterare$|tslib$)/, 'loading: @nestjs/* and rxjs'],
  [
    /^(class-validator|class-transformer|validator|libphonenumber-js)$/,
    'loading: class-validator, class-transformer',
  ],
  [
    /^(fastify|@fastify\/.*|find-my-way|avvio|light-my-request|safe-regex2|ret|fast-.*|toad-cache|semver|abstract-logging|secure-json-parse|process-warning|rfdc|ipaddr\.js|glob|mime|http-errors|content-disposition|fastq|reusify)$/,
    'loading: fastify and its plugins',
  ],
  [/^zod$/, 'loading: zod'],
  [/^(pino|pino-.*|sonic-boom|thread-stream|@pinojs\/.*|commander)$/, 'loading: pino, commander'],
];

function packageOf(url: string): string | undefined {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
}

function isModuleBody(frame: CpuProfile['nodes'][number]['callFrame']): boolean {
  return frame.lineNumber === 0 && frame.functionName === '' && frame.url.startsWith('file://');
}

/**
 * Sorts the profile's samples taken before `untilUs` (its clock) into START_BUCKETS, in ms. A
 * sample inside a module's top-level code counts as loading the package of the innermost such
 * module (the app's own files are "dist"); otherwise the innermost frame of the app or of Nest
 * decides between the app's start-up code and Nest's initialisation.
 */
export function summariseStartProfile(
  profile: CpuProfile,
  untilUs: number,
): Record<StartBucket, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const bucketOf = new Map<number, StartBucket | undefined>();
  const classify = (leaf: number): StartBucket | undefined => {
    const name = byId.get(leaf)!.callFrame.functionName;
    if (name === '(idle)') return undefined;
    if (name === '(garbage collector)') return 'garbage collection';
    let owner: StartBucket | undefined;
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      const pkg = packageOf(frame.url);
      if (isModuleBody(frame)) {
        if (pkg === undefined) return 'loading: this server (dist)';
        return (
          PACKAGE_BUCKETS.find(([pattern]) => pattern.test(pkg))?.[1] ?? 'loading: other packages'
        );
      }
      if (owner === undefined && frame.url.startsWith('file://')) {
        if (pkg === undefined) owner = "this server's start-up code (DB open, hooks)";
        else if (pkg.startsWith('@nestjs/')) owner = 'Nest init: DI, routes, hooks';
      }
    }
    return owner ?? 'other (node bootstrap, V8, native)';
  };
  const totals = Object.fromEntries(START_BUCKETS.map((bucket) => [bucket, 0])) as Record<
    StartBucket,
    number
  >;
  let at = profile.startTime;
  profile.samples.forEach((sample, index) => {
    at += profile.timeDeltas[index];
    if (at > untilUs) return;
    if (!bucketOf.has(sample)) bucketOf.set(sample, classify(sample));
    const bucket = bucketOf.get(sample);
    if (bucket) totals[bucket] += profile.timeDeltas[index] / 1000;
  });
  return totals;
}

/** One start of the CLI under `--cpu-prof` (the profiler adds some CPU of its own). */
export async function profileStart(
  entry: string[],
  project: string,
  env: NodeJS.ProcessEnv,
): Promise<{ healthyMs: number; buckets: Record<StartBucket, number> }> {
  const dir = tempDir('opencode-bench-prof-');
  const started = await startProcess(
    ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...entry, 'serve', '--port', '0'],
    { cwd: project, env },
  );
  await started.stop();
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no CPU profile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  return {
    healthyMs: started.healthyMs,
    buckets: summariseStartProfile(profile, started.healthyAtUs),
  };
}

/** The environment of a fresh-HOME start, as `startBuiltServer` builds it. */
export function freshHomeEnv(): NodeJS.ProcessEnv {
  const home = tempDir('opencode-bench-home-');
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local/share'),
    XDG_STATE_HOME: join(home, '.local/state'),
    XDG_CACHE_HOME: join(home, '.cache'),
    OPENCODE_LOG_LEVEL: 'warn',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
  };
}
