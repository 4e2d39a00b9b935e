import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { IntegrationClock } from '../../src/v2/integration/integration-attempts';
import { startFakeLoginServer, type FakeLoginServer } from '../support/fake-login-server';
import { startFakeModelServer, type FakeModelServer } from '../support/fake-model-server';
import { gitRepo, writeFiles } from '../support/fixtures';
import { connectSse, type SseClient } from '../support/sse-client';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * The integration and credential routes of `/api` (v2), through the OFFICIAL SDK's v2 client
 * (`@opencode-ai/sdk/v2`): keys connected into the database (not auth.json), the provider then
 * active and called with that key, renamed, removed; OAuth attempts run by the same login flows
 * as the classic `/provider/{id}/oauth/*` routes, against the fake login server (a browser
 * redirect, a device grant) and a plugin's code-mode login; cancel and expiry; bad input.
 * Secrets must appear in no answer and no log line.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read field by field */
type Json = any;

interface SdkAnswer {
  request?: string;
  status?: number;
  data?: Json;
  error?: Json;
  thrown?: string;
}

const BRIDGE = join(__dirname, '..', 'support', 'v2-sdk-bridge.mjs');
const KEY = 'sk-v2-poolside-secret-0001';
const ZAI_KEY = 'sk-v2-zai-secret-0002';
const PLUGIN_ACCESS = 'plugin-access-secret-0003';

/** A code-mode login (the user pastes a code) of a plugin, for `poolside`. */
const PLUGIN = `
export const CodeLogin = async () => ({
  auth: {
    provider: 'poolside',
    methods: [
      {
        type: 'oauth',
        label: 'Paste a code',
        async authorize() {
          return {
            url: 'https://login.example.test/authorize',
            instructions: 'Paste the code shown after signing in',
            method: 'code',
            async callback(code) {
              return code === 'good-code'
                ? { type: 'success', access: '${PLUGIN_ACCESS}', refresh: 'plugin-refresh-secret', expires: Date.now() + 3600000 }
                : { type: 'failed' };
            },
          };
        },
      },
    ],
  },
});
`;

/** The SDK's v2 client in a child process (ESM), one call per line, answered by id. */
class SdkBridge {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<number, (answer: SdkAnswer) => void>();
  private next = 0;
  /** Every answer, to look for secrets in. */
  readonly answers: string[] = [];

  constructor(url: string, directory: string) {
    this.child = spawn(process.execPath, [BRIDGE, url, directory]);
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.answers.push(line);
      const { id, ...answer } = JSON.parse(line) as SdkAnswer & { id: number };
      this.waiting.get(id)?.(answer);
      this.waiting.delete(id);
    });
  }

  call(method: string, args: Json = {}): Promise<SdkAnswer> {
    const id = ++this.next;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin.write(`${JSON.stringify({ id, method, args })}\n`);
    });
  }

  /** The data of a call that must answer `status`. */
  async ok(method: string, args: Json = {}, status = 200): Promise<Json> {
    const answer = await this.call(method, args);
    expect({ method, status: answer.status, thrown: answer.thrown }).toEqual({
      method,
      status,
      thrown: undefined,
    });
    return answer.data;
  }

  /** The error body of a call that must fail with `status`. */
  async fails(method: string, args: Json, status: number): Promise<Json> {
    const answer = await this.call(method, args);
    expect({ method, status: answer.status }).toEqual({ method, status });
    return answer.error;
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

describe('/api integrations and credentials (v2), through the official SDK', () => {
  let t: TestApp;
  let model: FakeModelServer;
  let login: FakeLoginServer;
  let sdk: SdkBridge;
  let sse: SseClient;

  beforeAll(async () => {
    model = await startFakeModelServer();
    login = await startFakeLoginServer();
    const directory = gitRepo({ 'README.md': '# integrations\n' });
    writeFiles(directory, {
      '.opencode/plugin/code-login.js': PLUGIN,
      // zai (a catalog provider) points at the fake model server: its calls show their key.
      'opencode.json': JSON.stringify({ provider: { zai: { options: { baseURL: model.url } } } }),
    });
    t = await startTestApp({
      directory,
      captureLogs: true,
      env: {
        OPENCODE_OAUTH_HOSTS: JSON.stringify(login.hosts),
        OPENCODE_OAUTH_LOOPBACK_PORT: '0',
      },
    });
    sdk = new SdkBridge(t.url, t.directory);
    sse = connectSse(`${t.url}/event?directory=${encodeURIComponent(t.directory)}`);
    await sse.waitFor((frame) => (frame.data as Json)?.type === 'server.connected');
  }, 60_000);

  afterAll(async () => {
    sdk?.close();
    sse?.close();
    await t?.close();
    await model?.close();
    await login?.close();
  });

  const integration = async (id: string): Promise<Json> =>
    (await sdk.ok('integration.get', { integrationID: id })).data;
  const updates = () =>
    sse.frames.filter((frame) => (frame.data as Json)?.type === 'integration.updated').length;
  const authFile = () => join(t.home, '.local', 'share', 'opencode', 'auth.json');

  /** The user in the browser: opens the sign-in page and follows its redirect to the receiver. */
  const signIn = async (authorizeUrl: string) => {
    const page = await fetch(authorizeUrl, { redirect: 'manual' });
    expect(page.status).toBe(302);
    const target = new URL(page.headers.get('location')!);
    // A browser tries 127.0.0.1 for localhost; Node may pick ::1, where nothing listens.
    if (target.hostname === 'localhost') target.hostname = '127.0.0.1';
    return fetch(target);
  };

  /** Polls an attempt until it is no longer pending. */
  const settled = async (attemptID: string): Promise<Json> => {
    for (let i = 0; i < 100; i++) {
      const { data } = await sdk.ok('integration.attempt.status', { attemptID });
      if (data.status !== 'pending') return data;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`attempt ${attemptID} still pending`);
  };

  it('lists OAuth methods with the reference ids, and no connections before any', async () => {
    const openai = await integration('openai');
    expect(openai.methods).toEqual([
      { type: 'key' },
      { type: 'env', names: ['OPENAI_API_KEY'] },
      { id: 'chatgpt-browser', type: 'oauth', label: 'ChatGPT Pro/Plus (browser)' },
      { id: 'chatgpt-headless', type: 'oauth', label: 'ChatGPT Pro/Plus (headless)' },
    ]);
    expect(openai.connections).toEqual([]);
    // A plugin's login is offered too, named by its label.
    expect((await integration('poolside')).methods).toContainEqual({
      id: 'paste-a-code',
      type: 'oauth',
      label: 'Paste a code',
    });
  });

  it('connect key: stored in the database, listed by id and label, the provider active', async () => {
    const before = (await sdk.ok('provider.list')).data.map((p: Json) => p.id);
    expect(before).not.toContain('poolside');
    const seen = updates();

    await sdk.ok('integration.connect.key', { integrationID: 'poolside', key: KEY }, 204);

    const { connections } = await integration('poolside');
    expect(connections).toEqual([
      { type: 'credential', id: expect.stringMatching(/^cred_/), label: 'default' },
    ]);
    expect((await sdk.ok('provider.list')).data.map((p: Json) => p.id)).toContain('poolside');
    expect((await sdk.ok('provider.get', { providerID: 'poolside' })).data.id).toBe('poolside');
    // Not written to auth.json (the classic store).
    expect(existsSync(authFile()) && readFileSync(authFile(), 'utf8').includes(KEY)).toBe(false);
    // One registry serves both APIs: classic GET /provider counts it connected too.
    const classic = await t.http.get('/provider').expect(200);
    expect(classic.body.connected).toContain('poolside');
    await sse.waitFor(() => updates() > seen);

    // Connecting again replaces the credential, as the reference keeps one per integration.
    await sdk.ok(
      'integration.connect.key',
      { integrationID: 'poolside', key: `${KEY}-b`, label: 'Team key' },
      204,
    );
    const again = (await integration('poolside')).connections;
    expect(again).toEqual([
      { type: 'credential', id: expect.stringMatching(/^cred_/), label: 'Team key' },
    ]);
    expect(again[0].id).not.toBe(connections[0].id);
  });

  it('a model call of the provider sends the stored key', async () => {
    await sdk.ok('integration.connect.key', { integrationID: 'zai', key: ZAI_KEY }, 204);
    const session = await t.http.post('/session').send({}).expect(200);
    const calls = model.requests.length;
    await t.http
      .post(`/session/${session.body.id}/message`)
      .send({
        model: { providerID: 'zai', modelID: 'glm-4.5' },
        parts: [{ type: 'text', text: 'hello' }],
      })
      .expect(200);
    const sent = model.requests.slice(calls);
    expect(sent.length).toBeGreaterThan(0);
    for (const request of sent) expect(request.headers.authorization).toBe(`Bearer ${ZAI_KEY}`);
  });

  it('credential update renames, remove disconnects; unknown ids answer 204', async () => {
    const [credential] = (await integration('poolside')).connections;
    const seen = updates();
    await sdk.ok('credential.update', { credentialID: credential.id, label: 'Renamed' }, 204);
    expect((await integration('poolside')).connections).toEqual([
      { type: 'credential', id: credential.id, label: 'Renamed' },
    ]);
    await sse.waitFor(() => updates() > seen);

    await sdk.ok('credential.remove', { credentialID: credential.id }, 204);
    expect((await integration('poolside')).connections).toEqual([]);
    expect((await sdk.ok('provider.list')).data.map((p: Json) => p.id)).not.toContain('poolside');
    const missing = await sdk.fails('provider.get', { providerID: 'poolside' }, 404);
    expect(missing._tag).toBe('ProviderNotFoundError');

    await sdk.ok('credential.update', { credentialID: credential.id, label: 'x' }, 204);
    await sdk.ok('credential.remove', { credentialID: credential.id }, 204);
    await sdk.ok('credential.remove', { credentialID: 'not-a-credential' }, 204);
  });

  it('OAuth in the browser (auto): pending, the redirect received, the tokens stored', async () => {
    const { data: abandoned } = await sdk.ok('integration.connect.oauth', {
      integrationID: 'openai',
      methodID: 'chatgpt-browser',
      inputs: {},
    });
    const { data: attempt } = await sdk.ok('integration.connect.oauth', {
      integrationID: 'openai',
      methodID: 'chatgpt-browser',
      inputs: {},
      label: 'ChatGPT',
    });
    expect(attempt).toEqual({
      attemptID: expect.stringMatching(/^con_/),
      url: expect.stringContaining(`${login.url}/openai/oauth/authorize?`),
      instructions: 'Complete authorization in your browser. This window will close automatically.',
      mode: 'auto',
      time: { created: expect.any(Number), expires: attempt.time.created + 10 * 60_000 },
    });
    const pending = await sdk.ok('integration.attempt.status', { attemptID: attempt.attemptID });
    expect(pending.data).toEqual({ status: 'pending', time: attempt.time });
    // A newer attempt of the integration replaced the first one (its receiver is closed).
    const replaced = await sdk.ok('integration.attempt.status', { attemptID: abandoned.attemptID });
    expect(replaced.data).toEqual({
      status: 'failed',
      message: 'Replaced by a newer attempt',
      time: abandoned.time,
    });
    await expect(signIn(abandoned.url)).rejects.toThrow();
    // An auto attempt finishes by itself: a code is refused.
    const refused = await sdk.fails(
      'integration.attempt.complete',
      { attemptID: attempt.attemptID, code: 'abc' },
      400,
    );
    expect(refused).toMatchObject({ _tag: 'InvalidRequestError', field: 'code' });

    expect((await signIn(attempt.url)).status).toBe(200);
    expect(await settled(attempt.attemptID)).toEqual({ status: 'complete', time: attempt.time });
    expect((await integration('openai')).connections).toEqual([
      { type: 'credential', id: expect.stringMatching(/^cred_/), label: 'ChatGPT' },
    ]);
    // The tokens connect the provider, as an auth.json login would.
    expect((await sdk.ok('provider.list')).data.map((p: Json) => p.id)).toContain('openai');
    const exchange = login.requests.filter((r) => r.path === '/openai/oauth/token').at(-1)!;
    expect(exchange.params).toMatchObject({ grant_type: 'authorization_code' });
    // Completing a finished attempt changes nothing, as the reference.
    await sdk.ok('integration.attempt.complete', { attemptID: attempt.attemptID }, 204);
  });

  it('OAuth by device code (auto): granted at the first poll, stored', async () => {
    login.device = [];
    const { data: attempt } = await sdk.ok('integration.connect.oauth', {
      integrationID: 'openai',
      methodID: 'chatgpt-headless',
      inputs: {},
    });
    expect(attempt).toMatchObject({
      url: `${login.url}/openai/codex/device`,
      mode: 'auto',
      instructions: expect.stringMatching(/^Enter code: /),
    });
    expect((await settled(attempt.attemptID)).status).toBe('complete');
    expect((await integration('openai')).connections).toEqual([
      { type: 'credential', id: expect.stringMatching(/^cred_/), label: 'default' },
    ]);
  });

  it('OAuth with a pasted code (code mode): a code is required, a wrong one fails, the right one stores', async () => {
    const start = async () =>
      (
        await sdk.ok('integration.connect.oauth', {
          integrationID: 'poolside',
          methodID: 'paste-a-code',
          inputs: {},
        })
      ).data;
    const first = await start();
    expect(first).toMatchObject({ mode: 'code', url: 'https://login.example.test/authorize' });
    const noCode = await sdk.fails(
      'integration.attempt.complete',
      { attemptID: first.attemptID },
      400,
    );
    expect(noCode).toMatchObject({
      _tag: 'InvalidRequestError',
      message: 'Authorization code is required',
      kind: 'integration_code_required',
    });
    const wrong = await sdk.fails(
      'integration.attempt.complete',
      { attemptID: first.attemptID, code: 'bad-code' },
      400,
    );
    expect(wrong).toMatchObject({ _tag: 'InvalidRequestError', kind: 'integration_authorization' });
    expect(
      (await sdk.ok('integration.attempt.status', { attemptID: first.attemptID })).data,
    ).toMatchObject({ status: 'failed', message: expect.any(String) });

    const second = await start();
    await sdk.ok(
      'integration.attempt.complete',
      { attemptID: second.attemptID, code: 'good-code' },
      204,
    );
    expect(
      (await sdk.ok('integration.attempt.status', { attemptID: second.attemptID })).data,
    ).toMatchObject({ status: 'complete' });
    expect((await integration('poolside')).connections).toEqual([
      { type: 'credential', id: expect.stringMatching(/^cred_/), label: 'default' },
    ]);
  });

  it('cancel forgets the attempt (404 after), unknown attempts are a 404, cancel is idempotent', async () => {
    const { data: attempt } = await sdk.ok('integration.connect.oauth', {
      integrationID: 'openai',
      methodID: 'chatgpt-browser',
      inputs: {},
    });
    await sdk.ok('integration.attempt.cancel', { attemptID: attempt.attemptID }, 204);
    const gone = await sdk.fails(
      'integration.attempt.status',
      { attemptID: attempt.attemptID },
      404,
    );
    expect(gone).toEqual({
      _tag: 'IntegrationAttemptNotFoundError',
      attemptID: attempt.attemptID,
      message: `OAuth attempt not found: ${attempt.attemptID}`,
    });
    await sdk.fails(
      'integration.attempt.complete',
      { attemptID: attempt.attemptID, code: 'x' },
      404,
    );
    await sdk.ok('integration.attempt.cancel', { attemptID: attempt.attemptID }, 204);
    await sdk.fails('integration.attempt.status', { attemptID: 'con_unknown' }, 404);
    // The browser's redirect no longer reaches anything: the receiver was closed.
    await expect(signIn(attempt.url)).rejects.toThrow();
  });

  it('an attempt expires after 10 minutes (clock moved): status expired, completing refused', async () => {
    const { data: attempt } = await sdk.ok('integration.connect.oauth', {
      integrationID: 'poolside',
      methodID: 'paste-a-code',
      inputs: {},
    });
    const clock = t.app.get(IntegrationClock);
    const spy = jest.spyOn(clock, 'now').mockReturnValue(attempt.time.expires);
    try {
      expect(
        (await sdk.ok('integration.attempt.status', { attemptID: attempt.attemptID })).data,
      ).toEqual({ status: 'expired', time: attempt.time });
      const refused = await sdk.fails(
        'integration.attempt.complete',
        { attemptID: attempt.attemptID, code: 'good-code' },
        400,
      );
      expect(refused.message).toMatch(/expired/);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses bad input: missing or empty key, empty label, unknown ids and methods', async () => {
    const missingKey = await sdk.fails('integration.connect.key', { integrationID: 'zai' }, 400);
    expect(missingKey).toMatchObject({ _tag: 'InvalidRequestError', field: 'key' });
    await sdk.fails('integration.connect.key', { integrationID: 'zai', key: '' }, 400);
    const emptyLabel = await sdk.fails(
      'integration.connect.key',
      { integrationID: 'zai', key: 'k', label: '' },
      400,
    );
    expect(emptyLabel).toMatchObject({ field: 'label' });
    const unknown = await sdk.fails(
      'integration.connect.key',
      { integrationID: 'no-such-provider', key: 'k' },
      404,
    );
    expect(unknown).toMatchObject({
      _tag: 'IntegrationNotFoundError',
      integrationID: 'no-such-provider',
    });
    await sdk.fails(
      'integration.connect.oauth',
      { integrationID: 'no-such-provider', methodID: 'x', inputs: {} },
      404,
    );
    const method = await sdk.fails(
      'integration.connect.oauth',
      { integrationID: 'openai', methodID: 'nope', inputs: {} },
      400,
    );
    expect(method).toMatchObject({ _tag: 'InvalidRequestError', field: 'methodID' });
    expect(method.message).toContain('chatgpt-browser');
    const inputs = await sdk.fails(
      'integration.connect.oauth',
      { integrationID: 'openai', methodID: 'chatgpt-browser' },
      400,
    );
    expect(inputs).toMatchObject({ field: 'inputs' });
    const label = await sdk.fails('credential.update', { credentialID: 'cred_x', label: '' }, 400);
    expect(label).toMatchObject({ field: 'label' });
  });

  it('never answers or logs a key or token', () => {
    const secrets = [KEY, ZAI_KEY, PLUGIN_ACCESS, 'plugin-refresh-secret', ...login.secrets];
    const answers = sdk.answers.join('\n');
    const logs = t.logs();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect({
        secret,
        inAnswers: answers.includes(secret),
        inLogs: logs.includes(secret),
      }).toEqual({ secret, inAnswers: false, inLogs: false });
    }
  });
});
