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

async function answer(line) {
  const { id, method, args } = JSON.parse(line);
  let result;
  try {
    result = await call(method, args);
  } catch (error) {
    result = { thrown: error instanceof Error ? error.message : String(error) };
  }
  process.stdout.write(`${JSON.stringify({ id, ...result })}\n`);
}

// Calls run concurrently (a test may start one that waits, then act), answered by id.
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim()) void answer(line);
}
