import type { ModelInfo, ProviderInfo } from '../../provider/provider.types';
import { toModelV2, toProviderV2 } from './catalog-v2.service';

const NO_MODALITIES = { text: false, audio: false, image: false, video: false, pdf: false };

function model(overrides: Partial<ModelInfo> = {}): ModelInfo {
  return {
    id: 'm',
    providerID: 'p',
    api: { id: 'm-api', url: '', npm: '@ai-sdk/anthropic' },
    name: 'M',
    capabilities: {
      temperature: true,
      reasoning: false,
      attachment: false,
      toolcall: false,
      input: { ...NO_MODALITIES, text: true, pdf: true },
      output: { ...NO_MODALITIES, text: true },
      interleaved: false,
    },
    cost: { input: 3, output: 15, cache: { read: 0.3, write: 3.75 } },
    limit: { context: 200000, input: 150000, output: 8000 },
    status: 'beta',
    options: { thinking: true },
    headers: { 'x-beta': 'yes' },
    release_date: '',
    ...overrides,
  };
}

describe('toModelV2', () => {
  it('maps a classic model: modalities as lists, options as the body, unknown release as 0', () => {
    expect(toModelV2(model())).toEqual({
      id: 'm',
      providerID: 'p',
      name: 'M',
      api: { id: 'm-api', type: 'aisdk', package: '@ai-sdk/anthropic' },
      capabilities: { tools: false, input: ['text', 'pdf'], output: ['text'] },
      request: { headers: { 'x-beta': 'yes' }, body: { thinking: true } },
      variants: [],
      time: { released: 0 },
      cost: [{ input: 3, output: 15, cache: { read: 0.3, write: 3.75 } }],
      status: 'beta',
      enabled: true,
      limit: { context: 200000, input: 150000, output: 8000 },
    });
  });

  it('adds the over-200K prices as a context tier', () => {
    const over = { input: 6, output: 22.5, cache: { read: 0.6, write: 7.5 } };
    const mapped = toModelV2(
      model({ cost: { ...model().cost, experimentalOver200K: over }, release_date: '2025-02-03' }),
    );
    expect(mapped.cost[1]).toEqual({ tier: { type: 'context', size: 200000 }, ...over });
    expect(mapped.time.released).toBe(Date.UTC(2025, 1, 3));
  });
});

describe('toProviderV2', () => {
  it('answers options as the body without baseURL or headers, the URL in api', () => {
    const provider: ProviderInfo = {
      id: 'p',
      name: 'P',
      source: 'config',
      env: [],
      options: { baseURL: 'http://x/v1', headers: { Authorization: 'secret' }, timeout: 5 },
      models: { m: model({ api: { id: 'm', url: 'http://x/v1', npm: '@ai-sdk/openai' } }) },
    };
    expect(toProviderV2(provider)).toEqual({
      id: 'p',
      name: 'P',
      api: { type: 'aisdk', package: '@ai-sdk/openai', url: 'http://x/v1' },
      request: { headers: {}, body: { timeout: 5 } },
    });
  });
});
