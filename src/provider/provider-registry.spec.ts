import type { Config } from '../config/config.schema';
import { ModelConfigSchema } from '../config/config.schema';
import { CATALOG } from './catalog/provider-catalog';
import { defaultModelOf, rankModels, smallModelOf } from './model-ranking';
import { buildProviderRegistry } from './provider-registry';

const baseConfig: Config = { agent: {}, mode: {}, command: {}, plugin: [], username: 'test' };
const config = (extra: Partial<Config> = {}): Config => ({ ...baseConfig, ...extra });

describe('bundled catalog', () => {
  it('has the main providers, each with env vars, a package, an API URL and models', () => {
    for (const id of [
      'anthropic',
      'openai',
      'google',
      'openrouter',
      'groq',
      'mistral',
      'deepseek',
      'xai',
    ]) {
      const provider = CATALOG[id];
      expect(provider).toBeDefined();
      expect(provider.env.length).toBeGreaterThan(0);
      expect(provider.npm).toBeTruthy();
      expect(provider.api).toMatch(/^https:\/\//);
      expect(Object.keys(provider.models).length).toBeGreaterThan(0);
    }
  });

  it('describes every model in the config models shape, with limits, costs and a date', () => {
    for (const provider of Object.values(CATALOG)) {
      for (const [id, model] of Object.entries(provider.models)) {
        expect(ModelConfigSchema.safeParse(model).error).toBeUndefined();
        expect(model.id).toBe(id);
        expect(model.limit?.context).toBeGreaterThan(0);
        expect(model.limit?.output).toBeGreaterThan(0);
        expect(model.cost?.input).toBeGreaterThanOrEqual(0);
        expect(model.release_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    }
  });
});

describe('buildProviderRegistry', () => {
  it('lists every catalog provider and connects none without credentials', () => {
    const registry = buildProviderRegistry(config(), {}, {});
    expect(Object.keys(registry.all)).toEqual(Object.keys(CATALOG));
    expect(registry.connected).toEqual({});
    expect(registry.all.anthropic.source).toBe('custom');
  });

  it('connects a provider by its env var, maps models onto the reference Model shape', () => {
    const registry = buildProviderRegistry(config(), {}, { ANTHROPIC_API_KEY: 'sk-env' });
    expect(Object.keys(registry.connected)).toEqual(['anthropic']);
    const provider = registry.connected.anthropic;
    expect(provider.source).toBe('env');
    expect(JSON.stringify(provider)).not.toContain('sk-env');
    expect(registry.credentials.get('anthropic')).toEqual({ type: 'key', apiKey: 'sk-env' });
    expect(provider.models['claude-sonnet-4-5']).toEqual({
      id: 'claude-sonnet-4-5',
      providerID: 'anthropic',
      api: {
        id: 'claude-sonnet-4-5',
        url: 'https://api.anthropic.com/v1',
        npm: '@ai-sdk/anthropic',
      },
      name: 'Claude Sonnet 4.5 (latest)',
      family: 'claude-sonnet',
      capabilities: {
        temperature: true,
        reasoning: true,
        attachment: true,
        toolcall: true,
        input: { text: true, audio: false, image: true, video: false, pdf: true },
        output: { text: true, audio: false, image: false, video: false, pdf: false },
        interleaved: false,
      },
      cost: {
        input: 3,
        output: 15,
        cache: { read: 0.3, write: 3.75 },
        experimentalOver200K: { input: 6, output: 22.5, cache: { read: 0.6, write: 7.5 } },
      },
      limit: { context: 200000, output: 64000 },
      status: 'active',
      options: {},
      headers: {},
      release_date: '2025-09-29',
    });
  });

  it('takes the second env var of a provider too (GEMINI_API_KEY)', () => {
    const registry = buildProviderRegistry(config(), {}, { GEMINI_API_KEY: 'g' });
    expect(Object.keys(registry.connected)).toEqual(['google']);
  });

  it('prefers config apiKey over stored credentials over env vars', () => {
    const auth = { openai: { type: 'api' as const, key: 'stored' } };
    const env = { OPENAI_API_KEY: 'env' };
    expect(buildProviderRegistry(config(), auth, env).credentials.get('openai')).toEqual({
      type: 'key',
      apiKey: 'stored',
    });
    expect(buildProviderRegistry(config(), auth, env).connected.openai.source).toBe('api');
    const withConfig = buildProviderRegistry(
      config({ provider: { openai: { options: { apiKey: 'cfg' } } } }),
      auth,
      env,
    );
    expect(withConfig.credentials.get('openai')).toEqual({ type: 'key', apiKey: 'cfg' });
    expect(withConfig.connected.openai.source).toBe('config');
    expect(withConfig.connected.openai.options).toEqual({});
  });

  it('connects a provider with stored OAuth tokens', () => {
    const oauth = { type: 'oauth' as const, access: 'a', refresh: 'r', expires: 1 };
    const registry = buildProviderRegistry(config(), { anthropic: oauth }, {});
    expect(registry.credentials.get('anthropic')).toEqual({ type: 'oauth', auth: oauth });
    // Tokens for a provider without an OAuth login here would not work: not connected.
    expect(buildProviderRegistry(config(), { openai: oauth }, {}).connected).toEqual({});
  });

  it('adds a custom OpenAI-compatible provider from config, connected without a key', () => {
    const registry = buildProviderRegistry(
      config({
        provider: {
          local: {
            name: 'Local',
            npm: '@ai-sdk/openai-compatible',
            options: { baseURL: 'http://127.0.0.1:11434/v1' },
            models: {
              'qwen3:8b': {
                name: 'Qwen3 8B',
                limit: { context: 32768, output: 8192 },
                tool_call: true,
              },
            },
          },
        },
      }),
      {},
      {},
    );
    const local = registry.connected.local;
    expect(local).toMatchObject({ id: 'local', name: 'Local', source: 'config', env: [] });
    expect(local.options).toEqual({ baseURL: 'http://127.0.0.1:11434/v1' });
    expect(local.models['qwen3:8b']).toMatchObject({
      id: 'qwen3:8b',
      name: 'Qwen3 8B',
      api: { id: 'qwen3:8b', url: 'http://127.0.0.1:11434/v1', npm: '@ai-sdk/openai-compatible' },
      capabilities: { temperature: false, toolcall: true },
      cost: { input: 0, output: 0, cache: { read: 0, write: 0 } },
      limit: { context: 32768, output: 8192 },
      release_date: '',
    });
    expect(registry.credentials.get('local')).toEqual({ type: 'none' });
  });

  it('overrides and adds catalog models from config without connecting the provider', () => {
    const registry = buildProviderRegistry(
      config({
        provider: {
          anthropic: {
            models: {
              'claude-sonnet-4-5': {
                name: 'Sonnet (tuned)',
                limit: { context: 1000000, output: 64000 },
              },
              'claude-next': { id: 'claude-next-2026', name: 'Next' },
            },
          },
        },
      }),
      {},
      {},
    );
    expect(registry.connected.anthropic).toBeUndefined();
    const models = registry.all.anthropic.models;
    expect(models['claude-sonnet-4-5']).toMatchObject({
      name: 'Sonnet (tuned)',
      limit: { context: 1000000, output: 64000 },
      cost: { input: 3, output: 15 },
    });
    expect(models['claude-next'].api).toEqual({
      id: 'claude-next-2026',
      url: 'https://api.anthropic.com/v1',
      npm: '@ai-sdk/anthropic',
    });
  });

  it('honours enabled_providers, disabled_providers, whitelist and blacklist', () => {
    const env = { ANTHROPIC_API_KEY: 'a', OPENAI_API_KEY: 'o', GROQ_API_KEY: 'g' };
    const enabled = buildProviderRegistry(
      config({ enabled_providers: ['openai', 'groq'] }),
      {},
      env,
    );
    expect(Object.keys(enabled.all)).toEqual(['openai', 'groq']);
    expect(Object.keys(enabled.connected)).toEqual(['openai', 'groq']);
    const disabled = buildProviderRegistry(
      config({ enabled_providers: ['openai', 'groq'], disabled_providers: ['groq'] }),
      {},
      env,
    );
    expect(Object.keys(disabled.connected)).toEqual(['openai']);
    const lists = buildProviderRegistry(
      config({
        provider: {
          openai: { whitelist: ['gpt-5', 'gpt-5-mini', 'o3'], blacklist: ['o3'] },
          groq: { whitelist: [] },
        },
      }),
      {},
      env,
    );
    expect(Object.keys(lists.connected.openai.models)).toEqual(['gpt-5', 'gpt-5-mini']);
    // A provider left without models is not offered.
    expect(lists.connected.groq).toBeUndefined();
  });

  it('hides alpha and deprecated models of connected providers', () => {
    const registry = buildProviderRegistry(
      config({
        provider: {
          openai: {
            models: { 'gpt-5': { status: 'deprecated' }, 'gpt-6-preview': { status: 'alpha' } },
          },
        },
      }),
      {},
      { OPENAI_API_KEY: 'o' },
    );
    expect(registry.connected.openai.models['gpt-5']).toBeUndefined();
    expect(registry.connected.openai.models['gpt-6-preview']).toBeUndefined();
    expect(registry.connected.openai.models['gpt-5-mini']).toBeDefined();
  });
});

describe('model ranking', () => {
  const registry = buildProviderRegistry(
    config(),
    {},
    { ANTHROPIC_API_KEY: 'a', OPENAI_API_KEY: 'o', GEMINI_API_KEY: 'g', GROQ_API_KEY: 'q' },
  );

  it('picks defaults as the reference sorts: preferred family, then "latest", then id descending', () => {
    expect(defaultModelOf(registry.connected.anthropic)).toBe('claude-sonnet-4-5-20250929');
    expect(defaultModelOf(registry.connected.google)).toBe('gemini-3-pro-preview');
    // No preferred family: the highest id.
    expect(defaultModelOf(registry.connected.groq)).toBe('qwen/qwen3-32b');
    const ids = rankModels(Object.values(registry.connected.anthropic.models)).map((m) => m.id);
    expect(ids.slice(0, 4)).toEqual([
      'claude-sonnet-4-5-20250929',
      'claude-sonnet-4-5',
      'claude-sonnet-4-20250514',
      'claude-sonnet-4-0',
    ]);
  });

  it('picks a cheap model for small tasks', () => {
    expect(smallModelOf(registry.connected.anthropic)).toBe('claude-haiku-4-5');
    expect(smallModelOf(registry.connected.openai)).toBe('gpt-5-nano');
    expect(smallModelOf(registry.connected.google)).toBe('gemini-2.5-flash');
    expect(smallModelOf(registry.connected.groq)).toBeUndefined();
  });
});
