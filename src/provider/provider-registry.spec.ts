import type { AuthInfo } from '../auth/auth.types';
import type { Config } from '../config/config.schema';
import { providerCatalog } from './catalog/catalog-mapping';
import { readSnapshot } from './catalog/models-dev';
import { defaultModelOf, rankModels, smallModelOf } from './model-ranking';
import { buildProviderRegistry as build } from './provider-registry';

const baseConfig: Config = { agent: {}, mode: {}, command: {}, plugin: [], username: 'test' };
const config = (extra: Partial<Config> = {}): Config => ({ ...baseConfig, ...extra });
const catalog = providerCatalog(readSnapshot());
const buildProviderRegistry = (
  withConfig: Config,
  auth: Readonly<Record<string, AuthInfo>>,
  variables: Readonly<Record<string, string | undefined>>,
) => build(withConfig, auth, variables, catalog);

describe('buildProviderRegistry', () => {
  it('lists every catalog provider and connects none without credentials but OpenCode Zen', () => {
    const registry = buildProviderRegistry(config(), {}, {});
    expect(Object.keys(registry.all)).toEqual(Object.keys(catalog.providers));
    // Shared with every registry of the same catalog, not copied.
    expect(registry.all.openai).toBe(catalog.providers.openai);
    expect(Object.keys(registry.connected)).toEqual(['opencode']);
    expect(registry.all.anthropic.source).toBe('custom');
  });

  it('connects a provider by its env var, maps models onto the reference Model shape', () => {
    const registry = buildProviderRegistry(config(), {}, { ANTHROPIC_API_KEY: 'sk-env' });
    expect(Object.keys(registry.connected)).toEqual(['anthropic', 'opencode']);
    const provider = registry.connected.anthropic;
    expect(provider.source).toBe('env');
    expect(JSON.stringify(provider)).not.toContain('sk-env');
    expect(registry.credentials.get('anthropic')).toEqual({ type: 'key', apiKey: 'sk-env' });
    expect(provider.models['claude-sonnet-4-5']).toEqual({
      id: 'claude-sonnet-4-5',
      providerID: 'anthropic',
      // models.dev names no URL for Anthropic: its package's default.
      api: { id: 'claude-sonnet-4-5', url: '', npm: '@ai-sdk/anthropic' },
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
      cost: { input: 3, output: 15, cache: { read: 0.3, write: 3.75 } },
      limit: { context: 1000000, output: 64000 },
      status: 'active',
      options: {},
      headers: {},
      release_date: '2025-09-29',
      variants: {
        high: { thinking: { type: 'enabled', budgetTokens: 16000 } },
        max: { thinking: { type: 'enabled', budgetTokens: 31999 } },
      },
    });
  });

  it('takes the second env var of a provider too (GEMINI_API_KEY)', () => {
    const registry = buildProviderRegistry(config(), {}, { GEMINI_API_KEY: 'g' });
    expect(Object.keys(registry.connected)).toEqual(['google', 'opencode']);
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
    const registry = buildProviderRegistry(config(), { openai: oauth }, {});
    expect(registry.credentials.get('openai')).toEqual({ type: 'oauth', auth: oauth });
    // Tokens for a provider without an OAuth login here would not work: not connected.
    expect(buildProviderRegistry(config(), { anthropic: oauth }, {}).connected.anthropic).toBe(
      undefined,
    );
  });

  it('serves OpenCode Zen free models with the public key, all of them with a key of ones own', () => {
    const anonymous = buildProviderRegistry(config(), {}, {});
    const zen = anonymous.connected.opencode;
    expect(zen.source).toBe('custom');
    expect(Object.keys(zen.models).length).toBeGreaterThan(0);
    expect(Object.values(zen.models).every((model) => model.cost.input === 0)).toBe(true);
    expect(anonymous.credentials.get('opencode')).toEqual({
      type: 'key',
      apiKey: 'public',
      anonymous: true,
    });
    const keyed = buildProviderRegistry(config(), {}, { OPENCODE_API_KEY: 'zen-key' });
    expect(keyed.connected.opencode.source).toBe('env');
    expect(Object.keys(keyed.connected.opencode.models)).toEqual(
      Object.keys(catalog.providers.opencode.models).filter(
        (id) => !['alpha', 'deprecated'].includes(catalog.providers.opencode.models[id].status),
      ),
    );
    // Turned off like any other provider.
    const off = buildProviderRegistry(config({ disabled_providers: ['opencode'] }), {}, {});
    expect(off.connected).toEqual({});
  });

  it('lists the ChatGPT models Codex serves, free, for an OpenAI login', () => {
    const oauth = { type: 'oauth' as const, access: 'a', refresh: 'r', expires: 1 };
    const openai = buildProviderRegistry(config(), { openai: oauth }, {}).connected.openai;
    const ids = Object.keys(openai.models);
    expect(ids).toEqual(expect.arrayContaining(['gpt-5.4', 'gpt-5.5', 'gpt-6-sol']));
    expect(ids).not.toEqual(expect.arrayContaining(['gpt-5.6']));
    expect(ids.some((id) => /^(gpt-4|o\d|gpt-5\.[0-3](?!-codex-spark))/.test(id))).toBe(false);
    expect(openai.models['gpt-5.4'].cost).toEqual({
      input: 0,
      output: 0,
      cache: { read: 0, write: 0 },
    });
    expect(openai.models['gpt-5.5'].limit).toEqual({
      context: 400_000,
      input: 272_000,
      output: 128_000,
    });
    // With an API key, every model at its price.
    const keyed = buildProviderRegistry(config(), {}, { OPENAI_API_KEY: 'sk' }).connected.openai;
    expect(Object.keys(keyed.models).length).toBeGreaterThan(ids.length);
  });

  it("sends GitHub Copilot models through Copilot's package once logged in", () => {
    const login = { type: 'oauth' as const, access: 'g', refresh: 'g', expires: 0 };
    const github = buildProviderRegistry(config(), { 'github-copilot': login }, {});
    expect(github.connected['github-copilot'].models['gpt-5.4'].api).toEqual({
      id: 'gpt-5.4',
      url: 'https://api.githubcopilot.com',
      npm: '@ai-sdk/github-copilot',
    });
    const enterprise = buildProviderRegistry(
      config(),
      { 'github-copilot': { ...login, enterpriseUrl: 'company.ghe.com' } },
      {},
    );
    expect(enterprise.connected['github-copilot'].models['gpt-5.4'].api.url).toBe(
      'https://copilot-api.company.ghe.com',
    );
  });

  it('lists the inference routers stored with a DigitalOcean login as models', () => {
    const stored = {
      type: 'api' as const,
      key: 'dop_v1',
      metadata: { routers: JSON.stringify([{ name: 'my-router', uuid: 'u1' }, { bad: 1 }]) },
    };
    const ocean = buildProviderRegistry(config(), { digitalocean: stored }, {}).connected
      .digitalocean;
    expect(ocean.models['router:my-router']).toMatchObject({
      id: 'router:my-router',
      name: 'my-router',
      family: 'digitalocean-inference-routers',
      api: {
        id: 'router:my-router',
        url: 'https://inference.do-ai.run/v1',
        npm: '@ai-sdk/openai-compatible',
      },
      limit: { context: 128_000, output: 8192 },
    });
    expect(Object.keys(ocean.models).filter((id) => id.startsWith('router:'))).toHaveLength(1);
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
      url: '',
      npm: '@ai-sdk/anthropic',
    });
    // The catalog's own provider is left as it was.
    expect(catalog.providers.anthropic.models['claude-sonnet-4-5'].name).toBe(
      'Claude Sonnet 4.5 (latest)',
    );
  });

  it('honours enabled_providers, disabled_providers, whitelist and blacklist', () => {
    const env = { ANTHROPIC_API_KEY: 'a', OPENAI_API_KEY: 'o', GROQ_API_KEY: 'g' };
    const enabled = buildProviderRegistry(
      config({ enabled_providers: ['openai', 'groq'] }),
      {},
      env,
    );
    // In catalog order.
    expect(Object.keys(enabled.all)).toEqual(['groq', 'openai']);
    expect(Object.keys(enabled.connected)).toEqual(['groq', 'openai']);
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
    expect(Object.keys(lists.connected.openai.models).sort()).toEqual(['gpt-5', 'gpt-5-mini']);
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
    // The defaults the reference 1.18.33 answers in `GET /provider` for the same catalog.
    expect(defaultModelOf(registry.connected.anthropic)).toBe('claude-sonnet-4-6');
    expect(defaultModelOf(registry.connected.google)).toBe('gemini-3-pro-image-preview');
    // No preferred family: the highest id.
    expect(defaultModelOf(registry.connected.groq)).toBe('whisper-large-v3-turbo');
    const ids = rankModels(Object.values(registry.connected.anthropic.models)).map((m) => m.id);
    expect(ids.slice(0, 4)).toEqual([
      'claude-sonnet-4-6',
      'claude-sonnet-4-5-20250929',
      'claude-sonnet-4-5',
      'claude-sonnet-5',
    ]);
  });

  it('picks a cheap model for small tasks', () => {
    expect(smallModelOf(registry.connected.anthropic)).toBe('claude-haiku-4-5');
    expect(smallModelOf(registry.connected.openai)).toBe('gpt-5-nano');
    expect(smallModelOf(registry.connected.google)).toBe('gemini-3-flash-preview');
    expect(smallModelOf(registry.connected.groq)).toBeUndefined();
  });
});
