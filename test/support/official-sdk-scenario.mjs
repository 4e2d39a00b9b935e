/**
 * Drives the server with the OFFICIAL opencode SDK (`@opencode-ai/sdk`, its default v1 client),
 * as a user's script would, and prints what every call returned as ONE JSON object on stdout.
 *
 *   node test/support/official-sdk-scenario.mjs <scenario> [baseUrl] [directory]
 *
 * `baseUrl` and `directory` default to OPENCODE_BASE_URL and OPENCODE_DIRECTORY. The client is
 * created with `{ baseUrl, directory }`, so the SDK sends `x-opencode-directory` (URL-encoded)
 * and copies it to `?directory=` on GETs, exactly as it does for real users.
 *
 * Output: `{ scenario, calls: { [name]: { request, status, data?, error?, thrown? } }, ...extra }`.
 * A call that fails is recorded, not fatal: the script exits 0 whatever the server answered, and
 * non-zero only if the script itself crashes. The SDK is ESM-only, which is why this is a plain
 * Node script and not part of the (CommonJS) jest suite that spawns it.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createOpencodeClient } from '@opencode-ai/sdk';

const MODEL = { providerID: 'fake', modelID: 'fake-model' };
/** Syntactically valid ids that no server has minted. */
const UNKNOWN_SESSION = 'ses_0000000000000000000000unknown';
const UNKNOWN_MESSAGE = 'msg_0000000000000000000000unknown';

const [
  scenario,
  baseUrl = process.env.OPENCODE_BASE_URL,
  directory = process.env.OPENCODE_DIRECTORY,
] = process.argv.slice(2);
if (!scenario || !baseUrl || !directory) {
  process.stderr.write('usage: official-sdk-scenario.mjs <scenario> <baseUrl> <directory>\n');
  process.exit(2);
}

const client = createOpencodeClient({ baseUrl, directory });
const calls = {};
const output = { scenario, calls };

/**
 * Runs one SDK call and records its outcome under `name`: the request line as the SDK sent it,
 * the HTTP status, and the `data` or `error` it gave back. A thrown error (network failure, a
 * bug in the SDK) is recorded as `thrown`.
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
    calls[name] = {
      thrown: error instanceof Error ? error.message : String(error),
      cause: error instanceof Error ? error.cause : undefined,
    };
    return {};
  }
}

/**
 * Opens an SSE stream (`event.subscribe` or `global.event`) and collects its events until
 * `close()`. `waitFor` resolves with the first collected event that matches.
 */
async function watch(open, timeoutMs = 10_000) {
  const controller = new AbortController();
  const { stream } = await open({ signal: controller.signal, sseMaxRetryAttempts: 1 });
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
    /** The first event from index `from` on that matches (already received or coming). */
    waitFor(predicate, label, from = 0) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((waiter) => waiter !== entry);
          const reason = failure ? ` (stream failed: ${failure})` : '';
          reject(new Error(`no event ${label} within ${timeoutMs} ms${reason}`));
        }, timeoutMs);
        const entry = {
          check() {
            const found = events.find((event, index) => index >= from && predicate(event));
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

/** A message id in the reference's ascending format, minted by the client (as the TUI does). */
function clientMessageID() {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const time = (BigInt(Date.now()) * 0x1000n).toString(16).padStart(12, '0').slice(-12);
  let random = '';
  for (let i = 0; i < 14; i++) random += alphabet[Math.floor(Math.random() * alphabet.length)];
  return `msg_${time}${random}`;
}

const text = (value) => ({ parts: [{ type: 'text', text: value }] });

const scenarios = {
  /** Everything a script reads before it starts a session. */
  async discovery() {
    const global = await watch((options) => client.global.event(options));
    try {
      output.globalFirstEvent = await global.waitFor(() => true, 'on /global/event');
    } finally {
      await global.close();
    }
    await call('project.list', () => client.project.list());
    await call('project.current', () => client.project.current());
    await call('path.get', () => client.path.get());
    await call('vcs.get', () => client.vcs.get());
    await call('config.get', () => client.config.get());
    await call('config.providers', () => client.config.providers());
    await call('provider.list', () => client.provider.list());
    await call('provider.auth', () => client.provider.auth());
    // Starting Poe's browser login is local (PKCE, a receiver on a free port, a URL to open); a
    // callback without a login in progress is refused before any token request.
    await call('provider.oauth.authorize', () =>
      client.provider.oauth.authorize({ path: { id: 'poe' }, body: { method: 0 } }),
    );
    await call('provider.oauth.callback', () =>
      client.provider.oauth.callback({ path: { id: 'openai' }, body: { method: 0, code: 'x' } }),
    );
    // The v1 client has no method for `GET /global/health`; its own HTTP client reaches it.
    await call('global.health', () => client._client.get({ url: '/global/health' }));
    await call('app.agents', () => client.app.agents());
    await call('command.list', () => client.command.list());
    await call('tool.ids', () => client.tool.ids());
    await call('tool.list', () =>
      client.tool.list({ query: { provider: MODEL.providerID, model: MODEL.modelID } }),
    );
    await call('file.list', () => client.file.list({ query: { path: '.' } }));
    await call('file.list:src', () => client.file.list({ query: { path: 'src' } }));
    await call('file.read', () => client.file.read({ query: { path: 'README.md' } }));
    await call('file.status', () => client.file.status());
    await call('find.text', () => client.find.text({ query: { pattern: 'needle' } }));
    await call('find.files', () => client.find.files({ query: { query: 'app' } }));
    await call('find.files:dirs', () =>
      client.find.files({ query: { query: 'src', dirs: 'true' } }),
    );
    await call('find.symbols', () => client.find.symbols({ query: { query: 'greet' } }));
    await call('lsp.status', () => client.lsp.status());
    await call('formatter.status', () => client.formatter.status());
    await call('mcp.status', () => client.mcp.status());
    await call('app.log', () =>
      client.app.log({
        body: { service: 'sdk-e2e', level: 'info', message: 'hello from the official SDK' },
      }),
    );
    await call('file.read:outside', () =>
      client.file.read({ query: { path: '../../etc/passwd' } }),
    );
  },

  /** Session CRUD, and the errors unknown ids give. */
  async sessions() {
    const parent = (
      await call('session.create', () => client.session.create({ body: { title: 'SDK parent' } }))
    ).data;
    await call('session.create:empty', () => client.session.create());
    const child = (
      await call('session.create:child', () =>
        client.session.create({ body: { parentID: parent.id, title: 'SDK child' } }),
      )
    ).data;
    await call('session.list', () => client.session.list());
    await call('session.get', () => client.session.get({ path: { id: parent.id } }));
    await call('session.update', () =>
      client.session.update({ path: { id: parent.id }, body: { title: 'SDK renamed' } }),
    );
    await call('session.children', () => client.session.children({ path: { id: parent.id } }));
    await call('session.todo', () => client.session.todo({ path: { id: parent.id } }));
    await call('session.status', () => client.session.status());
    await call('session.messages:empty', () =>
      client.session.messages({ path: { id: parent.id } }),
    );
    await call('session.delete:child', () => client.session.delete({ path: { id: child.id } }));
    await call('session.get:deleted', () => client.session.get({ path: { id: child.id } }));

    const unknown = { path: { id: UNKNOWN_SESSION } };
    await call('unknown:session.get', () => client.session.get(unknown));
    await call('unknown:session.update', () =>
      client.session.update({ ...unknown, body: { title: 'x' } }),
    );
    await call('unknown:session.delete', () => client.session.delete(unknown));
    await call('unknown:session.children', () => client.session.children(unknown));
    await call('unknown:session.todo', () => client.session.todo(unknown));
    await call('unknown:session.messages', () => client.session.messages(unknown));
    await call('unknown:session.message', () =>
      client.session.message({ path: { id: parent.id, messageID: UNKNOWN_MESSAGE } }),
    );
    await call('unknown:session.prompt', () =>
      client.session.prompt({ ...unknown, body: text('hi') }),
    );
    await call('unknown:session.fork', () => client.session.fork({ ...unknown, body: {} }));
    await call('unknown:session.revert', () =>
      client.session.revert({ ...unknown, body: { messageID: UNKNOWN_MESSAGE } }),
    );
    await call('unknown:session.unrevert', () => client.session.unrevert(unknown));
    await call('unknown:session.summarize', () =>
      client.session.summarize({ ...unknown, body: MODEL }),
    );
    await call('unknown:session.shell', () =>
      client.session.shell({ ...unknown, body: { agent: 'build', command: 'true' } }),
    );
    await call('unknown:session.share', () => client.session.share(unknown));
    await call('bad:session.get', () => client.session.get({ path: { id: 'not-a-session' } }));
    output.ids = { parent: parent.id, child: child.id };
  },

  /** Synchronous prompts: a text answer, then a turn that runs tools; reading messages back. */
  async prompt() {
    const session = (
      await call('session.create', () => client.session.create({ body: { title: 'SDK prompt' } }))
    ).data;
    const path = { id: session.id };
    await call('session.prompt:text', () =>
      client.session.prompt({
        path,
        body: {
          ...text('Say hello'),
          model: MODEL,
          system: 'Answer in three words.',
          tools: { bash: false },
        },
      }),
    );
    await call('session.prompt:tools', () =>
      client.session.prompt({
        path,
        body: {
          ...text('Read the README, find the sources, plan the work'),
          model: MODEL,
          agent: 'build',
        },
      }),
    );
    // A file part (a file: URL, as the TUI sends for @mentions), stored without a model turn.
    await call('session.prompt:noReply', () =>
      client.session.prompt({
        path,
        body: {
          noReply: true,
          parts: [
            { type: 'text', text: 'Keep this for later' },
            {
              type: 'file',
              mime: 'text/plain',
              filename: 'README.md',
              url: pathToFileURL(join(directory, 'README.md')).href,
            },
          ],
        },
      }),
    );
    const messages = (await call('session.messages', () => client.session.messages({ path }))).data;
    await call('session.messages:limit', () =>
      client.session.messages({ path, query: { limit: 2 } }),
    );
    await call('session.message', () =>
      client.session.message({ path: { ...path, messageID: messages[0].info.id } }),
    );
    await call('session.todo', () => client.session.todo({ path }));
    await call('session.status', () => client.session.status());
    await call('session.get', () => client.session.get({ path }));
    // `throwOnError`: the SDK turns the `{ name, data }` body into an Error carrying data.message.
    await call('unknown:session.get:throw', () =>
      client.session.get({ path: { id: UNKNOWN_SESSION }, throwOnError: true }),
    );
    output.sessionID = session.id;
  },

  /**
   * `prompt_async`, then `event.subscribe()` watched until the session is idle again; the turn
   * asks for a permission (config `bash: ask`), answered through the SDK's v1 route.
   */
  async events() {
    const session = (
      await call('session.create', () => client.session.create({ body: { title: 'SDK events' } }))
    ).data;
    const path = { id: session.id };
    const bus = await watch((options) => client.event.subscribe(options));
    try {
      await bus.waitFor(() => true, 'on /event');
      await call('session.prompt_async', () =>
        client.session.promptAsync({ path, body: { ...text('Run the tests'), model: MODEL } }),
      );
      // The reference (and this server) publish `permission.asked`; the v1 SDK's types still
      // call it `permission.updated`, so a v1 script has to accept both.
      const asked = await bus.waitFor(
        (event) =>
          (event.type === 'permission.asked' || event.type === 'permission.updated') &&
          event.properties.sessionID === session.id,
        'permission.asked',
      );
      await call('session.status:busy', () => client.session.status());
      await call('permission.respond', () =>
        client.postSessionIdPermissionsPermissionId({
          path: { id: session.id, permissionID: asked.properties.id },
          body: { response: 'once' },
        }),
      );
      await bus.waitFor(
        (event) => event.type === 'session.idle' && event.properties.sessionID === session.id,
        'session.idle',
      );
      await call('session.status:idle', () => client.session.status());

      // A second turn whose model stream hangs, aborted once its text is streaming.
      const from = bus.events.length;
      await call('session.prompt_async:hang', () =>
        client.session.promptAsync({ path, body: text('Take your time') }),
      );
      const answer = await bus.waitFor(
        (event) =>
          event.type === 'message.updated' &&
          event.properties.info.sessionID === session.id &&
          event.properties.info.role === 'assistant',
        'the answer of the hanging turn',
        from,
      );
      await bus.waitFor(
        (event) =>
          event.type === 'message.part.updated' &&
          event.properties.part.messageID === answer.properties.info.id &&
          event.properties.part.type === 'text',
        'streamed text of the hanging turn',
        from,
      );
      await call('session.abort', () => client.session.abort({ path }));
      await bus.waitFor(
        (event) => event.type === 'session.idle' && event.properties.sessionID === session.id,
        'session.idle after abort',
        from,
      );
      await call('session.messages', () => client.session.messages({ path }));
      await call('unknown:permission.respond', () =>
        client.postSessionIdPermissionsPermissionId({
          path: { id: session.id, permissionID: 'per_0000000000000000000000unknown' },
          body: { response: 'once' },
        }),
      );
    } finally {
      await bus.close();
    }
    output.sessionID = session.id;
    output.events = bus.events;
  },

  /** A session's life after its first turn: diff, shell, fork, share, summarize, revert, delete. */
  async lifecycle() {
    const session = (
      await call('session.create', () =>
        client.session.create({ body: { title: 'SDK lifecycle' } }),
      )
    ).data;
    const path = { id: session.id };
    const first = await call('session.prompt:write', () =>
      client.session.prompt({ path, body: { ...text('Write notes.txt'), model: MODEL } }),
    );
    const userMessageID = first.data?.info.parentID;
    await call('session.diff', () => client.session.diff({ path }));
    await call('session.diff:message', () =>
      client.session.diff({ path, query: { messageID: userMessageID } }),
    );
    await call('session.shell', () =>
      client.session.shell({ path, body: { agent: 'build', command: 'echo shell-out' } }),
    );
    await call('session.command', () =>
      client.session.command({ path, body: { command: 'greet', arguments: 'SDK' } }),
    );
    output.initMessageID = clientMessageID();
    await call('session.init', () =>
      client.session.init({ path, body: { ...MODEL, messageID: output.initMessageID } }),
    );
    await call('session.summarize', () => client.session.summarize({ path, body: MODEL }));
    // Forked at the turn's last answer: the copy holds what came strictly before it (the prompt
    // and the step that wrote the file).
    const fork = await call('session.fork', () =>
      client.session.fork({ path, body: { messageID: first.data?.info.id } }),
    );
    if (fork.data?.id) {
      await call('session.messages:fork', () =>
        client.session.messages({ path: { id: fork.data.id } }),
      );
    }
    await call('session.share', () => client.session.share({ path }));
    await call('session.unshare', () => client.session.unshare({ path }));
    await call('session.revert', () =>
      client.session.revert({ path, body: { messageID: userMessageID } }),
    );
    await call('file.read:reverted', () => client.file.read({ query: { path: 'notes.txt' } }));
    await call('session.unrevert', () => client.session.unrevert({ path }));
    await call('file.read:unreverted', () => client.file.read({ query: { path: 'notes.txt' } }));
    await call('session.abort', () => client.session.abort({ path }));
    await call('session.messages', () => client.session.messages({ path }));
    await call('session.delete', () => client.session.delete({ path }));
    await call('session.get:deleted', () => client.session.get({ path }));
    output.sessionID = session.id;
    output.userMessageID = userMessageID;
  },

  /** The TUI routes, and the control queue seen from the terminal client's side. */
  async tui() {
    await call('tui.appendPrompt', () =>
      client.tui.appendPrompt({ body: { text: 'from the SDK' } }),
    );
    await call('tui.showToast', () =>
      client.tui.showToast({ body: { title: 'SDK', message: 'Hello', variant: 'success' } }),
    );
    await call('tui.openHelp', () => client.tui.openHelp());
    await call('tui.openSessions', () => client.tui.openSessions());
    await call('tui.openThemes', () => client.tui.openThemes());
    await call('tui.openModels', () => client.tui.openModels());
    await call('tui.submitPrompt', () => client.tui.submitPrompt());
    await call('tui.clearPrompt', () => client.tui.clearPrompt());
    await call('tui.executeCommand', () =>
      client.tui.executeCommand({ body: { command: 'agent_cycle' } }),
    );
    await call('tui.control.next', () => client.tui.control.next());
    await call('tui.control.response', () =>
      client.tui.control.response({ body: { answered: 'by the SDK' } }),
    );
  },

  /** Credentials, MCP, config and the instance's lifetime. */
  async admin() {
    await call('auth.set', () =>
      client.auth.set({
        path: { id: 'sdk-provider' },
        body: { type: 'api', key: 'sk-sdk-secret' },
      }),
    );
    // The v1 client has no method for `DELETE /auth/{providerID}` (its `auth.remove` is the MCP
    // route); a v1 script reaches it through the SDK's own HTTP client.
    await call('auth.remove', () =>
      client._client.delete({ url: '/auth/{id}', path: { id: 'sdk-provider' } }),
    );
    await call('mcp.add', () =>
      client.mcp.add({
        body: {
          name: 'sdk-remote',
          config: { type: 'remote', url: 'http://127.0.0.1:9/mcp', enabled: false },
        },
      }),
    );
    await call('mcp.status', () => client.mcp.status());
    await call('config.update', () => client.config.update({ body: { username: 'sdk-user' } }));
    await call('config.get', () => client.config.get());
    await call('instance.dispose', () => client.instance.dispose());
    await call('project.current:after-dispose', () => client.project.current());
    await call('session.list:after-dispose', () => client.session.list());
  },
};

async function main() {
  const run = scenarios[scenario];
  if (!run) throw new Error(`unknown scenario ${scenario}: ${Object.keys(scenarios).join(', ')}`);
  await run();
  // Pipes are written synchronously on Linux; exiting at once also drops idle keep-alive sockets.
  process.stdout.write(`${JSON.stringify(output)}\n`, () => process.exit(0));
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.stdout.write(`${JSON.stringify({ ...output, crashed: String(error) })}\n`, () =>
    process.exit(1),
  );
});
