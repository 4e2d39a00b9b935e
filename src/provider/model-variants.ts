import type { ModelInfo } from './provider.types';

/**
 * The reasoning variants of a model (`variants` of the reference's `Model`): for each effort a
 * user can pick (`low`, `high`, `max`, ...), the provider options that ask the model's AI SDK
 * package for it. The keys and option shapes are the reference's, per package:
 *
 * | Package                                 | Variants                      | Options of one variant                                              |
 * | --------------------------------------- | ----------------------------- | ------------------------------------------------------------------- |
 * | `@ai-sdk/anthropic`, Vertex Anthropic   | adaptive models: their efforts | `thinking: {type: adaptive[, display: summarized]}, effort`        |
 * |                                         | Opus 4.5: low/medium/high     | `thinking: {type: enabled, budgetTokens}, effort`                   |
 * |                                         | others: high, max             | `thinking: {type: enabled, budgetTokens: 16000 / 31999}` (capped)   |
 * | `@ai-sdk/amazon-bedrock`                | adaptive Claude: its efforts  | `reasoningConfig: {type: adaptive, maxReasoningEffort}`             |
 * |                                         | other Claude: high, max       | `reasoningConfig: {type: enabled, budgetTokens}`                    |
 * |                                         | others: low/medium/high       | `reasoningConfig: {type: enabled, maxReasoningEffort}`              |
 * | `@ai-sdk/openai`, Bedrock Mantle, Azure | by GPT generation and date    | `reasoningEffort, reasoningSummary: auto, include: [encrypted]`     |
 * | `@ai-sdk/google`, `@ai-sdk/google-vertex` | Gemini 2.5: high, max; else thinking levels | `thinkingConfig: {includeThoughts, thinkingBudget or thinkingLevel}` |
 * | `@openrouter/ai-sdk-provider`           | GPT: as OpenAI; else low/medium/high | `reasoning: {effort}`                                        |
 * | `@ai-sdk/gateway`                       | by the upstream (anthropic/, google/, else) | the upstream's shape                                  |
 * | `@ai-sdk/github-copilot`                | low/medium/high(/xhigh)       | `reasoningEffort[, reasoningSummary, include]`                      |
 * | openai-compatible, xAI, Cerebras, Together, DeepInfra, Venice | low/medium/high (+max for DeepSeek V4) | `reasoningEffort` |
 * | `@ai-sdk/groq`                          | none/low/medium/high          | `reasoningEffort`                                                   |
 * | `@ai-sdk/mistral`                       | high, for the reasoning Mistral Small/Medium | `reasoningEffort`                                    |
 * | `@ai-sdk/cohere`, `@ai-sdk/perplexity`, others | none                   |                                                                     |
 *
 * Models that reason on their own terms (DeepSeek chat/reasoner/R1/V3, MiniMax, GLM before 5.2,
 * Kimi, Qwen) have none; models that do not reason have none. A catalog model whose models.dev
 * entry lists `reasoning_options` takes its variants from those instead
 * (`reasoningOptionVariants`). Together the two give, for each of the 8,219 models of the
 * reference's bundled catalog, the variants its `GET /provider` lists.
 */
export type Variants = Record<string, Record<string, unknown>>;

/** The fields of a model its variants depend on. */
export type VariantModel = Pick<
  ModelInfo,
  'id' | 'providerID' | 'api' | 'limit' | 'release_date' | 'family'
> & { capabilities: Pick<ModelInfo['capabilities'], 'reasoning'> };

/** What OpenAI's Responses API is asked to return so reasoning can be sent back statelessly. */
export const ENCRYPTED_REASONING = ['reasoning.encrypted_content'];

const EFFORTS = ['low', 'medium', 'high'];
const GPT5 = /(?:^|\/)gpt-5(?:[.-]|$)/;
const GPT5_MINOR = /(?:^|\/)gpt-5[.-](\d+)(?:[.-]|$)/;
const GPT5_PRO = /(?:^|\/)gpt-5[.-]?pro(?:[.-]|$)/;
const GPT5_MINOR_PRO = /(?:^|\/)gpt-5[.-]\d+[.-]pro(?:[.-]|$)/;
/** OpenAI release dates from which `none` and then `xhigh` efforts exist. */
const EFFORT_NONE_SINCE = '2025-11-13';
const EFFORT_XHIGH_SINCE = '2025-12-04';
const GEMINI_25 = /gemini-2[.-]5(?:[.-]|$)/i;
const GEMINI_1_OR_2 = /gemini-(?:(?:flash|pro)-)?[12](?:[.-]|$)/i;

export function modelVariants(model: VariantModel): Variants {
  if (!model.capabilities.reasoning) return {};
  const id = model.id.toLowerCase();
  const apiID = model.api.id;
  const apiLower = apiID.toLowerCase();
  const npm = model.api.npm;
  const glm52 = ['glm-5.2', 'glm-5-2', 'glm-5p2'].some(
    (name) => id.includes(name) || apiLower.includes(name),
  );
  if (
    apiLower.includes('minimax-m3') &&
    ['@ai-sdk/anthropic', '@ai-sdk/openai-compatible'].includes(npm)
  ) {
    if (['nvidia', 'lilac'].includes(model.providerID)) {
      return {
        none: { chat_template_kwargs: { thinking_mode: 'disabled' } },
        thinking: { chat_template_kwargs: { thinking_mode: 'enabled' } },
      };
    }
    return {
      none: { thinking: { type: 'disabled' } },
      thinking: { thinking: { type: 'adaptive' } },
    };
  }
  const summarized = summarizedThinking(apiID);
  const adaptive = adaptiveEfforts(apiID);
  if (glm52 && npm === '@openrouter/ai-sdk-provider')
    return { high: { reasoning: { effort: 'high' } }, xhigh: { reasoning: { effort: 'xhigh' } } };
  if (glm52 && npm === '@ai-sdk/openai-compatible')
    return { high: { reasoningEffort: 'high' }, max: { reasoningEffort: 'max' } };
  if (glm52 && npm === '@ai-sdk/anthropic')
    return { high: { effort: 'high' }, max: { effort: 'max' } };
  if (isKimi(model) && ANTHROPIC_PACKAGES.includes(npm)) {
    return each(['low', 'medium', 'high', 'xhigh', 'max'], (effort) => ({
      thinking: { type: 'adaptive', display: 'summarized' },
      effort,
    }));
  }
  if (
    ['deepseek-chat', 'deepseek-reasoner', 'deepseek-r1', 'deepseek-v3', 'minimax', 'kimi', 'k2p']
      .concat(['qwen', 'big-pickle'])
      .some((name) => id.includes(name)) ||
    (id.includes('glm') && !glm52)
  )
    return {};
  if (id.includes('grok') && id.includes('grok-3-mini')) {
    if (npm === '@openrouter/ai-sdk-provider')
      return { low: { reasoning: { effort: 'low' } }, high: { reasoning: { effort: 'high' } } };
    return { low: { reasoningEffort: 'low' }, high: { reasoningEffort: 'high' } };
  }
  const openaiReasoning = (effort: string) => ({
    reasoningEffort: effort,
    reasoningSummary: 'auto',
    include: ENCRYPTED_REASONING,
  });
  switch (npm) {
    case '@openrouter/ai-sdk-provider':
      return each(
        apiID.startsWith('openai/') || id.includes('gpt') ? gptEfforts(apiID) : EFFORTS,
        (effort) => ({ reasoning: { effort } }),
      );
    case 'ai-gateway-provider':
      return each(
        apiID.startsWith('openai/') ? openaiEfforts(apiID, model.release_date) : EFFORTS,
        (effort) => ({ reasoningEffort: effort }),
      );
    case '@ai-sdk/gateway':
      if (apiID.includes('anthropic')) {
        if (adaptive) return each(adaptive, (effort) => adaptiveThinking(effort, summarized));
        return {
          high: { thinking: { type: 'enabled', budgetTokens: 16000 } },
          max: { thinking: { type: 'enabled', budgetTokens: 31999 } },
        };
      }
      if (apiID.includes('google')) {
        if (GEMINI_25.test(apiID)) return gemini25Budgets(apiLower);
        return each(['low', 'high'], (level) => ({ includeThoughts: true, thinkingLevel: level }));
      }
      return each(gptEfforts(apiID), (effort) => ({ reasoningEffort: effort }));
    case '@ai-sdk/github-copilot': {
      if (model.id.includes('gemini')) return {};
      if (model.id.includes('claude'))
        return each(EFFORTS, (effort) => ({ reasoningEffort: effort }));
      const efforts = [...EFFORTS];
      if (
        id.includes('5.1-codex-max') ||
        id.includes('5.2') ||
        id.includes('5.3') ||
        (id.includes('gpt-5') && model.release_date >= EFFORT_XHIGH_SINCE)
      )
        efforts.push('xhigh');
      return each(efforts, openaiReasoning);
    }
    case '@ai-sdk/cerebras':
    case '@ai-sdk/togetherai':
    case '@ai-sdk/xai':
    case '@ai-sdk/deepinfra':
    case 'venice-ai-sdk-provider':
    case '@ai-sdk/openai-compatible': {
      if (apiLower.includes('north-mini-code'))
        return each(['none', 'high'], (effort) => ({ reasoningEffort: effort }));
      const efforts = apiLower.includes('deepseek-v4') ? [...EFFORTS, 'max'] : EFFORTS;
      return each(efforts, (effort) => ({ reasoningEffort: effort }));
    }
    case '@ai-sdk/azure':
      if (id === 'o1-mini') return {};
      return each(openaiEfforts(id, model.release_date), openaiReasoning);
    case '@ai-sdk/amazon-bedrock/mantle':
    case '@ai-sdk/openai':
      if (model.providerID === 'meta')
        return each(['none', 'minimal', ...EFFORTS, 'xhigh'], openaiReasoning);
      return each(openaiEfforts(apiID, model.release_date), openaiReasoning);
    case '@ai-sdk/anthropic':
    case '@ai-sdk/google-vertex/anthropic': {
      if (adaptive) {
        let efforts = adaptive;
        if (model.providerID === 'github-copilot') {
          if (apiID.includes('opus-4.7')) efforts = ['medium'];
          efforts = efforts.filter((effort) => effort !== 'max' && effort !== 'xhigh');
        }
        return each(efforts, (effort) => adaptiveThinking(effort, summarized));
      }
      if (isOpus45(apiID)) return each(EFFORTS, (effort) => budgetedEffort(model, effort));
      return {
        high: {
          thinking: {
            type: 'enabled',
            budgetTokens: Math.min(16000, Math.floor(model.limit.output / 2 - 1)),
          },
        },
        max: {
          thinking: { type: 'enabled', budgetTokens: Math.min(31999, model.limit.output - 1) },
        },
      };
    }
    case '@ai-sdk/amazon-bedrock':
      if (adaptive) {
        return each(adaptive, (effort) => ({
          reasoningConfig: {
            type: 'adaptive',
            maxReasoningEffort: effort,
            ...(summarized && { display: 'summarized' }),
          },
        }));
      }
      if (apiID.includes('anthropic')) {
        return {
          high: { reasoningConfig: { type: 'enabled', budgetTokens: 16000 } },
          max: { reasoningConfig: { type: 'enabled', budgetTokens: 31999 } },
        };
      }
      return each(EFFORTS, (effort) => ({
        reasoningConfig: { type: 'enabled', maxReasoningEffort: effort },
      }));
    case '@ai-sdk/google-vertex':
    case '@ai-sdk/google':
      return geminiVariants(apiLower);
    case '@ai-sdk/mistral': {
      const reasoningMistrals = [
        'mistral-small-2603',
        'mistral-small-latest',
        'mistral-medium-3.5',
        'mistral-medium-2604',
      ];
      if (!reasoningMistrals.some((name) => apiLower.includes(name))) return {};
      return { high: { reasoningEffort: 'high' } };
    }
    case '@ai-sdk/groq':
      return each(['none', ...EFFORTS], (effort) => ({ reasoningEffort: effort }));
    default:
      return {};
  }
}

const ANTHROPIC_PACKAGES = ['@ai-sdk/anthropic', '@ai-sdk/google-vertex/anthropic'];

/** Kimi / Moonshot models, by id or by their API host. */
export function isKimi(model: Pick<ModelInfo, 'providerID' | 'api'>): boolean {
  if (
    [model.providerID, model.api.id].some((value) => {
      const lower = value.toLowerCase();
      return lower.includes('kimi') || lower.includes('moonshot');
    })
  )
    return true;
  const url = model.api.url.toLowerCase();
  return ['api.kimi.com', 'api.moonshot.ai', 'api.moonshot.cn', 'api.moonshotai.cn'].some((host) =>
    url.includes(host),
  );
}

/** Claude 4.7 and later (and unversioned Claude ids): adaptive thinking, summarized display. */
function summarizedThinking(apiID: string): boolean {
  if (!apiID.toLowerCase().includes('claude-')) return false;
  const match = /claude-(?:[a-z]+-)?(\d+)(?:[.-](\d{1,2}))?(?:[.@-]|$)/i.exec(apiID);
  if (!match) return true;
  const major = Number(match[1]);
  const minor = Number(match[2] ?? 0);
  return major > 4 || (major === 4 && minor >= 7);
}

/** The efforts of Claude models that think adaptively (4.6 and later), else null. */
export function adaptiveEfforts(apiID: string): string[] | null {
  if (summarizedThinking(apiID)) return ['low', 'medium', 'high', 'xhigh', 'max'];
  const claude46 = ['opus-4-6', 'opus-4.6', '4-6-opus', '4.6-opus']
    .concat(['sonnet-4-6', 'sonnet-4.6', '4-6-sonnet', '4.6-sonnet'])
    .some((name) => apiID.includes(name));
  return claude46 ? ['low', 'medium', 'high', 'max'] : null;
}

export function isSummarizedThinking(apiID: string): boolean {
  return summarizedThinking(apiID);
}

export function isOpus45(apiID: string): boolean {
  return ['opus-4-5', 'opus-4.5'].some((name) => apiID.includes(name));
}

function adaptiveThinking(effort: string, summarized: boolean): Record<string, unknown> {
  return { thinking: { type: 'adaptive', ...(summarized && { display: 'summarized' }) }, effort };
}

export function budgetedEffort(
  model: Pick<ModelInfo, 'limit'>,
  effort: string,
): Record<string, unknown> {
  return {
    thinking: {
      type: 'enabled',
      budgetTokens: Math.min(16000, Math.floor(model.limit.output / 2 - 1)),
    },
    effort,
  };
}

function gptMinor(id: string): number | undefined {
  return Number(GPT5_MINOR.exec(id)?.[1]) || undefined;
}

function gpt5MinorEfforts(id: string): string[] | undefined {
  if (GPT5_MINOR_PRO.test(id)) return ['medium', 'high', 'xhigh'];
  const minor = gptMinor(id);
  if (minor === undefined) return undefined;
  if (minor === 1) return ['none', ...EFFORTS];
  return ['none', ...EFFORTS, 'xhigh'];
}

function codexEfforts(id: string): string[] | undefined {
  if (!GPT5.test(id) || !id.includes('codex')) return undefined;
  const minor = gptMinor(id);
  if (minor !== undefined && minor >= 3) return ['none', ...EFFORTS, 'xhigh'];
  if (id.includes('codex-max') || (minor !== undefined && minor >= 2)) return [...EFFORTS, 'xhigh'];
  return EFFORTS;
}

function chatEfforts(id: string): string[] | undefined {
  if (!GPT5.test(id) || !id.includes('-chat')) return undefined;
  return gptMinor(id) === undefined ? [] : ['medium'];
}

/** OpenAI's efforts for a model, by its generation and release date. */
export function openaiEfforts(apiID: string, releaseDate: string): string[] {
  const id = apiID.toLowerCase();
  if (id.includes('deep-research')) return ['medium'];
  const chat = chatEfforts(id);
  if (chat) return chat;
  if (GPT5_PRO.test(id)) return ['high'];
  const known = codexEfforts(id) ?? gpt5MinorEfforts(id);
  if (known) return known;
  const efforts = [...EFFORTS];
  if (GPT5.test(id)) efforts.unshift('minimal');
  if (releaseDate >= EFFORT_NONE_SINCE) efforts.unshift('none');
  if (releaseDate >= EFFORT_XHIGH_SINCE) efforts.push('xhigh');
  return efforts;
}

/** GPT efforts where the release date is unknown (gateways): every effort but the known limits. */
function gptEfforts(apiID: string): string[] {
  const id = apiID.toLowerCase();
  const chat = chatEfforts(id);
  if (chat) return chat;
  if (GPT5_PRO.test(id)) return ['high'];
  return codexEfforts(id) ?? gpt5MinorEfforts(id) ?? ['none', 'minimal', ...EFFORTS, 'xhigh'];
}

/** Gemini 1.x and 2.x (not 2.5's budgets): thinking levels low and high only. */
export function isOldGemini(apiID: string): boolean {
  return GEMINI_1_OR_2.test(apiID);
}

function geminiLevels(id: string): string[] {
  if (id.includes('gemma')) return ['minimal', 'high'];
  if (isOldGemini(id)) return ['low', 'high'];
  if (id.includes('flash-image')) return ['minimal', 'high'];
  if (id.includes('pro-image')) return ['high'];
  if (id.includes('flash')) return ['minimal', 'low', 'medium', 'high'];
  return EFFORTS;
}

function gemini25Budgets(id: string): Variants {
  const max = GEMINI_25.test(id) && id.includes('pro') && !id.includes('flash') ? 32768 : 24576;
  return {
    high: { thinkingConfig: { includeThoughts: true, thinkingBudget: 16000 } },
    max: { thinkingConfig: { includeThoughts: true, thinkingBudget: max } },
  };
}

function geminiVariants(id: string): Variants {
  if (GEMINI_25.test(id)) return gemini25Budgets(id);
  return each(geminiLevels(id), (level) => ({
    thinkingConfig: { includeThoughts: true, thinkingLevel: level },
  }));
}

function each(keys: string[], options: (key: string) => Record<string, unknown>): Variants {
  return Object.fromEntries(keys.map((key) => [key, options(key)]));
}

/** One of the reasoning controls models.dev lists for a model (`reasoning_options`). */
export type ReasoningOption =
  | { type: 'effort'; values: (string | null)[] }
  | { type: 'toggle' }
  | { type: 'budget_tokens'; min?: number; max?: number };

/** The reference's cap on output tokens, which thinking budgets stay below. */
const OUTPUT_CAP = 32_000;

/**
 * The variants of a catalog model from the reasoning controls models.dev lists for it, when it
 * lists any (`undefined` otherwise: the package's defaults of `modelVariants` apply). Efforts
 * become one variant each; a budget becomes `high` (half) and `max`; a toggle becomes
 * `none`/`high` where the package has a switch for it.
 */
export function reasoningOptionVariants(
  options: readonly ReasoningOption[] | undefined,
  model: VariantModel,
): Variants | undefined {
  if (options === undefined) return undefined;
  if (options.length === 0) return {};
  const effort = options.find((option) => option.type === 'effort');
  if (effort) {
    return Object.fromEntries(
      effort.values.flatMap((value) => {
        const name = value === null ? 'none' : value;
        if (typeof name !== 'string') return [];
        const variant = effortOptions(model, name);
        return variant ? [[name, variant]] : [];
      }),
    );
  }
  const toggle = options.some((option) => option.type === 'toggle');
  const budget = options.find((option) => option.type === 'budget_tokens');
  if (!budget) return toggle ? nonEmpty(toggleVariants(model)) : undefined;
  return nonEmpty({
    ...(toggle ? toggleVariants(model) : {}),
    ...budgetVariants(model, budget.min, budget.max),
  });
}

function nonEmpty(variants: Variants): Variants | undefined {
  return Object.keys(variants).length > 0 ? variants : undefined;
}

function toggleVariants(model: VariantModel): Variants {
  if (model.api.npm === '@ai-sdk/alibaba')
    return { none: { enableThinking: false }, high: { enableThinking: true } };
  if (model.api.npm === '@ai-sdk/cohere')
    return { none: { thinking: { type: 'disabled' } }, high: { thinking: { type: 'enabled' } } };
  return {};
}

function budgetVariants(model: VariantModel, min?: number, max?: number): Variants {
  const top = Math.min(max ?? OUTPUT_CAP - 1, model.limit.output - 1, OUTPUT_CAP - 1);
  if (top <= 0) return {};
  const high = Math.min(Math.max(min ?? 0, Math.floor((top + 1) / 2)), top);
  return Object.fromEntries(
    [
      ['high', high],
      ['max', top],
    ].flatMap(([name, tokens]) => {
      const variant = budgetOptions(model, tokens as number);
      return variant ? [[name, variant]] : [];
    }),
  );
}

function effortOptions(model: VariantModel, effort: string): Record<string, unknown> | undefined {
  const apiID = model.api.id;
  switch (model.api.npm) {
    case '@openrouter/ai-sdk-provider':
      return { reasoning: { effort } };
    case '@ai-sdk/anthropic':
    case '@ai-sdk/google-vertex/anthropic':
      if (isOpus45(apiID)) return budgetedEffort(model, effort);
      if (isKimi(model)) return { thinking: { type: 'adaptive', display: 'summarized' }, effort };
      if (adaptiveEfforts(apiID)) return adaptiveThinking(effort, summarizedThinking(apiID));
      return { effort };
    case '@ai-sdk/google':
    case '@ai-sdk/google-vertex':
      return { thinkingConfig: { includeThoughts: true, thinkingLevel: effort } };
    case '@ai-sdk/amazon-bedrock':
      if (adaptiveEfforts(apiID)) {
        return {
          reasoningConfig: {
            type: 'adaptive',
            maxReasoningEffort: effort,
            ...(summarizedThinking(apiID) && { display: 'summarized' }),
          },
        };
      }
      if (isOpus45(apiID)) {
        return {
          reasoningConfig: {
            type: 'enabled',
            budgetTokens: Math.min(16000, Math.floor(model.limit.output / 2 - 1)),
            maxReasoningEffort: effort,
          },
        };
      }
      if (apiID.includes('anthropic')) return undefined;
      return { reasoningConfig: { type: 'enabled', maxReasoningEffort: effort } };
    case '@ai-sdk/gateway':
      if (model.id.includes('anthropic'))
        return { thinking: { type: 'adaptive', display: 'summarized' }, effort };
      if (model.id.includes('google'))
        return { thinkingConfig: { includeThoughts: true, thinkingLevel: effort } };
      return { reasoningEffort: effort };
    case '@ai-sdk/github-copilot':
      if (model.id.includes('gemini')) return undefined;
      if (model.id.includes('claude')) return { reasoningEffort: effort };
      return { reasoningEffort: effort, reasoningSummary: 'auto', include: ENCRYPTED_REASONING };
    case '@ai-sdk/openai':
    case '@ai-sdk/amazon-bedrock/mantle':
    case '@ai-sdk/azure':
      return { reasoningEffort: effort, reasoningSummary: 'auto', include: ENCRYPTED_REASONING };
    case '@jerome-benoit/sap-ai-provider-v2':
      if (model.id.includes('anthropic')) {
        return {
          modelParams: {
            thinking: { type: 'adaptive', display: 'summarized' },
            output_config: { effort },
          },
        };
      }
      return { modelParams: { reasoning_effort: effort } };
    case '@ai-sdk/openai-compatible':
    case '@ai-sdk/xai':
    case '@ai-sdk/mistral':
    case '@ai-sdk/groq':
    case '@ai-sdk/cerebras':
    case '@ai-sdk/deepinfra':
    case '@ai-sdk/togetherai':
    case 'venice-ai-sdk-provider':
    case 'ai-gateway-provider':
    case 'merge-gateway-ai-sdk-provider':
      return { reasoningEffort: effort };
    case 'gitlab-ai-provider':
      if (model.family?.startsWith('gpt')) return { reasoningEffort: effort };
      if (model.family?.startsWith('claude')) return { thinking: { type: 'adaptive', effort } };
      return undefined;
    default:
      return undefined;
  }
}

function budgetOptions(model: VariantModel, tokens: number): Record<string, unknown> | undefined {
  switch (model.api.npm) {
    case '@openrouter/ai-sdk-provider':
      return { reasoning: { max_tokens: tokens } };
    case '@ai-sdk/anthropic':
    case '@ai-sdk/google-vertex/anthropic':
      return { thinking: { type: 'enabled', budgetTokens: tokens } };
    case '@ai-sdk/google':
    case '@ai-sdk/google-vertex':
      return { thinkingConfig: { includeThoughts: true, thinkingBudget: tokens } };
    case '@ai-sdk/amazon-bedrock':
      return { reasoningConfig: { type: 'enabled', budgetTokens: tokens } };
    case '@ai-sdk/gateway':
      if (model.id.includes('anthropic'))
        return { thinking: { type: 'enabled', budgetTokens: tokens } };
      if (model.id.includes('google'))
        return { thinkingConfig: { includeThoughts: true, thinkingBudget: tokens } };
      return undefined;
    case '@ai-sdk/cohere':
      return { thinking: { type: 'enabled', tokenBudget: tokens } };
    case '@ai-sdk/alibaba':
      return { enableThinking: true, thinkingBudget: tokens };
    case '@jerome-benoit/sap-ai-provider-v2':
      if (model.id.includes('anthropic'))
        return { modelParams: { thinking: { type: 'enabled', budget_tokens: tokens } } };
      if (model.id.includes('gemini'))
        return {
          modelParams: { thinkingConfig: { includeThoughts: true, thinkingBudget: tokens } },
        };
      return undefined;
    default:
      return undefined;
  }
}
