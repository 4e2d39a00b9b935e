/**
 * SSE fan-out: 1000 clients on GET /event of the built server, one event published, and the time
 * until each client has received it. Target (issue 2): all 1000 within 100 ms.
 * The event is a TUI toast (POST /tui/show-toast) when the server has that route, so several
 * rounds reuse the same connections; otherwise POST /instance/dispose, whose
 * `server.instance.disposed` reaches every client (and ends the streams: one round per set).
 * Run: `npm run build && npm run bench -- sse` (or `npx ts-node bench/sse-fanout.ts`).
 */
import net from 'node:net';
import { fmt, percentile, rssMb, startBuiltServer, verdict } from './server';

const CLIENTS = 1000;
const ROUNDS = 5;

export interface Client {
  /** Resolves when the stream's first frame (server.connected) has arrived. */
  connected: Promise<void>;
  /** Resolves with the time (performance.now()) the marker text first arrived. */
  receive(marker: string): Promise<number>;
  close(): void;
}

/**
 * An SSE client on a raw socket: it only scans the bytes for a marker, so that the client side,
 * which handles a thousand sockets on one thread, adds as little as possible to what is measured.
 */
export function connect(url: URL): Client {
  let tail = '';
  const waiters: Array<{ marker: string; resolve: (at: number) => void }> = [];
  let onConnected!: () => void;
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const socket = net.connect(Number(url.port), url.hostname, () => {
    socket.write(
      `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\n\r\n`,
    );
  });
  socket.on('data', (chunk: Buffer) => {
    const at = performance.now();
    // The tail of the previous chunk catches a marker split across two chunks.
    const text = tail + chunk.toString('latin1');
    tail = text.slice(-256);
    if (text.includes('server.connected')) onConnected();
    for (const waiter of [...waiters]) {
      if (!text.includes(waiter.marker)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(at);
    }
  });
  socket.on('error', () => undefined);
  return {
    connected,
    receive: (marker) => new Promise((resolve) => waiters.push({ marker, resolve })),
    close: () => socket.destroy(),
  };
}

async function post(url: string, body: unknown): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

export async function runSseFanoutBench(): Promise<boolean> {
  const server = await startBuiltServer();
  const toast =
    (await post(`${server.url}/tui/show-toast`, { message: 'warm-up', variant: 'info' })) === 200;
  // With a toast, one unmeasured round first warms the JIT on the publishing path.
  const rounds = toast ? ROUNDS + 1 : 1;
  const measuredFrom = toast ? 1 : 0;
  const results: Array<{ p50: number; p99: number; max: number }> = [];
  let clients: Client[] = [];
  let connectMs = 0;
  let rssConnected = 0;
  const rssBefore = rssMb(server.pid);
  try {
    for (let round = 0; round < rounds; round++) {
      if (clients.length === 0) {
        const started = performance.now();
        clients = Array.from({ length: CLIENTS }, () => connect(new URL('/event', server.url)));
        await Promise.all(clients.map((c) => c.connected));
        connectMs = performance.now() - started;
        rssConnected = rssMb(server.pid);
      }
      const marker = toast ? `fanout-round-${round}` : 'server.instance.disposed';
      const received = clients.map((c) => c.receive(marker));
      const sent = performance.now();
      const status = toast
        ? await post(`${server.url}/tui/show-toast`, { message: marker, variant: 'info' })
        : await post(`${server.url}/instance/dispose`, {});
      if (status !== 200) throw new Error(`publishing answered ${status}`);
      const latencies = (await Promise.all(received)).map((at) => at - sent).sort((a, b) => a - b);
      if (round >= measuredFrom)
        results.push({
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          max: latencies[latencies.length - 1],
        });
      if (!toast) clients = [];
    }
  } finally {
    clients.forEach((c) => c.close());
  }
  const rssAfterClose = rssMb(server.pid);
  await server.stop();

  const worstMax = Math.max(...results.map((r) => r.max));
  const bestMax = Math.min(...results.map((r) => r.max));
  const lines = [
    `event: ${toast ? 'tui.toast.show (POST /tui/show-toast)' : 'server.instance.disposed (POST /instance/dispose)'}`,
    `${CLIENTS} clients connected in ${fmt(connectMs, 0)} ms`,
    `server RSS: ${fmt(rssBefore)} MB before, ${fmt(rssConnected)} MB with ${CLIENTS} clients, ${fmt(rssAfterClose)} MB after they left`,
    ...results.map(
      (r, i) =>
        `round ${i + 1}: all ${CLIENTS} received in p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms, max ${fmt(r.max)} ms`,
    ),
    `fan-out max (best / worst round): ${fmt(bestMax)} / ${fmt(worstMax)} ms  ${verdict(worstMax < 100)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return worstMax < 100;
}

if (require.main === module) {
  runSseFanoutBench().then(
    (ok) => process.exit(ok ? 0 : 1),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
