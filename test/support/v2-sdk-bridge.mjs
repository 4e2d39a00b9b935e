/**
 * Calls the OFFICIAL SDK's v2 client (`@opencode-ai/sdk/v2`, `client.v2.*`) on behalf of a jest
 * test, one call per line: the SDK is ESM-only and jest runs CommonJS here, and some tests must
 * act between calls (sign in on a fake login page, move a clock), which a one-shot scenario
 * script cannot. Used through `startSdkBridge()` in the spec files:
 *
 *   node test/support/v2-sdk-bridge.mjs <baseUrl> <directory>
 *
 * stdin: one JSON per line, `{ "id": 1, "method": "integration.connect.key", "args": {...} }`.
 * stdout: one JSON per line, `{ id, request, status, data?, error?, thrown? }`.
 *
 * Event streams (`v2.session.events`) stay open between calls, so they have two methods of the
 * bridge's own: `bridge.events.open` `{ key, sessionID, after?, headers?, baseUrl?,
 * retryDelay?, maxAttempts? }` answers once the first connection attempt has its response (or failed), and
 * from then on reports, each on its own line, `{ stream: key, attempt: { after, lastEventId,
 * status?, thrown? } }` for every connection the SDK makes (its automatic retries included, with
 * the `Last-Event-ID` it sent), `{ stream: key, frame: { id, data } }` for every event,
 * `{ stream: key, error }` for what the SDK's SSE client reports, and `{ stream: key, ended: true }`
 * when it stops. `bridge.events.close` `{ key }` aborts it.
 */
import { createInterface } from 'node:readline';
import { createOpencodeClient } from '@opencode-ai/sdk/v2';

const [baseUrl, directory] = process.argv.slice(2);
if (!baseUrl || !directory) {
  process.stderr.write('usage: v2-sdk-bridge.mjs <baseUrl> <directory>\n');
  process.exit(2);
}

// As the terminal client builds it: the project directory on every request.
const { v2 } = createOpencodeClient({ baseUrl, directory });

async function call(method, args) {
  const path = method.split('.');
  const name = path.pop();
  const owner = path.reduce((target, key) => target[key], v2);
  const result = await owner[name](args);
  const url = result.request ? new URL(result.request.url) : undefined;
  return {
    request: result.request && `${result.request.method} ${url.pathname}${url.search}`,
    status: result.response?.status,
    data: result.data,
    error: result.error,
  };
}

const message = (error) => (error instanceof Error ? error.message : String(error));

/** Open event streams by the caller's key. */
const streams = new Map();

async function openEvents(args) {
  const { key, sessionID, after, headers, baseUrl: via, retryDelay, maxAttempts = 1 } = args;
  const report = (fields) =>
    process.stdout.write(`${JSON.stringify({ stream: key, ...fields })}\n`);
  // Another base URL (a proxy that can cut the connection) gets a client of its own.
  const client = via ? createOpencodeClient({ baseUrl: via, directory }).v2 : v2;
  const controller = new AbortController();
  let firstAttempt;
  const attempted = new Promise((resolve) => (firstAttempt = resolve));
  // Sees every connection attempt of the SDK's SSE client, as it sends it.
  const observed = async (request) => {
    const attempt = {
      after: new URL(request.url).searchParams.get('after') ?? undefined,
      lastEventId: request.headers.get('last-event-id') ?? undefined,
    };
    try {
      const response = await fetch(request);
      report({ attempt: { ...attempt, status: response.status } });
      firstAttempt({ status: response.status });
      return response;
    } catch (error) {
      report({ attempt: { ...attempt, thrown: message(error) } });
      firstAttempt({ thrown: message(error) });
      throw error;
    }
  };
  const { stream } = await client.session.events(
    { sessionID, after },
    {
      fetch: observed,
      headers,
      signal: controller.signal,
      sseMaxRetryAttempts: maxAttempts,
      ...(retryDelay !== undefined && { sseDefaultRetryDelay: retryDelay }),
      onSseEvent: ({ id, data }) => {
        // Comment lines (heartbeats) come through as events without data.
        if (data !== undefined) report({ frame: { id, data } });
      },
      onSseError: (error) => report({ error: message(error) }),
    },
  );
  streams.set(key, controller);
  void (async () => {
    try {
      for await (const _frame of stream);
    } catch (error) {
      report({ error: message(error) });
    } finally {
      streams.delete(key);
      firstAttempt({ thrown: 'ended before any response' });
      report({ ended: true });
    }
  })();
  return attempted;
}

function closeEvents({ key }) {
  streams.get(key)?.abort();
  return { status: streams.has(key) ? 200 : 404 };
}

/** The bridge's own methods (streams), beside the SDK's. */
const own = { 'bridge.events.open': openEvents, 'bridge.events.close': closeEvents };

async function answer(line) {
  const { id, method, args } = JSON.parse(line);
  let result;
  try {
    result = own[method] ? await own[method](args) : await call(method, args);
  } catch (error) {
    result = { thrown: message(error) };
  }
  process.stdout.write(`${JSON.stringify({ id, ...result })}\n`);
}

// Calls run concurrently (a test may start one that waits, then act), answered by id.
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim()) void answer(line);
}
