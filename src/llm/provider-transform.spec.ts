import type { LanguageModelV3Prompt } from '@ai-sdk/provider';
import type { ModelInfo } from '../provider/provider.types';
import {
  callOptions,
  defaultTemperature,
  defaultTopK,
  defaultTopP,
  keyedProviderOptions,
  maxOutputTokens,
  sdkKey,
  smallCallOptions,
  toolSchema,
  transformPrompt,
} from './provider-transform';

const modalities = { text: true, audio: false, image: true, video: false, pdf: false };

function model(overrides: Partial<ModelInfo> & { npm?: string; apiID?: string } = {}): ModelInfo {
  const { npm, apiID, ...rest } = overrides;
  const id = rest.id ?? 'some-model';
  return {
    id,
    providerID: 'custom',
    api: { id: apiID ?? id, url: '', npm: npm ?? '@ai-sdk/openai-compatible' },
    name: id,
    capabilities: {
      temperature: true,
      reasoning: false,
      attachment: true,
      toolcall: true,
      input: modalities,
      output: modalities,
      interleaved: false,
    },
    cost: { input: 0, output: 0, cache: { read: 0, write: 0 } },
    limit: { context: 200_000, output: 64_000 },
    status: 'active',
    options: {},
    headers: {},
    release_date: '2025-01-01',
    ...rest,
  };
}

const claude = (providerID = 'anthropic') =>
  model({ providerID, id: 'claude-sonnet-4-5', npm: '@ai-sdk/anthropic' });

function prompt(messages: unknown[]): LanguageModelV3Prompt {
  return messages as LanguageModelV3Prompt;
}

const conversation = () =>
  prompt([
    { role: 'system', content: 'be brief' },
    { role: 'user', content: [{ type: 'text', text: 'read a' }] },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: '' },
        { type: 'reasoning', text: ' ' },
        { type: 'tool-call', toolCallId: 'call.1:x', toolName: 'read', input: {} },
      ],
    },
    {
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'call.1:x',
          toolName: 'read',
          output: { type: 'text', value: 'a' },
        },
      ],
    },
    { role: 'user', content: [{ type: 'text', text: 'thanks' }] },
  ]);

describe('transformPrompt', () => {
  it('Anthropic: drops empty text and unsigned empty reasoning, cleans tool-call ids, marks the cache on messages', () => {
    const out = transformPrompt(conversation(), claude(), {}) as unknown as {
      role: string;
      content: { type: string; toolCallId?: string; providerOptions?: unknown }[];
      providerOptions?: unknown;
    }[];
    const assistant = out[2];
    expect(assistant.content.map((part) => part.type)).toEqual(['tool-call']);
    expect(assistant.content[0].toolCallId).toBe('call_1_x');
    expect(out[3].content[0].toolCallId).toBe('call_1_x');
    const hints = expect.objectContaining({ anthropic: { cacheControl: { type: 'ephemeral' } } });
    // Provider `anthropic`: the breakpoints are on the messages (system and the last two).
    expect(out[0].providerOptions).toEqual(hints);
    expect(out[3].providerOptions).toEqual(hints);
    expect(out[4].providerOptions).toEqual(hints);
    expect(out[1].providerOptions).toBeUndefined();
    expect(out[2].providerOptions).toBeUndefined();
  });

  it('keeps signed reasoning for Anthropic', () => {
    const out = transformPrompt(
      prompt([
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: '', providerOptions: { anthropic: { signature: 'sig' } } },
          ],
        },
      ]),
      claude(),
      {},
    ) as unknown as { content: unknown[] }[];
    expect(out[0].content).toHaveLength(1);
  });

  it('other providers of Claude get the breakpoints on the last part of each message', () => {
    const out = transformPrompt(conversation(), claude('my-proxy'), {}) as unknown as {
      content: { providerOptions?: Record<string, unknown> }[] | string;
      providerOptions?: Record<string, unknown>;
    }[];
    const last = out[4].content as { providerOptions?: Record<string, unknown> }[];
    expect(last.at(-1)?.providerOptions).toMatchObject({
      anthropic: { cacheControl: { type: 'ephemeral' } },
      openaiCompatible: { cache_control: { type: 'ephemeral' } },
      bedrock: { cachePoint: { type: 'default' } },
    });
    expect(out[4].providerOptions).toBeUndefined();
    // A system message has no parts: the hint is on the message.
    expect(out[0].providerOptions).toHaveProperty('anthropic');
  });

  it('no breakpoints when the options already ask Anthropic to cache, nor through the gateway', () => {
    const withOption = transformPrompt(conversation(), claude(), {
      cacheControl: { type: 'ephemeral' },
    }) as unknown as { providerOptions?: unknown }[];
    expect(withOption.every((message) => message.providerOptions === undefined)).toBe(true);
    const gateway = transformPrompt(
      conversation(),
      model({ id: 'anthropic/claude-sonnet-4-5', npm: '@ai-sdk/gateway' }),
      {},
    );
    expect(JSON.stringify(gateway)).not.toContain('cacheControl');
  });

  it('Bedrock: reasoning without a signature is dropped', () => {
    const out = transformPrompt(
      prompt([
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'thinking' },
            { type: 'text', text: 'hi' },
          ],
        },
      ]),
      model({ providerID: 'amazon-bedrock', id: 'amazon.nova-pro', npm: '@ai-sdk/amazon-bedrock' }),
      {},
    ) as unknown as { content: { type: string }[] }[];
    expect(out[0].content.map((part) => part.type)).toEqual(['text']);
  });

  it('Mistral: 9-character tool-call ids, and an assistant turn between tool results and a user message', () => {
    const out = transformPrompt(
      conversation(),
      model({ providerID: 'mistral', id: 'mistral-large-latest', npm: '@ai-sdk/mistral' }),
      {},
    ) as unknown as { role: string; content: { toolCallId?: string; text?: string }[] }[];
    expect(out.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
    ]);
    expect(out[2].content.at(-1)?.toolCallId).toBe('call1x000');
    expect(out[3].content[0].toolCallId).toBe('call1x000');
    expect(out[4].content).toEqual([{ type: 'text', text: 'Done.' }]);
  });

  it('DeepSeek: assistant messages carry reasoning', () => {
    const out = transformPrompt(
      prompt([{ role: 'assistant', content: [{ type: 'text', text: 'hi' }] }]),
      model({ id: 'deepseek-chat' }),
      {},
    ) as unknown as { content: unknown[] }[];
    expect(out[0].content).toEqual([
      { type: 'text', text: 'hi' },
      { type: 'reasoning', text: '' },
    ]);
  });

  it('interleaved reasoning moves into the field the model names', () => {
    const base = model({ id: 'kimi-k2' });
    const out = transformPrompt(
      prompt([
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'think' },
            { type: 'text', text: 'answer' },
          ],
        },
      ]),
      {
        ...base,
        capabilities: { ...base.capabilities, interleaved: { field: 'reasoning_content' } },
      },
      {},
    ) as unknown as { content: unknown[]; providerOptions: unknown }[];
    expect(out[0].content).toEqual([{ type: 'text', text: 'answer' }]);
    expect(out[0].providerOptions).toEqual({
      openaiCompatible: { reasoning_content: 'think' },
    });
  });

  it('tells the model about files it cannot read, and replaces lone surrogates', () => {
    const base = model();
    const noImages = {
      ...base,
      capabilities: { ...base.capabilities, input: { ...modalities, image: false } },
    };
    const out = transformPrompt(
      prompt([
        {
          role: 'user',
          content: [
            { type: 'file', mediaType: 'image/png', data: 'AAAA', filename: 'a.png' },
            { type: 'file', mediaType: 'application/pdf', data: 'AAAA' },
            { type: 'text', text: 'cut \uD800 here' },
          ],
        },
      ]),
      noImages,
      {},
    ) as unknown as { content: { type: string; text?: string }[] }[];
    expect(out[0].content).toEqual([
      {
        type: 'text',
        text: 'ERROR: Cannot read "a.png" (this model does not support image input). Inform the user.',
      },
      {
        type: 'text',
        text: 'ERROR: Cannot read pdf (this model does not support pdf input). Inform the user.',
      },
      { type: 'text', text: 'cut \uFFFD here' },
    ]);
  });

  it('moves options stored under the provider id to the package key, and drops OpenAI item ids', () => {
    const out = transformPrompt(
      prompt([
        {
          role: 'assistant',
          content: [
            {
              type: 'text',
              text: 'hi',
              providerOptions: { 'my-openai': { itemId: 'msg_1', x: 1 } },
            },
          ],
        },
      ]),
      model({ providerID: 'my-openai', id: 'gpt-4.1', npm: '@ai-sdk/openai' }),
      {},
    ) as unknown as { content: { providerOptions: unknown }[] }[];
    expect(out[0].content[0].providerOptions).toEqual({ openai: { x: 1 } });
  });
});

describe('callOptions', () => {
  const sessionID = 'ses_1';

  it('OpenAI GPT-5: not stored, cache key, medium effort with summaries and encrypted reasoning', () => {
    expect(
      callOptions({
        model: model({ providerID: 'openai', id: 'gpt-5.1', npm: '@ai-sdk/openai' }),
        sessionID,
        providerOptions: {},
      }),
    ).toEqual({
      store: false,
      promptCacheKey: sessionID,
      reasoningEffort: 'medium',
      reasoningSummary: 'auto',
      include: ['reasoning.encrypted_content'],
      textVerbosity: 'low',
    });
  });

  it('setCacheKey false leaves the cache key out; true adds it for any package', () => {
    const openai = model({ providerID: 'openai', id: 'gpt-4.1', npm: '@ai-sdk/openai' });
    expect(
      callOptions({ model: openai, sessionID, providerOptions: { setCacheKey: false } }),
    ).toEqual({ store: false });
    expect(
      callOptions({ model: model(), sessionID, providerOptions: { setCacheKey: true } }),
    ).toEqual({ promptCacheKey: sessionID });
    expect(
      callOptions({ model: model({ npm: '@ai-sdk/deepinfra' }), sessionID, providerOptions: {} }),
    ).toEqual({ prompt_cache_key: sessionID });
  });

  it('Gemini reasoning models include their thoughts; OpenRouter includes usage', () => {
    const gemini = model({ id: 'gemini-3-pro', npm: '@ai-sdk/google' });
    expect(
      callOptions({
        model: { ...gemini, capabilities: { ...gemini.capabilities, reasoning: true } },
        sessionID,
        providerOptions: {},
      }),
    ).toEqual({ thinkingConfig: { includeThoughts: true, thinkingLevel: 'high' } });
    expect(
      callOptions({
        model: model({ id: 'google/gemini-3-pro', npm: '@openrouter/ai-sdk-provider' }),
        sessionID,
        providerOptions: {},
      }),
    ).toEqual({ usage: { include: true }, reasoning: { effort: 'high' } });
  });

  it('Azure with completion URLs: only a medium effort', () => {
    expect(
      callOptions({
        model: model({ id: 'gpt-5', npm: '@ai-sdk/azure' }),
        sessionID,
        providerOptions: { useCompletionUrls: true },
      }),
    ).toEqual({ store: false, promptCacheKey: sessionID, reasoningEffort: 'medium' });
  });

  it('Claude through Anthropic needs nothing by default', () => {
    expect(callOptions({ model: claude(), sessionID, providerOptions: {} })).toEqual({});
  });
});

describe('smallCallOptions', () => {
  it('the first variant, not stored for OpenAI', () => {
    const gpt = model({ providerID: 'openai', id: 'gpt-5-nano', npm: '@ai-sdk/openai' });
    expect(
      smallCallOptions({ ...gpt, variants: { minimal: { reasoningEffort: 'minimal' } } }),
    ).toEqual({ store: false, reasoningEffort: 'minimal' });
    expect(smallCallOptions(claude())).toEqual({});
  });
});

describe('keyedProviderOptions', () => {
  it('keys the options by the package', () => {
    expect(sdkKey('@ai-sdk/google-vertex/anthropic')).toBe('anthropic');
    expect(keyedProviderOptions(claude('proxy'), { effort: 'high' })).toEqual({
      anthropic: { effort: 'high' },
    });
    expect(keyedProviderOptions(model({ providerID: 'lm.studio' }), { a: 1 })).toEqual({
      lm: { a: 1 },
    });
    expect(keyedProviderOptions(model({ providerID: 'x', npm: 'some-package' }), {})).toEqual({
      x: {},
    });
    expect(keyedProviderOptions(model({ npm: '@ai-sdk/azure' }), { a: 1 })).toEqual({
      openai: { a: 1 },
      azure: { a: 1 },
    });
  });

  it('forces reasoning on OpenAI reasoning calls', () => {
    expect(
      keyedProviderOptions(model({ npm: '@ai-sdk/openai' }), { reasoningEffort: 'low' }),
    ).toEqual({ openai: { reasoningEffort: 'low', forceReasoning: true } });
  });

  it('the gateway: its own options apart, the rest under the upstream', () => {
    expect(
      keyedProviderOptions(model({ id: 'amazon/nova-pro', npm: '@ai-sdk/gateway' }), {
        gateway: { caching: 'auto' },
        reasoningEffort: 'low',
      }),
    ).toEqual({ gateway: { caching: 'auto' }, bedrock: { reasoningEffort: 'low' } });
  });

  it('Claude 5.1 and later drop mismatched thinking blocks unless told not to', () => {
    const next = model({ id: 'claude-opus-5-1', npm: '@ai-sdk/anthropic' });
    expect(keyedProviderOptions(next, {})).toEqual({
      anthropic: {
        thinking: { type: 'adaptive', blockBinding: { prefixMismatchBehavior: 'drop_block' } },
      },
    });
    expect(
      keyedProviderOptions(next, { thinking: { type: 'enabled', blockBinding: false } }),
    ).toEqual({ anthropic: { thinking: { type: 'enabled' } } });
  });
});

describe('sampling and limits', () => {
  it('defaults per model family', () => {
    expect(defaultTemperature(claude())).toBeUndefined();
    expect(defaultTemperature(model({ id: 'gemini-2.5-pro' }))).toBe(1);
    expect(defaultTemperature(model({ id: 'kimi-k2-instruct' }))).toBe(0.6);
    expect(defaultTemperature(model({ id: 'kimi-k2-thinking' }))).toBe(1);
    expect(defaultTopP(model({ id: 'gemini-3-pro-preview' }))).toBe(0.95);
    expect(defaultTopP(model({ id: 'gpt-4.1' }))).toBeUndefined();
    expect(defaultTopK(model({ id: 'minimax-m2' }))).toBe(20);
    expect(defaultTopK(model({ id: 'minimax-m2.1' }))).toBe(40);
    expect(defaultTopK(model({ id: 'gemini-2.5-flash' }))).toBe(64);
  });

  it('output tokens: the model limit under the 32,000 cap, the cap when unknown', () => {
    expect(maxOutputTokens({ limit: { context: 1, output: 8_000 } })).toBe(8_000);
    expect(maxOutputTokens({ limit: { context: 1, output: 128_000 } })).toBe(32_000);
    expect(maxOutputTokens({ limit: { context: 1, output: 0 } })).toBe(32_000);
  });
});

describe('toolSchema', () => {
  const schema = {
    type: 'object' as const,
    properties: {
      mode: { type: 'integer' as const, enum: [1, 2] },
      note: { type: ['string', 'null'] as ('string' | 'null')[] },
      tags: { type: 'array' as const, items: {} },
      kind: { const: 'x' },
    },
    required: ['mode', 'missing'],
    additionalProperties: false,
  };

  it('Gemini: string enums, nullable unions, typed items, known required keys', () => {
    expect(toolSchema(model({ providerID: 'google', id: 'gemini-2.5-pro' }), schema)).toEqual({
      type: 'object',
      properties: {
        mode: { type: 'string', enum: ['1', '2'] },
        note: { anyOf: [{ type: 'string' }], nullable: true },
        tags: { type: 'array', items: { type: 'string' } },
        kind: { const: 'x' },
      },
      required: ['mode'],
      additionalProperties: false,
    });
  });

  it('OpenAI: consts as enums, explicit types', () => {
    expect(toolSchema(model({ npm: '@ai-sdk/openai' }), schema)).toEqual({
      type: 'object',
      properties: {
        mode: { type: 'integer', enum: [1, 2] },
        note: { type: ['string', 'null'] },
        tags: { type: 'array', items: {} },
        kind: { type: 'string', enum: ['x'] },
      },
      required: ['mode', 'missing'],
      additionalProperties: false,
    });
  });

  it('Moonshot: nothing beside $ref, tuple items as one schema', () => {
    expect(
      toolSchema(model({ providerID: 'moonshotai', id: 'kimi-k2' }), {
        type: 'object',
        properties: {
          a: { $ref: '#/$defs/A', description: 'dropped' },
          b: { type: 'array', items: [{ type: 'string' }, { type: 'number' }] },
        },
      }),
    ).toEqual({
      type: 'object',
      properties: { a: { $ref: '#/$defs/A' }, b: { type: 'array', items: { type: 'string' } } },
    });
  });

  it('others: unchanged', () => {
    expect(toolSchema(claude(), schema)).toBe(schema);
  });
});
