import { catalogProvider, providerCatalog } from './catalog-mapping';
import type { ModelsDevModel, ModelsDevProvider } from './models-dev';

const model = (extra: Partial<ModelsDevModel> = {}): ModelsDevModel => ({
  id: 'm',
  name: 'M',
  release_date: '2026-01-01',
  attachment: false,
  reasoning: false,
  tool_call: true,
  limit: { context: 1000, output: 100 },
  ...extra,
});
const provider = (
  models: Record<string, unknown>,
  extra: Partial<ModelsDevProvider> = {},
): ModelsDevProvider => ({
  id: 'p',
  name: 'P',
  env: ['P_KEY'],
  npm: '@ai-sdk/openai',
  models: models as Record<string, ModelsDevModel>,
  ...extra,
});

describe('catalog mapping (as the reference maps models.dev)', () => {
  it('applies the catalog defaults: no URL, modalities off unless listed, tool calls on', () => {
    const { models } = catalogProvider(
      provider({
        m: model({ tool_call: undefined as unknown as boolean, interleaved: 'reasoning_content' }),
      }),
    );
    expect(models.m).toEqual({
      id: 'm',
      providerID: 'p',
      api: { id: 'm', url: '', npm: '@ai-sdk/openai' },
      name: 'M',
      capabilities: {
        temperature: false,
        reasoning: false,
        attachment: false,
        toolcall: true,
        input: { text: false, audio: false, image: false, video: false, pdf: false },
        output: { text: false, audio: false, image: false, video: false, pdf: false },
        interleaved: { field: 'reasoning_content' },
      },
      cost: { input: 0, output: 0, cache: { read: 0, write: 0 } },
      limit: { context: 1000, output: 100 },
      status: 'active',
      options: {},
      headers: {},
      release_date: '2026-01-01',
      variants: {},
    });
  });

  it('gives reasoning models the variants models.dev lists, else their package defaults', () => {
    const { models } = catalogProvider(
      provider(
        {
          listed: model({
            id: 'listed',
            reasoning: true,
            reasoning_options: [{ type: 'effort', values: ['low', 'high'] }],
          }),
          'claude-sonnet-4': model({
            id: 'claude-sonnet-4',
            reasoning: true,
            limit: { context: 200000, output: 64000 },
            experimental: { modes: { fast: {} } },
          }),
        },
        { npm: '@ai-sdk/anthropic' },
      ),
    );
    expect(Object.keys(models.listed.variants!)).toEqual(['low', 'high']);
    expect(Object.keys(models['claude-sonnet-4'].variants!)).toEqual(['high', 'max']);
    expect(models['claude-sonnet-4-fast'].variants).toEqual(models['claude-sonnet-4'].variants);
  });

  it('maps cost tiers and prices past 200K, and a per-model package and URL', () => {
    const { models } = catalogProvider(
      provider({
        m: model({
          cost: {
            input: 1,
            output: 2,
            cache_read: 0.1,
            tiers: [{ input: 2, output: 4, tier: { type: 'context', size: 128000 } }],
            context_over_200k: { input: 3, output: 6 },
          },
          provider: { npm: '@ai-sdk/anthropic', api: 'https://x.example' },
        }),
      }),
    );
    expect(models.m.cost).toEqual({
      input: 1,
      output: 2,
      cache: { read: 0.1, write: 0 },
      tiers: [
        {
          input: 2,
          output: 4,
          cache: { read: 0, write: 0 },
          tier: { type: 'context', size: 128000 },
        },
      ],
      experimentalOver200K: { input: 3, output: 6, cache: { read: 0, write: 0 } },
    });
    expect(models.m.api).toEqual({ id: 'm', url: 'https://x.example', npm: '@ai-sdk/anthropic' });
  });

  it('lists each mode as a model of its own, after its model', () => {
    const { models } = catalogProvider(
      provider({
        m: model({
          cost: { input: 1, output: 2, cache_read: 0.5 },
          experimental: {
            modes: {
              priority: {
                cost: { input: 2, output: 4 },
                provider: {
                  body: { service_tier: 'priority', reasoning: { mode: 'fast' } },
                  headers: { 'x-tier': 'priority' },
                },
              },
              plain: {},
            },
          },
        }),
      }),
    );
    expect(Object.keys(models)).toEqual(['m', 'm-priority', 'm-plain']);
    expect(models['m-priority']).toMatchObject({
      id: 'm-priority',
      api: { id: 'm' },
      name: 'M Priority',
      // The mode's prices replace the model's, cache included (its defaults are 0).
      cost: { input: 2, output: 4, cache: { read: 0, write: 0 } },
      // Body fields as camelCase provider options; OpenAI's reasoning mode as its own option.
      options: { serviceTier: 'priority', reasoningMode: 'fast' },
      headers: { 'x-tier': 'priority' },
    });
    expect(models['m-plain']).toMatchObject({
      name: 'M Plain',
      cost: models.m.cost,
      options: {},
      headers: {},
    });
  });

  it('calls OpenAI and Anthropic models of the Cloudflare AI Gateway with their own packages', () => {
    const { models } = catalogProvider(
      provider(
        {
          'openai/gpt-5': model({ id: 'openai/gpt-5' }),
          'anthropic/claude': model({ id: 'anthropic/claude' }),
          'workers-ai/llama': model({ id: 'workers-ai/llama' }),
        },
        { id: 'cloudflare-ai-gateway', npm: 'ai-gateway-provider' },
      ),
    );
    expect(models['openai/gpt-5'].api.npm).toBe('@ai-sdk/openai');
    expect(models['anthropic/claude'].api.npm).toBe('@ai-sdk/anthropic');
    expect(models['workers-ai/llama'].api.npm).toBe('ai-gateway-provider');
  });

  it('leaves out entries that are not models instead of failing the provider', () => {
    const { models } = catalogProvider(
      provider({ good: model({ id: 'good' }), bad: { id: 'bad', name: 'Bad' }, worse: 3 }),
    );
    expect(Object.keys(models)).toEqual(['good']);
  });

  it('keeps the providers without their models for config overrides', () => {
    const catalog = providerCatalog({ p: provider({ m: model() }, { api: 'https://p.example' }) });
    expect(catalog.source).toEqual({
      p: { id: 'p', name: 'P', env: ['P_KEY'], npm: '@ai-sdk/openai', api: 'https://p.example' },
    });
    expect(catalog.providers.p.source).toBe('custom');
  });
});
