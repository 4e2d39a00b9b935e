/**
 * Follows `GET /api/event` with the v2 client of the OFFICIAL opencode SDK
 * (`client.v2.event.subscribe()`) through one turn whose bash call asks permission, answers it
 * with `client.v2.session.permission.reply()`, and prints ONE JSON object on stdout:
 * `{ sessionID, pending, frames }` (`frames`: every frame the SDK yielded, in order).
 *
 *   node test/support/api-event-sdk-scenario.mjs <baseUrl> <directory>
 *
 * The model's replies are scripted by the jest test before it starts the script.
 */
import { createOpencodeClient } from '@opencode-ai/sdk/v2';

const [baseUrl, directory] = process.argv.slice(2);
const client = createOpencodeClient({ baseUrl, directory });
const frames = [];
const waiters = [];

function waitFor(predicate, what) {
  const found = frames.find(predicate);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} frame within 10 s`)), 10_000);
    waiters.push({ predicate, resolve: (frame) => (clearTimeout(timer), resolve(frame)) });
  });
}

const controller = new AbortController();
// One attempt: a dropped stream would be replayed from nothing (there is no replay on /api/event).
const { stream } = await client.v2.event.subscribe({
  signal: controller.signal,
  sseMaxRetryAttempts: 1,
});
const reading = (async () => {
  try {
    for await (const frame of stream) {
      frames.push(frame);
      for (const waiter of [...waiters]) {
        if (!waiter.predicate(frame)) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  } catch {
    // Aborted at the end.
  }
})();

try {
  await waitFor((frame) => frame.type === 'server.connected', 'server.connected');
  const session = (await client.session.create({})).data;
  await client.session.promptAsync({
    sessionID: session.id,
    parts: [{ type: 'text', text: 'list the files' }],
  });
  const asked = await waitFor(
    (frame) => frame.type === 'permission.v2.asked' && frame.data.sessionID === session.id,
    'permission.v2.asked',
  );
  const pending = (await client.v2.session.permission.list({ sessionID: session.id })).data;
  await client.v2.session.permission.reply({
    sessionID: session.id,
    requestID: asked.data.id,
    reply: 'once',
  });
  await waitFor(
    (frame) => frame.type === 'session.idle' && frame.data.sessionID === session.id,
    'session.idle',
  );
  controller.abort();
  await reading;
  process.stdout.write(JSON.stringify({ sessionID: session.id, pending, frames }));
} catch (error) {
  controller.abort();
  process.stdout.write(JSON.stringify({ crashed: String(error), frames }));
}
