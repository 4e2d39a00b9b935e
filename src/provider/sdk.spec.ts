import { streamText } from 'ai';
import { startFakeModelServer, type FakeModelServer } from '../../test/support/fake-model-server';
import type { Config } from '../config/config.schema';
import { providerCatalog } from './catalog/catalog-mapping';
import { readSnapshot } from './catalog/models-dev';
import { buildProviderRegistry } from './provider-registry';
import { AppEnvironment } from '../core/config/app-environment';
import { NpmInstaller } from '../core/npm/npm-installer';
import { createLanguageModel, type ModelContext, ProviderTimeoutError } from './sdk';
import { fakeCallCredentials } from '../../test/support/fake-call-credentials';

const baseConfig: Config = { agent: {}, mode: {}, command: {}, plugin: [], username: 'test' };
const catalog = providerCatalog(readSnapshot());

/** Nothing here names a package the server does not bundle: the installer is never asked. */
const context: ModelContext = {
  variables: {},
  installer: new NpmInstaller(new AppEnvironment({ HOME: '/nonexistent' })),
  credentials: fakeCallCredentials(),
};

describe('createLanguageModel', () => {
  let server: FakeModelServer;
  beforeAll(() => {
    // The SDK warns about models it does not know; not what these tests are about.
    (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
  });
  beforeEach(async () => {
    server = await startFakeModelServer();
  });
  afterEach(() => server.close());

  const registryFor = (provider: NonNullable<Config['provider']>) =>
    buildProviderRegistry({ ...baseConfig, provider }, {}, {}, catalog);

  it('streams text through a custom OpenAI-compatible provider from config', async () => {
    const registry = registryFor({
      fake: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Fake',
        options: { baseURL: server.url, apiKey: 'test-key', headers: { 'x-team': 'core' } },
        models: { 'fake-model': { name: 'Fake Model' } },
      },
    });
    const provider = registry.connected.fake;
    const model = await createLanguageModel(
      provider,
      provider.models['fake-model'],
      registry.credentials.get('fake')!,
      context,
    );
    server.enqueue({ text: ['Hel', 'lo', '!'], usage: { prompt_tokens: 7, completion_tokens: 3 } });

    const result = streamText({ model, prompt: 'hi', maxRetries: 0 });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);

    expect(deltas).toEqual(['Hel', 'lo', '!']);
    expect((await result.usage).inputTokens).toBe(7);
    const [request] = server.requests;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.body.model).toBe('fake-model');
    expect(request.headers.authorization).toBe('Bearer test-key');
    expect(request.headers['x-team']).toBe('core');
    // Usage is asked for in the stream, so token counts (and costs) are known.
    expect(request.body.stream_options).toEqual({ include_usage: true });
  });

  it('calls the model id the config maps a model to', async () => {
    const registry = registryFor({
      fake: {
        options: { baseURL: server.url },
        models: { short: { id: 'vendor/very-long-model-name' } },
      },
    });
    const provider = registry.connected.fake;
    const model = await createLanguageModel(
      provider,
      provider.models.short,
      { type: 'none' },
      context,
    );
    await streamText({ model, prompt: 'hi', maxRetries: 0 }).consumeStream();
    expect(server.requests[0].body.model).toBe('vendor/very-long-model-name');
    expect(server.requests[0].headers.authorization).toBeUndefined();
  });

  it('calls GitHub Copilot with the stored GitHub token and Copilot headers', async () => {
    const login = { type: 'oauth' as const, access: 'gho_1', refresh: 'gho_1', expires: 0 };
    const registry = buildProviderRegistry(
      { ...baseConfig, provider: { 'github-copilot': { options: { baseURL: server.url } } } },
      { 'github-copilot': login },
      {},
      catalog,
    );
    const provider = registry.connected['github-copilot'];
    const model = await createLanguageModel(
      provider,
      provider.models['claude-haiku-4.5'],
      registry.credentials.get('github-copilot')!,
      { ...context, credentials: fakeCallCredentials({ 'github-copilot': login }) },
    );
    server.enqueue({ text: 'ok' });
    const text = await streamText({ model, prompt: 'hi', maxRetries: 0 }).text;
    expect(text).toBe('ok');
    const [request] = server.requests;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe('Bearer gho_1');
    expect(request.headers['openai-intent']).toBe('conversation-edits');
    expect(request.headers['x-initiator']).toBe('user');
    expect(request.headers['user-agent']).toBe('opencode/0.0.0-test');
  });

  it('never lets the AI SDK pick up a key from the process environment', async () => {
    const saved = process.env.ANTHROPIC_API_KEY;
    process.env.ANTHROPIC_API_KEY = 'sk-from-process-env';
    try {
      const registry = registryFor({
        proxy: {
          npm: '@ai-sdk/anthropic',
          options: { baseURL: server.url },
          models: { m: {} },
        },
      });
      const provider = registry.connected.proxy;
      const model = await createLanguageModel(
        provider,
        provider.models.m,
        { type: 'none' },
        context,
      );
      await streamText({ model, prompt: 'hi', maxRetries: 0 }).consumeStream();
      expect(server.requests[0].headers['x-api-key']).not.toBe('sk-from-process-env');
    } finally {
      if (saved === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = saved;
    }
  });

  it('aborts a stream that stalls longer than chunkTimeout', async () => {
    const registry = registryFor({
      fake: {
        options: { baseURL: server.url, chunkTimeout: 200 },
        models: { 'fake-model': {} },
      },
    });
    const provider = registry.connected.fake;
    const model = await createLanguageModel(
      provider,
      provider.models['fake-model'],
      { type: 'none' },
      context,
    );
    server.enqueue({ text: ['partial'], hang: true });
    const started = Date.now();
    const consume = async () => {
      for await (const part of streamText({ model, prompt: 'hi', maxRetries: 0 }).fullStream) {
        if (part.type === 'error') throw part.error;
      }
    };
    const error = (await consume().catch((e: unknown) => e)) as { cause?: unknown };
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error.cause).toBeInstanceOf(ProviderTimeoutError);
    expect(String(error.cause)).toContain('no data from the provider after 200 ms');
  });
});
