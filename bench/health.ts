/**
 * Throughput of GET /global/health on the built server, plus start-up time and memory.
 * Targets (issue 2): >= 10,000 req/s with 50 connections, start to healthy < 1 s, idle RSS < 120 MB.
 * Run: `npm run build && npm run bench -- health` (or `npx ts-node bench/health.ts`).
 */
import { autocannon } from './autocannon';
import { fmt, rssMb, startBuiltServer, verdict } from './server';

const CONNECTIONS = 50;
const DURATION_S = 10;
const IDLE_SETTLE_MS = 15_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runHealthBench(): Promise<boolean> {
  const server = await startBuiltServer();
  try {
    // Right after start-up, V8's young generation still holds the start-up allocations; its
    // memory reducer returns them to the OS once the process has been idle for ~10 s.
    await sleep(1000);
    const earlyRss = rssMb(server.pid);
    await sleep(IDLE_SETTLE_MS - 1000);
    const idleRss = rssMb(server.pid);

    // Warm-up, so the JIT has compiled the hot path before measuring.
    await autocannon({ url: `${server.url}/global/health`, connections: 10, duration: 2 });
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(server.pid))), 250);
    const health = await autocannon({
      url: `${server.url}/global/health`,
      connections: CONNECTIONS,
      duration: DURATION_S,
    });
    // An instance-scoped route, for comparison: it resolves the project directory per request.
    const path = await autocannon({
      url: `${server.url}/path`,
      connections: CONNECTIONS,
      duration: Math.ceil(DURATION_S / 2),
    });
    clearInterval(sampler);

    const reqPerSec = health.requests.average;
    const failures = health.errors + health.timeouts + health.non2xx;
    const rows = [
      ['start to listening line', `${fmt(server.listeningMs, 0)} ms`, ''],
      ['start to healthy', `${fmt(server.healthyMs, 0)} ms`, verdict(server.healthyMs < 1000)],
      ['RSS 1 s after start', `${fmt(earlyRss)} MB`, ''],
      [
        `idle RSS (${IDLE_SETTLE_MS / 1000} s after start)`,
        `${fmt(idleRss)} MB`,
        verdict(idleRss < 120),
      ],
      [
        `GET /global/health, ${CONNECTIONS} conn, ${DURATION_S} s`,
        `${fmt(reqPerSec, 0)} req/s`,
        verdict(reqPerSec >= 10_000 && failures === 0),
      ],
      ['  latency p50 / p99', `${health.latency.p50} / ${health.latency.p99} ms`, ''],
      ['  errors + non-2xx', String(failures), ''],
      ['  server RSS under load (peak)', `${fmt(peakRss)} MB`, ''],
      [
        `GET /path (instance-scoped), ${CONNECTIONS} conn`,
        `${fmt(path.requests.average, 0)} req/s`,
        '',
      ],
      ['  latency p50 / p99', `${path.latency.p50} / ${path.latency.p99} ms`, ''],
    ];
    for (const [label, value, mark] of rows)
      process.stdout.write(`${label.padEnd(44)} ${value.padStart(16)}  ${mark}\n`);
    return server.healthyMs < 1000 && idleRss < 120 && reqPerSec >= 10_000 && failures === 0;
  } finally {
    const code = await server.stop();
    if (code !== 0) process.stdout.write(`server exited with ${code} on SIGTERM\n`);
  }
}

if (require.main === module) {
  runHealthBench().then(
    (ok) => process.exit(ok ? 0 : 1),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
