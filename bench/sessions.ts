/**
 * Sessions and messages under load, against the built server (issue 3):
 * - 1,000 `POST /session` one after the other (the original: 9.8 s), and with 50 connections;
 * - `GET /session` with 1,000 sessions: the default page (100) and all 1,000, 50 connections;
 * - `GET /session/:id/message` on a session of 2,000 messages (whole, and the newest 100).
 * Targets: create >= 1,000/s, list of 100 >= 3,000 req/s (the original: ~100 req/s).
 * Run: `npm run build && npx ts-node bench/sessions.ts`; `OPENCODE_BENCH_CLI=<path/to/cli.js>`
 * runs another build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppEnvironment } from '../src/core/config/app-environment';
import { IdGenerator } from '../src/core/id';
import { DatabaseService } from '../src/core/storage/database.service';
import type { AssistantMessage, UserMessage } from '../src/session/dto/message.dto';
import type { Part } from '../src/session/dto/part.dto';
import { SqliteMessageRepository } from '../src/session/message.repository';
import { autocannon, type AutocannonResult } from './autocannon';
import { CLI, fmt, rssMb, startBuiltServer, verdict, type BenchServer } from './server';

const CONNECTIONS = 50;
const DURATION_S = 10;
const SESSIONS = 1_000;
const MESSAGES = 2_000;

const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};

function temp(prefix: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

/** A git repository with one commit: a project of its own (its root commit is its id). */
function gitProject(name: string): string {
  const dir = temp(`opencode-bench-${name}-`);
  const env = { ...process.env, ...GIT_ENV };
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
  execFileSync('git', ['commit', '-q', '--allow-empty', '-m', `bench ${name} ${dir}`], {
    cwd: dir,
    env,
  });
  return dir;
}

function serverEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local/share'),
    XDG_STATE_HOME: join(home, '.local/state'),
    XDG_CACHE_HOME: join(home, '.cache'),
    ...GIT_ENV,
    OPENCODE_LOG_LEVEL: 'warn',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
  };
}

/** The built server on `home`'s data, so a restart sees what the previous run stored. */
function startServer(cli: string, home: string, project: string): Promise<BenchServer> {
  return startBuiltServer({ entry: ['--max-semi-space-size=4', cli], home, project });
}

async function post(url: string, body: object): Promise<{ id: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`POST ${url}: ${response.status}`);
  return (await response.json()) as { id: string };
}

/**
 * Stores a conversation of `MESSAGES` messages in the server's database, through the message
 * repository (the server has no route that writes messages without a model): a question with
 * one text part, an answer with a step, a tool call, text and the step's end.
 */
function seedConversation(home: string, project: string, sessionID: string): void {
  const env = new AppEnvironment(serverEnv(home), project);
  const db = new DatabaseService(env);
  const repository = new SqliteMessageRepository(db);
  const ids = new IdGenerator();
  const now = Date.now();
  db.transaction(() => {
    for (let turn = 0; turn < MESSAGES / 2; turn++) {
      const user: UserMessage = {
        id: ids.ascending('message'),
        sessionID,
        role: 'user',
        time: { created: now },
        agent: 'build',
        model: { providerID: 'fake', modelID: 'fake-model' },
      };
      const answer: AssistantMessage = {
        id: ids.ascending('message'),
        sessionID,
        role: 'assistant',
        time: { created: now, completed: now },
        parentID: user.id,
        modelID: 'fake-model',
        providerID: 'fake',
        mode: 'build',
        agent: 'build',
        path: { cwd: project, root: project },
        cost: 0,
        tokens: { input: 120, output: 40, reasoning: 0, cache: { read: 0, write: 0 } },
        finish: 'stop',
      };
      const part = (messageID: string) => ({ id: ids.ascending('part'), sessionID, messageID });
      const parts: Part[] = [
        {
          ...part(user.id),
          type: 'text',
          text: `Question ${turn}: ${'please look at this '.repeat(8)}`,
        },
        { ...part(answer.id), type: 'step-start', snapshot: 'cfadfdd4f2bb4210aebfd16a9f7f61a3' },
        {
          ...part(answer.id),
          type: 'tool',
          callID: `call_${turn}`,
          tool: 'read',
          state: {
            status: 'completed',
            input: { filePath: `${project}/src/file${turn}.ts` },
            output: 'export const value = 1;\n'.repeat(20),
            title: `src/file${turn}.ts`,
            metadata: { truncated: false },
            time: { start: now, end: now },
          },
        },
        {
          ...part(answer.id),
          type: 'text',
          text: `Answer ${turn}: ${'the file defines a constant. '.repeat(10)}`,
          time: { start: now, end: now },
        },
        {
          ...part(answer.id),
          type: 'step-finish',
          reason: 'stop',
          cost: 0,
          tokens: { input: 120, output: 40, reasoning: 0, cache: { read: 0, write: 0 } },
        },
      ];
      repository.saveMessage(user);
      repository.saveMessage(answer);
      for (const item of parts) repository.savePart(item);
    }
  });
  db.onApplicationShutdown();
}

interface Row {
  label: string;
  value: string;
  mark?: string;
}

function loadRows(label: string, result: AutocannonResult, target?: number): Row[] {
  const rate = result.requests.average;
  const failures = result.errors + result.timeouts + result.non2xx;
  return [
    {
      label,
      value: `${fmt(rate, 0)} req/s`,
      mark: target === undefined ? '' : verdict(rate >= target && failures === 0),
    },
    { label: '  latency p50 / p99', value: `${result.latency.p50} / ${result.latency.p99} ms` },
    ...(failures > 0 ? [{ label: '  errors + non-2xx', value: String(failures) }] : []),
  ];
}

export async function runSessionsBench(): Promise<boolean> {
  const cli = process.env.OPENCODE_BENCH_CLI ?? CLI;
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  const home = temp('opencode-bench-home-');
  const project = gitProject('sessions');
  const other = gitProject('creates');

  // The conversation's session is created through the API, its messages stored while the
  // server is stopped, then the server starts again on the same database.
  const first = await startServer(cli, home, project);
  const conversation = await post(`${first.url}/session`, { title: 'conversation' });
  await first.stop();
  seedConversation(home, project, conversation.id);

  const server = await startServer(cli, home, project);
  const rows: Row[] = [];
  let ok = true;
  try {
    // Warm-up (in the other project), so the JIT has compiled the create path.
    for (let index = 0; index < 1000; index++) {
      await post(`${server.url}/session?directory=${encodeURIComponent(other)}`, {});
    }
    // 1,000 creates, one after the other, as a client creating sessions in a loop.
    const started = performance.now();
    for (let index = 1; index < SESSIONS; index++) {
      await post(`${server.url}/session`, { title: `bench session ${index}` });
    }
    const sequentialS = (performance.now() - started) / 1000;
    const sequentialRate = (SESSIONS - 1) / sequentialS;
    ok &&= sequentialRate >= 1_000;
    rows.push(
      {
        label: `${SESSIONS} x POST /session, sequential`,
        value: `${fmt(sequentialS, 2)} s`,
        mark: '',
      },
      {
        label: '  rate',
        value: `${fmt(sequentialRate, 0)} /s`,
        mark: verdict(sequentialRate >= 1_000),
      },
    );

    // Warm-up of the list route, then the measured runs.
    const list = `${server.url}/session`;
    await autocannon({ url: list, connections: 10, duration: 2 });
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(server.pid))), 250);
    const page = await autocannon({ url: list, connections: CONNECTIONS, duration: DURATION_S });
    ok &&= page.requests.average >= 3_000 && page.errors + page.non2xx === 0;
    rows.push(
      ...loadRows(`GET /session (page of 100 of ${SESSIONS}), ${CONNECTIONS} conn`, page, 3_000),
    );
    const all = await autocannon({
      url: `${list}?limit=${SESSIONS}`,
      connections: CONNECTIONS,
      duration: DURATION_S / 2,
    });
    rows.push(...loadRows(`GET /session?limit=${SESSIONS} (all)`, all));

    const messages = `${server.url}/session/${conversation.id}/message`;
    const size = (await (await fetch(messages)).arrayBuffer()).byteLength;
    const whole = await autocannon({
      url: messages,
      connections: CONNECTIONS,
      duration: DURATION_S / 2,
    });
    rows.push(...loadRows(`GET /session/:id/message (${MESSAGES} messages)`, whole), {
      label: '  response size',
      value: `${fmt(size / 1e6, 2)} MB`,
    });
    const newest = await autocannon({
      url: `${messages}?limit=100`,
      connections: CONNECTIONS,
      duration: DURATION_S / 2,
    });
    rows.push(...loadRows(`GET /session/:id/message?limit=100`, newest));

    // Concurrent creates go to another project, so the lists above kept 1,000 sessions.
    const createOptions = {
      url: `${server.url}/session?directory=${encodeURIComponent(other)}`,
      connections: CONNECTIONS,
      duration: DURATION_S / 2,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"title":"concurrent"}',
    };
    const creates = await autocannon(createOptions);
    ok &&= creates.requests.average >= 1_000;
    rows.push(...loadRows(`POST /session, ${CONNECTIONS} conn`, creates, 1_000));
    clearInterval(sampler);
    rows.push(
      { label: 'server RSS under load (peak)', value: `${fmt(peakRss)} MB` },
      { label: 'server RSS after', value: `${fmt(rssMb(server.pid))} MB` },
    );
  } finally {
    await server.stop();
  }
  for (const { label, value, mark } of rows) {
    process.stdout.write(`${label.padEnd(50)} ${value.padStart(16)}  ${mark ?? ''}\n`);
  }
  return ok;
}

if (require.main === module) {
  runSessionsBench().then(
    (ok) => process.exit(ok ? 0 : 1),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
