/**
 * Reads the `/api/*` (v2) routes through the OFFICIAL SDK's v2 client (`@opencode-ai/sdk/v2`,
 * `client.v2.*`), as the terminal client does, and prints what every call returned as ONE JSON
 * object on stdout. ESM (the SDK is ESM-only; jest runs CommonJS here), run by
 * `v2-read.e2e-spec.ts`:
 *
 *   node test/support/v2-read-sdk-scenario.mjs <baseUrl> <directory> <otherDirectory>
 *
 * Output: `{ calls: { [name]: { request, status, contentType, data?, error?, thrown? } } }`; a
 * failed call is recorded, not fatal.
 */
import { createOpencodeClient } from '@opencode-ai/sdk/v2';

const [baseUrl, directory, otherDirectory] = process.argv.slice(2);
if (!baseUrl || !directory || !otherDirectory) {
  process.stderr.write('usage: v2-read-sdk-scenario.mjs <baseUrl> <directory> <otherDirectory>\n');
  process.exit(2);
}

const calls = {};

async function call(name, run) {
  try {
    const result = await run();
    const url = result.request ? new URL(result.request.url) : undefined;
    calls[name] = {
      request: result.request && `${result.request.method} ${url.pathname}${url.search}`,
      status: result.response?.status,
      contentType: result.response?.headers.get('content-type'),
      data: result.data,
      error: result.error,
    };
  } catch (error) {
    calls[name] = { thrown: error instanceof Error ? error.message : String(error) };
  }
}

// As the terminal client builds it: the project directory on every request.
const { v2 } = createOpencodeClient({ baseUrl, directory });
const other = createOpencodeClient({ baseUrl, directory: otherDirectory }).v2;
const bare = createOpencodeClient({ baseUrl }).v2;

await call('health', () => v2.health.get());
await call('location', () => v2.location.get());
await call('location.other', () => other.location.get());
await call('location.explicit', () =>
  bare.location.get({ location: { directory: otherDirectory } }),
);
await call('agent.list', () => v2.agent.list());
await call('model.list', () => v2.model.list());
await call('provider.list', () => v2.provider.list());
await call('provider.get', () => v2.provider.get({ providerID: 'fake' }));
await call('provider.get.unknown', () => v2.provider.get({ providerID: 'nope' }));
await call('integration.list', () => v2.integration.list());
await call('integration.get', () => v2.integration.get({ integrationID: 'anthropic' }));
await call('reference.list', () => v2.reference.list());
await call('fs.find', () => v2.fs.find({ query: 'greet' }));
await call('fs.find.directories', () =>
  v2.fs.find({ query: 'src', type: 'directory', limit: '5' }),
);
await call('fs.list', () => v2.fs.list({ path: 'src' }));
await call('fs.list.outside', () => v2.fs.list({ path: '..' }));
// The SDK's `fs.read` has no path parameter: the URL is given in the call options.
await call('fs.read', () =>
  v2.fs.read(undefined, { url: '/api/fs/read/src/greet.ts', parseAs: 'text' }),
);
await call('fs.read.other', () =>
  other.fs.read(undefined, { url: '/api/fs/read/other.txt', parseAs: 'text' }),
);

process.stdout.write(JSON.stringify({ calls }));
