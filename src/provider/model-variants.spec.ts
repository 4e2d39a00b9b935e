import { modelVariants, reasoningOptionVariants, type VariantModel } from './model-variants';

/*
 * Expected values are the original's (`GET /provider` of opencode 1.18.33). Checked once against
 * its whole catalog: with models.dev's `reasoning_options`, all 8,219 models' variants match.
 */
function model(
  providerID: string,
  id: string,
  npm: string,
  extra: { output?: number; released?: string; reasoning?: boolean } = {},
): VariantModel {
  return {
    id,
    providerID,
    api: { id, url: '', npm },
    limit: { context: 200_000, output: extra.output ?? 64_000 },
    release_date: extra.released ?? '2025-08-07',
    capabilities: { reasoning: extra.reasoning ?? true },
  };
}

const encrypted = ['reasoning.encrypted_content'];

describe('modelVariants', () => {
  it('Anthropic: budgets before 4.5, efforts with a budget for Opus 4.5, adaptive from 4.6', () => {
    expect(modelVariants(model('anthropic', 'claude-sonnet-4-5', '@ai-sdk/anthropic'))).toEqual({
      high: { thinking: { type: 'enabled', budgetTokens: 16000 } },
      max: { thinking: { type: 'enabled', budgetTokens: 31999 } },
    });
    const opus = modelVariants(model('anthropic', 'claude-opus-4-5', '@ai-sdk/anthropic'));
    expect(Object.keys(opus)).toEqual(['low', 'medium', 'high']);
    expect(opus.low).toEqual({ thinking: { type: 'enabled', budgetTokens: 16000 }, effort: 'low' });
    expect(
      modelVariants(
        model('anthropic', 'claude-sonnet-4-6', '@ai-sdk/anthropic', { output: 128_000 }),
      ),
    ).toEqual({
      low: { thinking: { type: 'adaptive' }, effort: 'low' },
      medium: { thinking: { type: 'adaptive' }, effort: 'medium' },
      high: { thinking: { type: 'adaptive' }, effort: 'high' },
      max: { thinking: { type: 'adaptive' }, effort: 'max' },
    });
    expect(modelVariants(model('anthropic', 'claude-opus-4-7', '@ai-sdk/anthropic')).xhigh).toEqual(
      { thinking: { type: 'adaptive', display: 'summarized' }, effort: 'xhigh' },
    );
  });

  it('a small output limit caps the thinking budget', () => {
    expect(
      modelVariants(
        model('anthropic', 'claude-3-7-sonnet', '@ai-sdk/anthropic', { output: 8_192 }),
      ),
    ).toEqual({
      high: { thinking: { type: 'enabled', budgetTokens: 4095 } },
      max: { thinking: { type: 'enabled', budgetTokens: 8191 } },
    });
  });

  it('OpenAI: efforts by generation, with summaries and encrypted reasoning', () => {
    expect(modelVariants(model('openai', 'gpt-5', '@ai-sdk/openai'))).toEqual(
      Object.fromEntries(
        ['minimal', 'low', 'medium', 'high'].map((effort) => [
          effort,
          { reasoningEffort: effort, reasoningSummary: 'auto', include: encrypted },
        ]),
      ),
    );
    expect(Object.keys(modelVariants(model('openai', 'gpt-5.1', '@ai-sdk/openai')))).toEqual([
      'none',
      'low',
      'medium',
      'high',
    ]);
    expect(Object.keys(modelVariants(model('openai', 'gpt-5-pro', '@ai-sdk/openai')))).toEqual([
      'high',
    ]);
  });

  it('OpenRouter, Bedrock, Groq and Gemini in their own shapes', () => {
    expect(
      modelVariants(model('openrouter', 'openai/gpt-5', '@openrouter/ai-sdk-provider')).minimal,
    ).toEqual({ reasoning: { effort: 'minimal' } });
    expect(
      modelVariants(
        model(
          'amazon-bedrock',
          'anthropic.claude-sonnet-4-5-20250929-v1:0',
          '@ai-sdk/amazon-bedrock',
        ),
      ),
    ).toEqual({
      high: { reasoningConfig: { type: 'enabled', budgetTokens: 16000 } },
      max: { reasoningConfig: { type: 'enabled', budgetTokens: 31999 } },
    });
    expect(Object.keys(modelVariants(model('groq', 'qwen3-32b-x', '@ai-sdk/groq')))).toEqual([]);
    expect(modelVariants(model('groq', 'openai/gpt-oss-20b', '@ai-sdk/groq'))).toEqual(
      Object.fromEntries(
        ['none', 'low', 'medium', 'high'].map((effort) => [effort, { reasoningEffort: effort }]),
      ),
    );
    expect(modelVariants(model('google', 'gemini-2.5-pro', '@ai-sdk/google')).max).toEqual({
      thinkingConfig: { includeThoughts: true, thinkingBudget: 32768 },
    });
    expect(Object.keys(modelVariants(model('google', 'gemini-3-flash', '@ai-sdk/google')))).toEqual(
      ['minimal', 'low', 'medium', 'high'],
    );
  });

  it('none for models that do not reason or reason on their own terms', () => {
    expect(
      modelVariants(
        model('anthropic', 'claude-3-5-haiku', '@ai-sdk/anthropic', { reasoning: false }),
      ),
    ).toEqual({});
    expect(modelVariants(model('deepseek', 'deepseek-reasoner', '@ai-sdk/deepseek'))).toEqual({});
    expect(modelVariants(model('x', 'kimi-k2-thinking', '@ai-sdk/openai-compatible'))).toEqual({});
    expect(modelVariants(model('cohere', 'command-a-reasoning', '@ai-sdk/cohere'))).toEqual({});
  });
});

describe('reasoningOptionVariants', () => {
  const gemini = model('google', 'gemini-2.5-pro', '@ai-sdk/google', { output: 65_536 });

  it('none listed: the package defaults apply; an empty list: no variants', () => {
    expect(reasoningOptionVariants(undefined, gemini)).toBeUndefined();
    expect(reasoningOptionVariants([], gemini)).toEqual({});
  });

  it('efforts, null as none', () => {
    expect(
      reasoningOptionVariants(
        [{ type: 'effort', values: [null, 'high'] }],
        model('x', 'some-model', '@ai-sdk/openai-compatible'),
      ),
    ).toEqual({ none: { reasoningEffort: 'none' }, high: { reasoningEffort: 'high' } });
  });

  it('a budget: high at half, max at the top under the output cap', () => {
    expect(reasoningOptionVariants([{ type: 'budget_tokens', min: 128 }], gemini)).toEqual({
      high: { thinkingConfig: { includeThoughts: true, thinkingBudget: 16000 } },
      max: { thinkingConfig: { includeThoughts: true, thinkingBudget: 31999 } },
    });
  });

  it('a toggle: on and off where the package has a switch', () => {
    expect(
      reasoningOptionVariants([{ type: 'toggle' }], model('cohere', 'command-a', '@ai-sdk/cohere')),
    ).toEqual({
      none: { thinking: { type: 'disabled' } },
      high: { thinking: { type: 'enabled' } },
    });
    expect(
      reasoningOptionVariants([{ type: 'toggle' }], model('x', 'y', '@ai-sdk/openai-compatible')),
    ).toBeUndefined();
  });
});
