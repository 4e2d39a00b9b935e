import { streamText } from 'ai';
import { InstanceService } from '../../src/core/instance/instance.service';
import { ProviderService } from '../../src/provider/provider.service';
import { startFakeModelServer, type FakeModelServer } from '../support/fake-model-server';
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

  it('lists the catalog with default models and only OpenCode Zen connected without credentials', async () => {
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
    // OpenCode Zen's free models need no key (the reference connects it the same way).
    expect(body.connected).toEqual(['opencode']);
    // The reference's default for the same catalog.
    expect(body.default.opencode).toBe('big-pickle');
    expect(body.default.anthropic).toBe('claude-sonnet-4-6');
    const anthropic = body.all.find((provider) => provider.id === 'anthropic')!;
    expect(anthropic).toMatchObject({ source: 'custom', env: ['ANTHROPIC_API_KEY'] });
    expect(anthropic.models['claude-sonnet-4-5'].cost.input).toBe(3);
    expect(anthropic.models['claude-sonnet-4-5'].limit.context).toBe(1000000);
    const configured = (await t.http.get('/config/providers').expect(200)).body as {
      providers: ProviderBody[];
      default: Record<string, string>;
    };
    expect(configured.providers.map((provider) => provider.id)).toEqual(['opencode']);
    expect(configured.default).toEqual({ opencode: 'big-pickle' });
    // Only the free models, without a key.
    const zen = configured.providers[0];
    expect(Object.values(zen.models).every((model) => model.cost.input === 0)).toBe(true);
  });

  it('connects providers by env var, never showing the key', async () => {
    t = await startTestApp({
      env: { ANTHROPIC_API_KEY: 'sk-ant-env-secret', GROQ_API_KEY: 'gsk-env-secret' },
    });
    const list = await t.http.get('/provider').expect(200);
    // In catalog order.
    expect(list.body.connected).toEqual(['groq', 'anthropic', 'opencode']);
    const configured = await t.http.get('/config/providers').expect(200);
    expect(configured.body.providers.map((p: ProviderBody) => [p.id, p.source])).toEqual([
      ['groq', 'env'],
      ['anthropic', 'env'],
      ['opencode', 'custom'],
    ]);
    expect(configured.body.default).toEqual({
      anthropic: 'claude-sonnet-4-6',
      groq: 'whisper-large-v3-turbo',
      opencode: 'big-pickle',
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
    expect(configured.default).toEqual({ opencode: 'big-pickle', fake: 'fake-model' });
    const fake = (configured.providers as ProviderBody[]).find((p) => p.id === 'fake')!;
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
