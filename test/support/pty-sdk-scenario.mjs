/**
 * Drives the server's terminals with the OFFICIAL opencode SDK (`@opencode-ai/sdk/v2`): its
 * `v2.pty` methods (`/api/pty`) and its classic `pty` methods (`/pty`), then the connect
 * WebSocket as a client builds it from a ticket, and prints ONE JSON object on stdout:
 * `{ calls: { [name]: { request, status, data?, error?, thrown? } }, socket: {...} }`.
 *
 *   node test/support/pty-sdk-scenario.mjs <baseUrl> <directory>
 *
 * A call that fails is recorded, not fatal; `crashed` is set when the script itself fails.
 */
import { createOpencodeClient } from '@opencode-ai/sdk/v2';
import WebSocket from 'ws';

const [baseUrl, directory] = process.argv.slice(2);
if (!baseUrl || !directory) {
  process.stderr.write('usage: pty-sdk-scenario.mjs <baseUrl> <directory>\n');
  process.exit(2);
}

const client = createOpencodeClient({ baseUrl, directory });
const calls = {};
const output = { calls };
/** The header a connect-token request must carry. */
const TICKET = { headers: { 'x-opencode-ticket': '1' } };

async function call(name, run) {
  try {
    const result = await run();
    const url = result.request ? new URL(result.request.url) : undefined;
    calls[name] = {
      request: result.request && `${result.request.method} ${url.pathname}${url.search}`,
      status: result.response?.status,
      data: result.data,
      error: result.error,
    };
    return result;
  } catch (error) {
    calls[name] = { thrown: error instanceof Error ? error.message : String(error) };
    return {};
  }
}

/** Opens the connect URL, types `input`, and collects frames until `until` is seen. */
function converse(url, input, until) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const frames = [];
    const timer = setTimeout(
      () => reject(new Error(`no ${until} in ${JSON.stringify(frames)}`)),
      10_000,
    );
    socket.on('unexpected-response', (_request, response) => {
      clearTimeout(timer);
      resolve({ refused: response.statusCode });
    });
    socket.on('open', () => socket.send(input));
    socket.on('message', (data, isBinary) => {
      frames.push(
        isBinary
          ? { control: [...data.subarray(0, 1)], json: data.subarray(1).toString() }
          : data.toString(),
      );
      const text = frames.filter((frame) => typeof frame === 'string').join('');
      if (until.test(text)) {
        clearTimeout(timer);
        socket.close();
        resolve({ frames, text });
      }
    });
    socket.on('error', reject);
  });
}

try {
  // v2: create({}) sends no body at all.
  const created = await call('v2.create', () => client.v2.pty.create({}));
  const id = created.data?.data?.id;
  await call('v2.createSh', () => client.v2.pty.create({ command: '/bin/sh', title: 'sdk' }));
  const sh = calls['v2.createSh'].data?.data?.id;
  await call('v2.list', () => client.v2.pty.list());
  await call('v2.get', () => client.v2.pty.get({ ptyID: sh }));
  await call('v2.update', () =>
    client.v2.pty.update({ ptyID: sh, title: 'renamed', size: { rows: 12, cols: 40 } }),
  );
  await call('v2.connectToken.noHeader', () => client.v2.pty.connectToken({ ptyID: sh }));
  const token = await call('v2.connectToken', () =>
    client.v2.pty.connectToken({ ptyID: sh }, TICKET),
  );
  const url = new URL(`/api/pty/${sh}/connect`, baseUrl.replace(/^http/, 'ws'));
  url.searchParams.set('location[directory]', directory);
  url.searchParams.set('cursor', '0');
  url.searchParams.set('ticket', token.data?.data?.ticket ?? '');
  output.socket = await converse(url.toString(), 'echo sdk-$((40+2))\r', /sdk-42\r\n/);
  output.reused = await converse(url.toString(), 'true\r', /never/).catch((error) => ({
    error: String(error),
  }));
  await call('v2.remove', () => client.v2.pty.remove({ ptyID: sh }));
  await call('v2.getRemoved', () => client.v2.pty.get({ ptyID: sh }));
  await call('v2.remove.default', () => client.v2.pty.remove({ ptyID: id }));

  // Classic methods of the same client.
  await call('pty.shells', () => client.pty.shells());
  const classic = await call('pty.create', () => client.pty.create({ command: '/bin/sh' }));
  const classicID = classic.data?.id;
  await call('pty.list', () => client.pty.list());
  await call('pty.get', () => client.pty.get({ ptyID: classicID }));
  await call('pty.update', () => client.pty.update({ ptyID: classicID, title: 'classic' }));
  await call('pty.connectToken', () => client.pty.connectToken({ ptyID: classicID }, TICKET));
  const classicUrl = new URL(`/pty/${classicID}/connect`, baseUrl.replace(/^http/, 'ws'));
  classicUrl.searchParams.set('directory', directory);
  classicUrl.searchParams.set('ticket', calls['pty.connectToken'].data?.ticket ?? '');
  output.classicSocket = await converse(
    classicUrl.toString(),
    'echo classic-$((1+1))\r',
    /classic-2\r\n/,
  );
  await call('pty.remove', () => client.pty.remove({ ptyID: classicID }));
} catch (error) {
  output.crashed = error instanceof Error ? (error.stack ?? error.message) : String(error);
}
process.stdout.write(JSON.stringify(output));
process.exit(0);
