/**
 * Files and search on a generated repository of 5,000 files (plus a gitignored node_modules of
 * 2,000 more), over real HTTP against the built server, 50 connections (issue 6).
 * Targets: GET /find/file >= 2,000 req/s, GET /file/content of a 100 KB file >= 2,000 req/s,
 * GET /find?pattern= p50 < 50 ms.
 *
 * Run: `npx ts-node bench/files.ts [files|content|text|symbols]`. It compiles the server into .bench-tmp/files/dist (inside
 * the checkout, so node_modules resolve) and starts `dist/cli.js serve` in the generated
 * repository, as a user would.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cpuMs, startBuiltServer, type BenchServer } from './server';

/** The part of autocannon's API used here (the package ships no type declarations). */
interface LoadRequest {
  method?: string;
  path?: string;
  setupRequest?: (request: LoadRequest) => LoadRequest;
}
interface LoadResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
const autocannon = createRequire(__filename)('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  requests: LoadRequest[];
}) => Promise<LoadResult>;

const ROOT = join(__dirname, '..');
const BUILD_DIR = join(ROOT, '.bench-tmp', 'files');
const CONNECTIONS = 50;
const DURATION_S = 10;
const FILES = 5000;
const IGNORED_FILES = 2000;
const BIG_FILE = 'docs/big-notes.md';

const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};

const WORDS = [
  'session',
  'message',
  'provider',
  'config',
  'router',
  'storage',
  'cache',
  'worker',
  'parser',
  'render',
  'layout',
  'button',
  'dialog',
  'toast',
  'agent',
  'command',
  'permission',
  'project',
  'instance',
  'search',
  'index',
  'watcher',
  'client',
  'server',
  'auth',
  'token',
  'stream',
  'event',
  'queue',
  'format',
  'diff',
  'patch',
  'snapshot',
  'model',
  'tool',
  'shell',
  'prompt',
  'theme',
  'keybind',
  'history',
];

/** A TypeScript-looking source file of ~1.5 KB, different for every index. */
function sourceFile(i: number): string {
  const word = WORDS[i % WORDS.length];
  const Name = word.charAt(0).toUpperCase() + word.slice(1) + String(i);
  const lines = [
    `import { helper${i % 97} } from '../shared/helper${i % 97}';`,
    '',
    `export const ${word.toUpperCase()}_LIMIT_${i} = ${i * 7};`,
    '',
    `export interface ${Name}Options {`,
    `  id: string;`,
    `  retries: number;`,
    `  label?: string;`,
    `}`,
    '',
    `export class ${Name}Service {`,
    `  private readonly items = new Map<string, number>();`,
    '',
    `  constructor(private readonly options: ${Name}Options) {}`,
    '',
    `  async handle${Name}(input: string): Promise<number> {`,
    `    const value = helper${i % 97}(input) + this.options.retries;`,
    `    this.items.set(input, value);`,
    `    if (value > ${word.toUpperCase()}_LIMIT_${i}) throw new Error('over the ${word} limit');`,
    `    return value;`,
    `  }`,
    '',
    `  list(): string[] {`,
    `    return [...this.items.keys()].sort();`,
    `  }`,
    `}`,
    '',
    `export function create${Name}(id: string): ${Name}Service {`,
    `  // TODO(${word}): read retries from the config`,
    `  return new ${Name}Service({ id, retries: ${i % 5} });`,
    `}`,
  ];
  return lines.join('\n') + '\n';
}

/** 5,000 tracked files in nested packages, a 100 KB markdown file, a node_modules to ignore. */
function generateRepo(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'opencode-bench-files-')));
  const write = (rel: string, content: string) => {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  };
  write('.gitignore', 'node_modules/\ndist/\n*.log\n');
  write('package.json', '{ "name": "bench-repo", "private": true }\n');
  let paragraph = 0;
  let big = '# Notes\n\n';
  while (Buffer.byteLength(big) < 100 * 1024) {
    big += `## Section ${paragraph}\n\nThe ${WORDS[paragraph % WORDS.length]} layer keeps its state per instance; `;
    big += `see packages/pkg${paragraph % 25}/src for the details of step ${paragraph}.\n\n`;
    paragraph++;
  }
  write(BIG_FILE, big);
  let written = 3; // .gitignore, package.json, the big file
  for (let i = 0; written < FILES; i++, written++) {
    const pkg = `pkg${String(i % 25).padStart(2, '0')}`;
    const feature = WORDS[Math.floor(i / 25) % WORDS.length];
    write(`packages/${pkg}/src/${feature}/${WORDS[i % WORDS.length]}-${i}.ts`, sourceFile(i));
  }
  for (let i = 0; i < IGNORED_FILES; i++) {
    write(`node_modules/dep${i % 100}/lib/file${i}.js`, `module.exports = ${i}; // session\n`);
  }
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, env: { ...process.env, ...GIT_ENV }, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'bench');
  return dir;
}

/** Compiles the server (tsconfig.build.json) into BUILD_DIR with the package.json beside it. */
function buildServer(): string {
  rmSync(BUILD_DIR, { recursive: true, force: true });
  mkdirSync(BUILD_DIR, { recursive: true });
  try {
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '-p',
        'tsconfig.build.json',
        '--outDir',
        join(BUILD_DIR, 'dist'),
      ],
      { cwd: ROOT, stdio: 'pipe' },
    );
  } catch (error) {
    // tsc still emits on type errors (e.g. another area's work in progress): say so and go on.
    const out = (error as { stdout?: Buffer }).stdout?.toString() ?? '';
    process.stderr.write(`tsc reported errors, using its output anyway:\n${out.slice(0, 2000)}\n`);
  }
  copyFileSync(join(ROOT, 'package.json'), join(BUILD_DIR, 'package.json'));
  return join(BUILD_DIR, 'dist', 'cli.js');
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

interface Scenario {
  label: string;
  paths: string[] | (() => string);
  connections?: number;
  /** The issue's target, when the scenario has one. */
  target?: (result: LoadResult) => boolean;
}

const fmt = (value: number, digits = 0) => value.toFixed(digits);

function row(label: string, value: string, mark = ''): void {
  process.stdout.write(`${label.padEnd(60)} ${value.padStart(20)}  ${mark}\n`);
}

/** Runs one scenario against the server and prints req/s, p50/p99 and server CPU per request. */
async function measure(server: BenchServer, scenario: Scenario): Promise<boolean> {
  const { paths, connections = CONNECTIONS } = scenario;
  const requests =
    typeof paths === 'function'
      ? [{ setupRequest: (request: LoadRequest) => ({ ...request, path: paths() }) }]
      : paths.map((path) => ({ method: 'GET', path }));
  const { pid } = server;
  const cpuBefore = cpuMs(pid);
  const clientBefore = process.cpuUsage();
  const result = await autocannon({ url: server.url, connections, duration: DURATION_S, requests });
  const client = process.cpuUsage(clientBefore);
  const total = result.requests.average * DURATION_S;
  const cpuPerRequest = ((cpuMs(pid) - cpuBefore) * 1000) / Math.max(1, total);
  const clientShare = (client.user + client.system) / 1000 / (DURATION_S * 1000);
  const failures = result.errors + result.timeouts + result.non2xx;
  const ok = scenario.target ? scenario.target(result) && failures === 0 : undefined;
  const mark = ok === undefined ? '' : ok ? 'ok' : 'MISSED';
  row(scenario.label, `${fmt(result.requests.average)} req/s`, mark);
  row('  latency p50 / p99', `${result.latency.p50} / ${result.latency.p99} ms`);
  row('  server CPU per request', `${fmt(cpuPerRequest)} us`);
  // Both run on the same machine: a load generator near a whole core caps what is measured.
  row('  load generator CPU (of one core)', `${fmt(clientShare * 100)} %`);
  if (failures > 0) row('  errors + timeouts + non-2xx', String(failures), 'MISSED');
  return ok ?? true;
}

export async function runFilesBench(only?: string): Promise<boolean> {
  process.stdout.write('generating the repository...\n');
  const project = generateRepo();
  process.stdout.write('building the server...\n');
  const cli = buildServer();
  const server = await startBuiltServer({
    entry: [cli],
    project,
    args: ['--hostname', '127.0.0.1'],
  });
  const q = encodeURIComponent;
  try {
    let started = performance.now();
    const first = (await getJson(`${server.url}/find/file?query=session`)) as string[];
    row('first /find/file (walk of 5,000 files + watch)', `${fmt(performance.now() - started)} ms`);
    if (first.some((p) => p.startsWith('node_modules'))) {
      throw new Error('node_modules was indexed');
    }
    started = performance.now();
    await getJson(`${server.url}/find?pattern=${q('TODO\\(session\\)')}`);
    row('first /find (starts the search worker)', `${fmt(performance.now() - started)} ms`);

    // A user typing: the same queries come back (answers are cached until the tree changes).
    const typed = WORDS.flatMap((w) => [w.slice(0, 2), w.slice(0, 4), w, `pkg1/${w.slice(0, 3)}`]);
    let n = 0;
    const patterns = [
      'TODO\\(session\\)',
      'handle\\w+Service',
      'over the \\w+ limit',
      'retries: 3',
      'LIMIT_4\\d\\d =',
    ].map((p) => `/find?pattern=${q(p)}`);
    const scenarios: Record<string, Scenario[]> = {
      files: [
        {
          label: `GET /find/file, ${typed.length} queries cycled`,
          paths: typed.map((query) => `/find/file?query=${q(query)}&limit=50`),
          target: (r) => r.requests.average >= 2000,
        },
        {
          // Every request a query never seen: each one scores every path.
          label: 'GET /find/file, a new query every request',
          paths: () => {
            n++;
            const word = WORDS[n % WORDS.length];
            return `/find/file?query=${q(`${word.slice(0, 3)}${n}`)}&limit=50`;
          },
          target: (r) => r.requests.average >= 2000,
        },
      ],
      content: [
        {
          label: 'GET /file/content, 100 KB tracked file',
          paths: [`/file/content?path=${q(BIG_FILE)}`],
          target: (r) => r.requests.average >= 2000,
        },
      ],
      text: [
        {
          label: 'GET /find?pattern=, 1 connection',
          paths: patterns,
          connections: 1,
          target: (r) => r.latency.p50 < 50,
        },
        {
          label: `GET /find?pattern=, ${CONNECTIONS} connections`,
          paths: patterns,
          target: (r) => r.latency.p50 < 50,
        },
        {
          // No two requests alike: nothing can be shared between searches but the file contents.
          label: 'GET /find?pattern=, a new pattern every request, 1 conn.',
          paths: () => `/find?pattern=${q(`LIMIT_${++n}\\b`)}`,
          connections: 1,
        },
        {
          label: `GET /find?pattern=, a new pattern every request, ${CONNECTIONS} conn.`,
          paths: () => `/find?pattern=${q(`LIMIT_${++n}\\b`)}`,
        },
      ],
      symbols: [
        {
          label: 'GET /find/symbol',
          paths: WORDS.map((w) => `/find/symbol?query=${q(w)}`),
        },
      ],
    };
    let ok = true;
    for (const [name, list] of Object.entries(scenarios)) {
      if (only && only !== name) continue;
      for (const scenario of list) ok = (await measure(server, scenario)) && ok;
    }
    return ok;
  } finally {
    await server.stop();
    rmSync(project, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runFilesBench(process.argv[2]).then(
    (ok) => process.exit(ok ? 0 : 1),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
