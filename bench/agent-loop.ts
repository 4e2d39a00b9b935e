/**
 * The agent loop under load (issue 7): what the server adds between a model's streamed chunk and
 * the SSE frame a client receives, and what a whole turn costs beyond the model's own time.
 *
 * - One turn: 50 model steps, each streaming 100 text deltas and calling `glob` once (5,000
 *   deltas, 50 tool calls), then a last step that answers. Every delta carries its sequence
 *   number; the fake model (in this process) notes when it wrote it, the `/event` client (in this
 *   process too, so one clock) when its frame arrived. Reported: p50/p99/max per event, and the
 *   turn's overhead (wall time minus the time the model spent streaming) in all and per step.
 * - 20 sessions at once, each a turn with a tool call per 100 deltas: at a fast real model's
 *   pace (1 delta per 10 ms per session, 2,000 events/s in all), and at ten times that (which
 *   saturates two cores: a throughput figure, not judged). All must complete; reported: events
 *   per second through `/event`, p50/p99 per event, server CPU per event.
 * Deltas are paced (one per `OPENCODE_BENCH_DELTA_MS`, default 1 ms: ~10x a fast real model) so
 * that the figure is the server's latency, not a queue built by a flood; a flood run (no pacing)
 * shows the throughput ceiling.
 * Target: < 1 ms p99 per event.
 * The floor: the same stream relayed with no server (`model-relay.ts`) by a bare `fetch`, by the
 * AI SDK provider alone and by `streamText`: what this machine and the mandated SDK take before
 * the server adds anything.
 *
 * Run: `npx ts-node bench/agent-loop.ts` (the server runs from the sources in a child process);
 * `OPENCODE_BENCH_CLI=dist/cli.js` runs a build instead; `OPENCODE_BENCH_PROFILE=<dir>` writes
 * the server's CPU profile (`--cpu-prof`) there.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import {
  benchRepository,
  fmt,
  percentile,
  rssMb,
  startBuiltServer,
  verdict,
  type BenchServer,
} from './server';

const ROOT = join(__dirname, '..');
const TARGET_P99_MS = 1;
const DELTA_INTERVAL_MS = Number(process.env.OPENCODE_BENCH_DELTA_MS ?? 1);
/** `getconf CLK_TCK` on Linux. */
const CLOCK_TICKS_PER_S = 100;

/** What the fake model streams for one session's turn. */
interface Plan {
  /** Steps that end with a tool call; one more step answers. */
  toolSteps: number;
  deltasPerStep: number;
  /** Deltas of the answering step (default 1). */
  answerDeltas?: number;
  /** Milliseconds between deltas; 0 streams them as fast as the socket takes them. */
  intervalMs: number;
  /**
   * Vary each interval between half and one and a half times `intervalMs`: sessions streaming
   * side by side would otherwise tick in lockstep (Node fires equal timeouts together), a burst
   * pattern no set of real model connections has.
   */
  jitter?: boolean;
}

interface Timing {
  /** `tag.seq` → when the fake model wrote the delta (performance.now()). */
  sent: Map<string, number>;
  /** `tag.seq` → when its SSE frame arrived. */
  received: Map<string, number>;
  /** Time spent inside model responses, per tag. */
  modelMs: Map<string, number>;
}

// --- The fake model: an OpenAI-compatible streaming endpoint scripted by the prompt's tag -------

function startFakeModel(
  plans: Map<string, Plan>,
  timing: Timing,
): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    void respond(req, res).catch((error: unknown) => {
      process.stderr.write(`fake model: ${String(error)}\n`);
      res.destroy();
    });
  });

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const body = JSON.parse(await readBody(req)) as {
      stream?: boolean;
      messages: Array<{ role: string; content: unknown }>;
    };
    const prompt = body.messages.find((message) => message.role === 'user');
    const tag = /bench:(\w+)/.exec(JSON.stringify(prompt?.content))?.[1];
    const plan = tag ? plans.get(tag) : undefined;
    if (!body.stream || !tag || !plan) {
      // Anything else (a title request, say) gets a short answer.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'x',
          object: 'chat.completion',
          created: 0,
          model: 'bench',
          choices: [
            { index: 0, message: { role: 'assistant', content: 'Title' }, finish_reason: 'stop' },
          ],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
      return;
    }
    const step = body.messages.filter((message) => message.role === 'tool').length;
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: `c${step}`, object: 'chat.completion.chunk', created: 0, model: 'bench', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(chunk({ role: 'assistant', content: '' }));
    const deltas = step < plan.toolSteps ? plan.deltasPerStep : (plan.answerDeltas ?? 1);
    for (let index = 0; index < deltas; index++) {
      if (plan.intervalMs > 0)
        await sleep(plan.jitter ? plan.intervalMs * (0.5 + Math.random()) : plan.intervalMs);
      const seq = `${tag}.${step * plan.deltasPerStep + index}`;
      const data = chunk({ content: `${seq};` });
      timing.sent.set(seq, performance.now());
      if (!res.write(data)) await new Promise((resolve) => res.once('drain', resolve));
    }
    if (step < plan.toolSteps) {
      const args = JSON.stringify({ pattern: `**/*.step${step}` });
      res.write(
        chunk({
          tool_calls: [
            {
              index: 0,
              id: `call_${tag}_${step}`,
              type: 'function',
              function: { name: 'glob', arguments: args },
            },
          ],
        }),
      );
      res.write(chunk({}, 'tool_calls'));
    } else {
      res.write(chunk({}, 'stop'));
    }
    res.write(
      `data: ${JSON.stringify({ id: `c${step}`, object: 'chat.completion.chunk', created: 0, model: 'bench', choices: [], usage: { prompt_tokens: 100, completion_tokens: deltas, total_tokens: 100 + deltas } })}\n\n`,
    );
    res.end('data: [DONE]\n\n');
    timing.modelMs.set(tag, (timing.modelMs.get(tag) ?? 0) + (performance.now() - started));
  }

  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/v1`,
        close: () => {
          server.closeAllConnections();
          server.close();
        },
      });
    });
  });
}

// --- The server under test ----------------------------------------------------------------------

/** The server with a provider pointed at the fake model, from the build or from the sources. */
function startServer(modelURL: string): Promise<BenchServer> {
  const project = benchRepository();
  writeFileSync(join(project, 'README.md'), '# bench\n');
  const config = {
    provider: {
      bench: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Bench',
        options: { baseURL: modelURL, apiKey: 'bench' },
        models: { model: { name: 'Bench model', cost: { input: 1, output: 2 } } },
      },
    },
    model: 'bench/model',
    small_model: 'bench/model',
  };
  const cli = process.env.OPENCODE_BENCH_CLI;
  const profileDir = process.env.OPENCODE_BENCH_PROFILE;
  const entry = [
    ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
    ...(cli
      ? ['--max-semi-space-size=4', resolve(ROOT, cli)]
      : ['-r', join(ROOT, 'test/support/register-ts-cached.js'), join(ROOT, 'src/cli.ts')]),
  ];
  return startBuiltServer({
    entry,
    project,
    args: ['--hostname', '127.0.0.1'],
    env: { OPENCODE_CONFIG_CONTENT: JSON.stringify(config) },
  });
}

// --- The client --------------------------------------------------------------------------------

/** Reads `/event`, noting when each delta's frame arrives (by the sequence number in its text). */
function watchEvents(url: string, timing: Timing): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const request = get(`${url}/event`, { headers: { accept: 'text/event-stream' } }, (res) => {
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        const at = performance.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.includes('server.connected')) resolve(() => request.destroy());
          if (!frame.includes('"message.part.delta"')) continue;
          for (const match of frame.matchAll(/"delta":"(\w+\.\d+);"/g))
            timing.received.set(match[1], at);
        }
      });
    });
    request.on('error', reject);
  });
}

// --- The floor: what a bare relay of the same stream measures on this machine ------------------

type RelayReader = 'fetch' | 'provider' | 'stream-text';

/**
 * One stream of 5,000 deltas at the single turn's pace, relayed by `model-relay.ts` (no server:
 * a reader and a frame per delta) with `reader`; answers the per-event latencies.
 */
async function measureFloor(
  reader: RelayReader,
  modelURL: string,
  plans: Map<string, Plan>,
  timing: Timing,
): Promise<number[]> {
  const relay = spawn(
    process.execPath,
    [
      '--max-semi-space-size=4',
      '-r',
      require.resolve('ts-node/register/transpile-only'),
      join(__dirname, 'model-relay.ts'),
      reader,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const port = await new Promise<string>((resolve, reject) => {
      relay.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        const match = /relay listening on (\d+)/.exec(chunk);
        if (match) resolve(match[1]);
      });
      relay.on('exit', (code) => reject(new Error(`relay exited with ${code}`)));
    });
    const url = `http://127.0.0.1:${port}`;
    const closeEvents = await watchEvents(url, timing);
    try {
      const tag = `floor${reader.replace('-', '')}`;
      // A warm-up stream first, as the server gets one.
      for (const [name, deltas] of [[`${tag}warm`, 500] as const, [tag, 5_000] as const]) {
        plans.set(name, {
          toolSteps: 0,
          deltasPerStep: 0,
          answerDeltas: deltas,
          intervalMs: DELTA_INTERVAL_MS,
        });
        const res = await fetch(`${url}/turn?tag=${name}&model=${encodeURIComponent(modelURL)}`, {
          method: 'POST',
        });
        if (!res.ok) throw new Error(`relay ${reader}: ${res.status}`);
        await res.text();
      }
      return await latencies(timing, [tag]);
    } finally {
      closeEvents();
    }
  } finally {
    relay.kill();
  }
}

async function call(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

interface TurnResult {
  wallMs: number;
  modelMs: number;
  steps: number;
  textLength: number;
}

async function runTurn(url: string, tag: string, plan: Plan, timing: Timing): Promise<TurnResult> {
  const session = (await call(url, 'POST', '/session', { title: `bench ${tag}` })) as {
    id: string;
  };
  const started = performance.now();
  const answer = (await call(url, 'POST', `/session/${session.id}/message`, {
    parts: [{ type: 'text', text: `bench:${tag}` }],
  })) as { info: { error?: unknown }; parts: Array<{ type: string; text?: string }> };
  const wallMs = performance.now() - started;
  if (answer.info.error)
    throw new Error(`turn ${tag} failed: ${JSON.stringify(answer.info.error)}`);
  const messages = (await call(url, 'GET', `/session/${session.id}/message`)) as Array<{
    parts: Array<{ type: string; text?: string; state?: { status: string } }>;
  }>;
  const tools = messages.flatMap((m) => m.parts).filter((part) => part.type === 'tool');
  if (tools.length !== plan.toolSteps || tools.some((part) => part.state?.status !== 'completed'))
    throw new Error(`turn ${tag}: ${tools.length} tool calls, not all completed`);
  const text = messages
    .flatMap((m) => m.parts)
    .filter((part) => part.type === 'text')
    .map((part) => part.text ?? '')
    .join('');
  return {
    wallMs,
    modelMs: timing.modelMs.get(tag) ?? 0,
    steps: plan.toolSteps + 1,
    textLength: text.length,
  };
}

/** CPU time (user + system) the process has used so far, in ms (Linux `/proc`; NaN elsewhere). */
function cpuMs(pid: number): number {
  try {
    // Fields 14 and 15 after the parenthesised command name: utime and stime, in clock ticks.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return NaN;
  }
}

/** Per-event latencies of the deltas of `tags`, in ms; throws if a frame never arrived. */
async function latencies(timing: Timing, tags: string[]): Promise<number[]> {
  const deadline = Date.now() + 5000;
  const expected = [...timing.sent.keys()].filter((key) => tags.includes(key.split('.')[0]));
  while (expected.some((key) => !timing.received.has(key)) && Date.now() < deadline)
    await sleep(10);
  const missing = expected.filter((key) => !timing.received.has(key));
  if (missing.length > 0) throw new Error(`${missing.length} delta frames never arrived`);
  return expected
    .map((key) => timing.received.get(key)! - timing.sent.get(key)!)
    .sort((a, b) => a - b);
}

function summary(values: number[]): string {
  return `p50 ${fmt(percentile(values, 50), 3)} ms, p99 ${fmt(percentile(values, 99), 3)} ms, max ${fmt(values.at(-1) ?? NaN, 2)} ms (${values.length} events)`;
}

export async function runAgentLoopBench(): Promise<boolean> {
  const plans = new Map<string, Plan>();
  const timing: Timing = { sent: new Map(), received: new Map(), modelMs: new Map() };
  const model = await startFakeModel(plans, timing);
  const server = await startServer(model.url);
  const closeEvents = await watchEvents(server.url, timing);
  let ok = true;
  try {
    // Warm-up: the first turn loads providers and JIT-compiles the paths.
    plans.set('warm', { toolSteps: 5, deltasPerStep: 100, intervalMs: 0 });
    await runTurn(server.url, 'warm', plans.get('warm')!, timing);

    // One turn: 50 steps x (100 deltas + 1 tool call), then the answer.
    const single: Plan = { toolSteps: 50, deltasPerStep: 100, intervalMs: DELTA_INTERVAL_MS };
    plans.set('one', single);
    const turn = await runTurn(server.url, 'one', single, timing);
    const one = await latencies(timing, ['one']);
    const overhead = turn.wallMs - turn.modelMs;
    const oneOk = percentile(one, 99) < TARGET_P99_MS;
    ok &&= oneOk;
    process.stdout.write(
      `one turn (5,000 deltas at 1 per ${DELTA_INTERVAL_MS} ms, 50 tool calls, ${turn.steps} steps): ${summary(one)}  ${verdict(oneOk)}\n` +
        `  wall ${fmt(turn.wallMs, 0)} ms, model streaming ${fmt(turn.modelMs, 0)} ms, overhead ${fmt(overhead, 0)} ms (${fmt(overhead / turn.steps, 2)} ms per step, tools included)\n`,
    );

    // The same turn, unpaced: how fast the loop can go.
    const flood: Plan = { toolSteps: 50, deltasPerStep: 100, intervalMs: 0 };
    plans.set('flood', flood);
    const floodCpu = cpuMs(server.pid);
    const floodTurn = await runTurn(server.url, 'flood', flood, timing);
    const floodCpuMs = cpuMs(server.pid) - floodCpu;
    const floodLatency = await latencies(timing, ['flood']);
    process.stdout.write(
      `one turn unpaced: ${fmt(5_000 / (floodTurn.wallMs / 1000), 0)} deltas/s, wall ${fmt(floodTurn.wallMs, 0)} ms, server CPU ${fmt(floodCpuMs, 0)} ms (${fmt((floodCpuMs * 1000) / 5_000, 0)} us per delta, steps included); per event ${summary(floodLatency)} (queueing included)\n`,
    );

    // 20 sessions streaming at once: at a real model's pace, then ten times faster.
    const realPaceOk = await runConcurrent(
      server,
      plans,
      timing,
      'r',
      { toolSteps: 3, deltasPerStep: 100, intervalMs: 10, jitter: true },
      true,
    );
    ok &&= realPaceOk;
    await runConcurrent(
      server,
      plans,
      timing,
      's',
      { toolSteps: 10, deltasPerStep: 100, intervalMs: DELTA_INTERVAL_MS, jitter: true },
      false,
    );

    // What the same stream measures with no server at all: the machine's and the AI SDK's share.
    process.stdout.write(
      `floor (no server: one stream of 5,000 deltas at 1 per ${DELTA_INTERVAL_MS} ms relayed as one frame each, same model and client):\n`,
    );
    for (const [reader, label] of [
      ['fetch', 'fetch + hand-split SSE   '],
      ['provider', 'AI SDK provider doStream '],
      ['stream-text', 'AI SDK streamText        '],
    ] as const) {
      const floor = await measureFloor(reader, model.url, plans, timing);
      process.stdout.write(`  ${label} ${summary(floor)}\n`);
      if (reader !== 'stream-text') continue;
      // What the server adds over the SDK it is required to use.
      const added = (p: number) => fmt(percentile(one, p) - percentile(floor, p), 3);
      process.stdout.write(
        `the server over streamText alone (one turn): p50 +${added(50)} ms, p99 +${added(99)} ms\n`,
      );
    }
  } finally {
    closeEvents();
    await server.stop();
    model.close();
  }
  return ok;
}

/**
 * 20 sessions running a turn of `plan` at once: all must complete; prints the delta events per
 * second the client received, the latency per event and the server's CPU per event.
 */
async function runConcurrent(
  server: BenchServer,
  plans: Map<string, Plan>,
  timing: Timing,
  prefix: string,
  plan: Plan,
  judged: boolean,
): Promise<boolean> {
  const tags = Array.from({ length: 20 }, (_, index) => `${prefix}${index}`);
  for (const tag of tags) plans.set(tag, plan);
  const rssBefore = rssMb(server.pid);
  const cpuBefore = cpuMs(server.pid);
  const started = performance.now();
  const turns = await Promise.all(tags.map((tag) => runTurn(server.url, tag, plan, timing)));
  const wallMs = performance.now() - started;
  const cpu = cpuMs(server.pid) - cpuBefore;
  const all = await latencies(timing, tags);
  const ok = turns.length === tags.length && percentile(all, 99) < TARGET_P99_MS;
  const deltas = plan.toolSteps * plan.deltasPerStep;
  const pace = `1 delta per ${plan.intervalMs} ms each`;
  process.stdout.write(
    `20 sessions at once (each ${deltas} deltas + ${plan.toolSteps} tool calls, ${pace}): all ${turns.length} complete in ${fmt(wallMs, 0)} ms, ` +
      `${fmt(all.length / (wallMs / 1000), 0)} delta events/s; ${summary(all)}  ${judged ? verdict(ok) : '(saturation: not judged)'}\n` +
      `  server CPU ${fmt(cpu, 0)} ms (${fmt((cpu * 1000) / all.length, 0)} us per delta, steps included), RSS ${fmt(rssBefore, 0)} -> ${fmt(rssMb(server.pid), 0)} MB\n`,
  );
  return ok;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

if (require.main === module) {
  runAgentLoopBench().then(
    (ok) => process.exit(ok ? 0 : 1),
    (error: unknown) => {
      process.stderr.write(
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
