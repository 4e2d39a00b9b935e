import { streamText } from 'ai';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InstanceService } from '../../src/core/instance/instance.service';
import { ProviderService } from '../../src/provider/provider.service';
import { startFakeModelServer, type FakeModelServer } from '../support/fake-model-server';
import {
  challengeS256,
  startFakeOAuthServer,
  type FakeOAuthServer,
} from '../support/fake-oauth-server';
import { startTestApp, TestApp } from '../support/test-app';

interface ProviderBody {
  id: string;
  source: string;
  env: string[];
  options: Record<string, unknown>;
  models: Record<string, { id: string; cost: { input: number }; limit: { context: number } }>;
}

const fakeProviderConfig = (url: string) => ({
  provider: {
    fake: {
      npm: '@ai-sdk/openai-compatible',
      name: 'Fake',
      options: { baseURL: url, apiKey: 'test' },
      models: { 'fake-model': { name: 'Fake Model', limit: { context: 8192, output: 1024 } } },
    },
  },
  model: 'fake/fake-model',
});

describe('provider: GET /provider and GET /config/providers', () => {
  let t: TestApp;
  afterEach(() => t?.close());

  it('lists the catalog with default models and nothing connected without credentials', async () => {
    t = await startTestApp();
    const body = (await t.http.get('/provider').expect(200)).body as {
      all: ProviderBody[];
      default: Record<string, string>;
      connected: string[];
    };
    const ids = body.all.map((provider) => provider.id);
    expect(ids).toEqual(
      expect.arrayContaining(['anthropic', 'openai', 'google', 'openrouter', 'groq', 'mistral']),
    );
    expect(body.connected).toEqual([]);
    expect(body.default.anthropic).toBe('claude-sonnet-4-5-20250929');
    const anthropic = body.all.find((provider) => provider.id === 'anthropic')!;
    expect(anthropic).toMatchObject({ source: 'custom', env: ['ANTHROPIC_API_KEY'] });
    expect(anthropic.models['claude-sonnet-4-5'].cost.input).toBe(3);
    expect(anthropic.models['claude-sonnet-4-5'].limit.context).toBe(200000);
    expect((await t.http.get('/config/providers').expect(200)).body).toEqual({
      providers: [],
      default: {},
    });
  });

  it('connects providers by env var, never showing the key', async () => {
    t = await startTestApp({
      env: { ANTHROPIC_API_KEY: 'sk-ant-env-secret', GROQ_API_KEY: 'gsk-env-secret' },
    });
    const list = await t.http.get('/provider').expect(200);
    expect(list.body.connected).toEqual(['anthropic', 'groq']);
    const configured = await t.http.get('/config/providers').expect(200);
    expect(configured.body.providers.map((p: ProviderBody) => [p.id, p.source])).toEqual([
      ['anthropic', 'env'],
      ['groq', 'env'],
    ]);
    expect(configured.body.default).toEqual({
      anthropic: 'claude-sonnet-4-5-20250929',
      groq: 'qwen/qwen3-32b',
    });
    for (const text of [list.text, configured.text]) {
      expect(text).not.toContain('sk-ant-env-secret');
      expect(text).not.toContain('gsk-env-secret');
    }
  });

  it('respects config model, enabled_providers and disabled_providers', async () => {
    t = await startTestApp({
      env: {
        ANTHROPIC_API_KEY: 'a',
        OPENAI_API_KEY: 'o',
        GROQ_API_KEY: 'g',
        OPENCODE_CONFIG_CONTENT: JSON.stringify({
          model: 'anthropic/claude-haiku-4-5',
          enabled_providers: ['anthropic', 'openai', 'groq'],
          disabled_providers: ['groq'],
        }),
      },
    });
    const list = (await t.http.get('/provider').expect(200)).body;
    expect(list.all.map((p: ProviderBody) => p.id)).toEqual(['anthropic', 'openai']);
    expect(list.connected).toEqual(['anthropic', 'openai']);
    expect(list.default.anthropic).toBe('claude-haiku-4-5');
    const configured = (await t.http.get('/config/providers').expect(200)).body;
    expect(configured.default.anthropic).toBe('claude-haiku-4-5');
  });
});

describe('provider: models for the agent loop (ProviderService)', () => {
  let t: TestApp;
  let model: FakeModelServer;
  beforeAll(async () => {
    model = await startFakeModelServer();
    t = await startTestApp({
      env: { OPENCODE_CONFIG_CONTENT: JSON.stringify(fakeProviderConfig(model.url)) },
    });
  });
  afterAll(async () => {
    await t.close();
    await model.close();
  });

  const service = () => t.app.get(ProviderService);
  const instance = () => t.app.get(InstanceService).resolve(t.directory);

  it('lists a custom OpenAI-compatible provider from OPENCODE_CONFIG_CONTENT as connected', async () => {
    const configured = (await t.http.get('/config/providers').expect(200)).body;
    expect(configured.default).toEqual({ fake: 'fake-model' });
    const [fake] = configured.providers as ProviderBody[];
    expect(fake).toMatchObject({ id: 'fake', source: 'config', options: { baseURL: model.url } });
    // The config's apiKey is a credential too: not in the response.
    expect(JSON.stringify(configured)).not.toContain('"apiKey"');
  });

  it('resolves the default model to an AI SDK model that streams from the fake server', async () => {
    const ref = await service().defaultModel(await instance());
    expect(ref).toEqual({ providerID: 'fake', modelID: 'fake-model' });
    const resolved = await service().getModel(await instance(), ref.providerID, ref.modelID);
    expect(resolved.model).toMatchObject({
      id: 'fake-model',
      providerID: 'fake',
      name: 'Fake Model',
      limit: { context: 8192, output: 1024 },
      cost: { input: 0, output: 0, cache: { read: 0, write: 0 } },
    });
    model.enqueue({ text: ['stream', 'ed'] });
    const result = streamText({ model: resolved.language, prompt: 'hello', maxRetries: 0 });
    expect(await result.text).toBe('streamed');
    expect(model.requests.at(-1)?.headers.authorization).toBe('Bearer test');
  });

  it('throws ProviderModelNotFoundError with suggestions for unknown models and providers', async () => {
    const unknownModel = await service()
      .getModel(await instance(), 'fake', 'fake-modle')
      .catch((error: unknown) => error);
    expect(unknownModel).toMatchObject({
      name: 'ProviderModelNotFoundError',
      status: 400,
      data: { providerID: 'fake', modelID: 'fake-modle', suggestions: ['fake-model'] },
    });
    const unconnected = await service()
      .getModel(await instance(), 'anthropic', 'claude-sonnet-4-5')
      .catch((error: unknown) => error);
    expect(unconnected).toMatchObject({
      name: 'ProviderModelNotFoundError',
      data: { message: expect.stringContaining('not connected') },
    });
  });

  it('has no small model for a provider without a known cheap one', async () => {
    await expect(service().smallModel(await instance())).resolves.toBeUndefined();
  });
});

describe('provider: GET /provider/auth and the OAuth flow', () => {
  let t: TestApp;
  let oauth: FakeOAuthServer;
  let model: FakeModelServer;
  beforeAll(async () => {
    oauth = await startFakeOAuthServer({ validCodes: ['good-code', 'second-code'] });
    model = await startFakeModelServer();
    t = await startTestApp({
      env: {
        OPENCODE_OAUTH_TOKEN_URL: oauth.tokenUrl,
        // Anthropic's API pointed at the fake model server, to use the tokens once stored.
        OPENCODE_CONFIG_CONTENT: JSON.stringify({
          provider: { anthropic: { options: { baseURL: model.url } } },
        }),
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await oauth.close();
    await model.close();
  });
  afterEach(() => jest.restoreAllMocks());

  const authFile = () => join(t.home, '.local', 'share', 'opencode', 'auth.json');
  const authorize = async () => {
    const response = await t.http
      .post('/provider/anthropic/oauth/authorize')
      .send({ method: 0 })
      .expect(200);
    return {
      body: response.body as { url: string; method: string; instructions: string },
      url: new URL(response.body.url as string),
    };
  };

  it('lists an API key method for every provider and OAuth where the reference offers it', async () => {
    const methods = (await t.http.get('/provider/auth').expect(200)).body;
    expect(methods.anthropic).toEqual([
      { type: 'oauth', label: 'Claude Pro/Max' },
      { type: 'api', label: 'Manually enter API Key' },
    ]);
    expect(methods.openai).toEqual([{ type: 'api', label: 'Manually enter API Key' }]);
    expect(Object.keys(methods)).toEqual(expect.arrayContaining(['google', 'groq', 'xai']));
  });

  it('refuses a callback without an authorization in progress, and bad methods', async () => {
    const missing = await t.http
      .post('/provider/anthropic/oauth/callback')
      .send({ method: 0, code: 'good-code' })
      .expect(400);
    expect(missing.body).toMatchObject({
      name: 'ProviderAuthOauthMissing',
      data: { providerID: 'anthropic' },
    });
    const notOauth = await t.http
      .post('/provider/anthropic/oauth/authorize')
      .send({ method: 1 })
      .expect(400);
    expect(notOauth.body).toMatchObject({
      name: 'ProviderAuthValidationFailed',
      data: { field: 'method' },
    });
    await t.http.post('/provider/openai/oauth/authorize').send({ method: 0 }).expect(400);
    const unknown = await t.http
      .post('/provider/nope/oauth/authorize')
      .send({ method: 0 })
      .expect(404);
    expect(unknown.body.name).toBe('NotFoundError');
    const badBody = await t.http
      .post('/provider/anthropic/oauth/authorize')
      .send({ method: 'zero' })
      .expect(400);
    expect(badBody.body.data.field).toBe('method');
    expect(oauth.requests).toHaveLength(0);
  });

  it('authorizes with PKCE, refuses a bad code, then stores the tokens of a good one (0600)', async () => {
    const { body, url } = await authorize();
    expect(body.method).toBe('code');
    expect(body.instructions).toBeTruthy();
    expect(url.origin + url.pathname).toBe('https://claude.ai/oauth/authorize');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('response_type')).toBe('code');
    const challenge = url.searchParams.get('code_challenge')!;
    const state = url.searchParams.get('state')!;
    expect(challenge).toMatch(/^[\w-]{43}$/);
    // The fake server now insists on the verifier matching this challenge.
    oauth.registerChallenge('good-code', challenge);

    const noCode = await t.http
      .post('/provider/anthropic/oauth/callback')
      .send({ method: 0 })
      .expect(400);
    expect(noCode.body.name).toBe('ProviderAuthOauthCodeMissing');

    const bad = await t.http
      .post('/provider/anthropic/oauth/callback')
      .send({ method: 0, code: 'wrong-code' })
      .expect(400);
    expect(bad.body).toMatchObject({
      name: 'ProviderAuthOauthCallbackFailed',
      data: { providerID: 'anthropic', message: expect.stringContaining('invalid_grant') },
    });
    expect(existsSync(authFile())).toBe(false);

    await t.http
      .post('/provider/anthropic/oauth/callback')
      .send({ method: 0, code: `good-code#${state}` })
      .expect(200, 'true');
    const exchange = oauth.requests.at(-1)!;
    expect(exchange.status).toBe(200);
    expect(exchange.params).toMatchObject({
      grant_type: 'authorization_code',
      code: 'good-code',
      state,
      redirect_uri: url.searchParams.get('redirect_uri'),
      client_id: url.searchParams.get('client_id'),
    });
    expect(challengeS256(exchange.params.code_verifier)).toBe(challenge);

    expect(statSync(authFile()).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(authFile(), 'utf8'));
    expect(stored.anthropic).toEqual({
      type: 'oauth',
      access: 'fake-access-1',
      refresh: 'fake-refresh-1',
      expires: expect.any(Number),
    });
    expect(stored.anthropic.expires).toBeGreaterThan(Date.now() + 3500_000);

    const list = await t.http.get('/provider').expect(200);
    expect(list.body.connected).toContain('anthropic');
    expect(list.text).not.toContain('fake-access-1');
    expect(list.text).not.toContain('fake-refresh-1');

    // The authorization is used up.
    const replay = await t.http
      .post('/provider/anthropic/oauth/callback')
      .send({ method: 0, code: 'second-code' })
      .expect(400);
    expect(replay.body.name).toBe('ProviderAuthOauthMissing');
  });

  it('refuses a code from another attempt (state mismatch) and an expired authorization', async () => {
    const before = readFileSync(authFile(), 'utf8');
    await authorize();
    const mismatch = await t.http
      .post('/provider/anthropic/oauth/callback')
      .send({ method: 0, code: 'second-code#not-the-state' })
      .expect(400);
    expect(mismatch.body.name).toBe('ProviderAuthOauthCallbackFailed');

    await authorize();
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 11 * 60 * 1000);
    const expired = await t.http
      .post('/provider/anthropic/oauth/callback')
      .send({ method: 0, code: 'second-code' })
      .expect(400);
    expect(expired.body.name).toBe('ProviderAuthOauthMissing');
    expect(readFileSync(authFile(), 'utf8')).toBe(before);
  });

  it('uses the stored tokens for Anthropic models, refreshing an expired access token first', async () => {
    await t.http
      .put('/auth/anthropic')
      .send({ type: 'oauth', access: 'fake-access-1', refresh: 'fake-refresh-1', expires: 0 })
      .expect(200);
    const instance = await t.app.get(InstanceService).resolve(t.directory);
    const resolved = await t.app
      .get(ProviderService)
      .getModel(instance, 'anthropic', 'claude-haiku-4-5');
    const refresh = oauth.requests.at(-1)!;
    expect(refresh.params).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'fake-refresh-1',
    });
    const stored = JSON.parse(readFileSync(authFile(), 'utf8'));
    expect(stored.anthropic).toMatchObject({ access: 'fake-access-2', refresh: 'fake-refresh-2' });

    model.enqueue({ text: 'hi from claude' });
    const text = await streamText({ model: resolved.language, prompt: 'hi', maxRetries: 0 }).text;
    expect(text).toBe('hi from claude');
    const request = model.requests.at(-1)!;
    expect(request.api).toBe('anthropic');
    expect(request.headers.authorization).toBe('Bearer fake-access-2');
  });
});
