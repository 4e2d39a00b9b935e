/**
 * Drives the server with the v2 client of the OFFICIAL opencode SDK (`@opencode-ai/sdk/v2`, the
 * one today's terminal client and web app use), as a user's script would, and prints what every
 * call returned as ONE JSON object on stdout.
 *
 *   node test/support/official-sdk-v2-scenario.mjs <scenario> <baseUrl> <directory>
 *
 * The v2 client takes flat parameters (`{ sessionID, requestID, reply }`) and places each in the
 * path, query, header or body as the reference document says; the client is created with
 * `{ baseUrl, directory }`, so every request carries the project directory.
 *
 * Output: `{ scenario, calls: { [name]: { request, status, data?, error?, thrown? } }, ...extra }`.
 * A call that fails is recorded, not fatal: the script exits 0 whatever the server answered, and
 * with `crashed` set when the script itself fails (an awaited event that never came). The model's
 * replies are scripted by the jest test before it starts the script.
 */
import { createOpencodeClient } from '@opencode-ai/sdk/v2';

/** Syntactically valid ids that no server has minted. */
const UNKNOWN_PERMISSION = 'per_0000000000000000000000unknown';
const UNKNOWN_QUESTION = 'que_0000000000000000000000unknown';

const [scenario, baseUrl, directory] = process.argv.slice(2);
if (!scenario || !baseUrl || !directory) {
  process.stderr.write('usage: official-sdk-v2-scenario.mjs <scenario> <baseUrl> <directory>\n');
  process.exit(2);
}

const client = createOpencodeClient({ baseUrl, directory });
const calls = {};
const output = { scenario, calls };

/**
 * Runs one SDK call and records its outcome under `name`: the request line as the SDK sent it,
 * the HTTP status, and the `data` or `error` it gave back (a thrown error as `thrown`).
 */
async function call(name, run) {
  if (name in calls) throw new Error(`call name used twice: ${name}`);
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

/**
 * `event.subscribe()` collected until `close()`; `waitFor` resolves with the first event that
 * matches, received already or coming.
 */
async function watchEvents(timeoutMs = 10_000) {
  const controller = new AbortController();
  const { stream } = await client.event.subscribe(undefined, {
    signal: controller.signal,
    sseMaxRetryAttempts: 1,
  });
  const events = [];
  let waiters = [];
  let failure;
  const pump = (async () => {
    for await (const event of stream) {
      events.push(event);
      waiters = waiters.filter((waiter) => !waiter.check());
    }
  })().catch((error) => {
    failure = error;
  });
  return {
    events,
    waitFor(predicate, label) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((waiter) => waiter !== entry);
          const reason = failure ? ` (stream failed: ${failure})` : '';
          reject(new Error(`no event ${label} within ${timeoutMs} ms${reason}`));
        }, timeoutMs);
        const entry = {
          check() {
            const found = events.find(predicate);
            if (!found) return false;
            clearTimeout(timer);
            resolve(found);
            return true;
          },
        };
        if (!entry.check()) waiters.push(entry);
      });
    },
    async close() {
      controller.abort();
      await pump;
    },
  };
}

const text = (value) => [{ type: 'text', text: value }];

/**
 * Starts a turn in a new session (`promptAsync`) and waits for the event of `type` that it
 * publishes for that session. Returns the session id and the event.
 */
async function startTurn(events, label, prompt, type) {
  const session = (
    await call(`session.create:${label}`, () => client.session.create({ title: label }))
  ).data;
  output.sessions[label] = session.id;
  await call(`session.promptAsync:${label}`, () =>
    client.session.promptAsync({ sessionID: session.id, parts: text(prompt) }),
  );
  const event = await events.waitFor(
    (candidate) => candidate.type === type && candidate.properties.sessionID === session.id,
    `${type} of ${label}`,
  );
  return { sessionID: session.id, event };
}

/** Waits until the session's turn is over, then records its messages. */
async function finishTurn(events, label, sessionID) {
  await events.waitFor(
    (event) =>
      event.type === 'session.status' &&
      event.properties.sessionID === sessionID &&
      event.properties.status.type === 'idle',
    `idle of ${label}`,
  );
  await call(`session.messages:${label}`, () => client.session.messages({ sessionID }));
}

/** The events of the sessions the scenario started, in the order they came. */
function sessionEvents(events) {
  const ids = new Set(Object.values(output.sessions));
  return events.filter((event) => ids.has(event.properties?.sessionID));
}

const scenarios = {
  /**
   * Two turns whose bash call asks: the first is rejected with a message, the second allowed
   * once. Then the errors an unknown request id and an unknown reply give.
   */
  async permission() {
    output.sessions = {};
    const events = await watchEvents();
    try {
      const rejected = await startTurn(events, 'reject', 'Run the tests', 'permission.asked');
      output.asked = rejected.event.properties;
      await call('permission.list:pending', () => client.permission.list());
      await call('permission.reply:reject', () =>
        client.permission.reply({
          requestID: rejected.event.properties.id,
          reply: 'reject',
          message: 'Do not run it, the CI does',
        }),
      );
      await finishTurn(events, 'reject', rejected.sessionID);
      await call('permission.list:after-reject', () => client.permission.list());
      // A request answered already is no longer pending.
      await call('permission.reply:again', () =>
        client.permission.reply({ requestID: rejected.event.properties.id, reply: 'once' }),
      );

      const allowed = await startTurn(events, 'once', 'Run the tests again', 'permission.asked');
      await call('permission.reply:once', () =>
        client.permission.reply({ requestID: allowed.event.properties.id, reply: 'once' }),
      );
      await finishTurn(events, 'once', allowed.sessionID);

      await call('permission.reply:unknown', () =>
        client.permission.reply({ requestID: UNKNOWN_PERMISSION, reply: 'once' }),
      );
      await call('permission.reply:bad-reply', () =>
        client.permission.reply({ requestID: UNKNOWN_PERMISSION, reply: 'maybe' }),
      );
      output.events = sessionEvents(events.events);
    } finally {
      await events.close();
    }
  },

  /**
   * Two turns whose model asks the user through the `question` tool: the first is answered, the
   * second rejected. Then the errors unknown request ids and a malformed answer give.
   */
  async question() {
    output.sessions = {};
    const events = await watchEvents();
    try {
      const answered = await startTurn(events, 'reply', 'Pick a colour', 'question.asked');
      output.asked = answered.event.properties;
      await call('question.list:pending', () => client.question.list());
      await call('question.reply', () =>
        client.question.reply({
          requestID: answered.event.properties.id,
          answers: [['Blue'], ['Small', 'Large']],
        }),
      );
      await finishTurn(events, 'reply', answered.sessionID);
      await call('question.list:after-reply', () => client.question.list());

      const rejected = await startTurn(events, 'reject', 'Pick a colour again', 'question.asked');
      await call('question.reject', () =>
        client.question.reject({ requestID: rejected.event.properties.id }),
      );
      await finishTurn(events, 'reject', rejected.sessionID);
      await call('question.list:after-reject', () => client.question.list());

      await call('question.reply:unknown', () =>
        client.question.reply({ requestID: UNKNOWN_QUESTION, answers: [['Blue']] }),
      );
      await call('question.reject:unknown', () =>
        client.question.reject({ requestID: UNKNOWN_QUESTION }),
      );
      await call('question.reply:bad-answers', () =>
        client.question.reply({ requestID: UNKNOWN_QUESTION, answers: 'Blue' }),
      );
      output.events = sessionEvents(events.events);
    } finally {
      await events.close();
    }
  },
};

async function main() {
  const run = scenarios[scenario];
  if (!run) throw new Error(`unknown scenario ${scenario}: ${Object.keys(scenarios).join(', ')}`);
  await run();
  // Exit at once: an SSE reader the SDK keeps would hold the event loop open.
  process.stdout.write(`${JSON.stringify(output)}\n`, () => process.exit(0));
}

main().catch((error) => {
  process.stdout.write(`${JSON.stringify({ ...output, crashed: String(error) })}\n`, () =>
    process.exit(0),
  );
});
