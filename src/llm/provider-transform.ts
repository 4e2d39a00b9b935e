import type { LanguageModelV3Prompt } from '@ai-sdk/provider';
import type { JSONSchema7 } from 'ai';
import { ENCRYPTED_REASONING, isKimi, isOldGemini } from '../provider/model-variants';
import type { ModelInfo } from '../provider/provider.types';

/*
 * What each model call is adjusted with, per provider, as the reference (opencode 1.18.33) does.
 * A model is matched by its AI SDK package (`api.npm`), its provider id, or its API model id
 * (`api.id`). The reasoning variants themselves are in `provider/model-variants.ts` (the
 * catalog lists them too).
 *
 * | Where                   | Which models                                      | What changes                                                                                             |
 * | ----------------------- | ------------------------------------------------- | -------------------------------------------------------------------------------------------------------- |
 * | every message           | all                                               | lone UTF-16 surrogates in text, reasoning and tool output become U+FFFD                                 |
 * | user files              | all                                               | a file of a kind the model cannot read (image, audio, video, pdf) becomes an error text for the model   |
 * | message normalisation   | `@ai-sdk/anthropic`                               | empty text parts, empty unsigned reasoning and messages left empty are dropped                          |
 * |                         | `@ai-sdk/amazon-bedrock`                          | empty text parts and reasoning without a signature are dropped, then emptied messages                   |
 * |                         | api id contains `claude`                          | tool-call ids keep only `[a-zA-Z0-9_-]` (others become `_`)                                             |
 * |                         | provider `mistral`, or Mistral-family ids         | tool-call ids are 9 alphanumerics (padded with 0); a tool result followed by a user message gets an assistant "Done." between them |
 * |                         | api id contains `deepseek`                        | an assistant message without reasoning gets an empty reasoning part                                     |
 * |                         | `interleaved: {field}` (not OpenRouter)           | assistant reasoning moves into `providerOptions.openaiCompatible[field]` (e.g. `reasoning_content`)     |
 * | caching hints           | Claude / Anthropic ids, `@ai-sdk/anthropic`, `@ai-sdk/alibaba` (not the gateway, not when `cacheControl` is an option) | the first two system messages and the last two others are marked: `anthropic.cacheControl`, `openrouter.cacheControl`, `bedrock.cachePoint`, `openaiCompatible.cache_control`, `copilot.copilot_cache_control`, `alibaba.cacheControl`; on the message for providers `anthropic` and Bedrock, else on its last part |
 * | provider options keys   | package key differs from the provider id          | message and part options stored under the provider id move to the package's key                         |
 * |                         | OpenAI, Azure, Bedrock Mantle, Copilot, unless `store: true` | `itemId` is removed (items are not stored server-side)                                         |
 * | call options            | OpenAI, Copilot, Mantle, xAI, Azure               | `store: false`                                                                                          |
 * |                         | OpenAI, Azure, xAI, Mistral, Venice (or `setCacheKey: true`) | `promptCacheKey` = session id; DeepInfra and Cerebras: `prompt_cache_key`                     |
 * |                         | GPT-5 (not chat, not pro)                         | `reasoningEffort: medium`, `reasoningSummary: auto` (OpenAI, Azure, Copilot, Mantle), encrypted reasoning included (OpenAI, Mantle); `textVerbosity: low` for GPT-5.x on OpenAI and Mantle |
 * |                         | Azure with `useCompletionUrls`                    | only `reasoningEffort: medium` (before GPT-5.5); no reasoning summary                                   |
 * |                         | OpenRouter                                        | `usage: {include: true}`; Gemini (not 1.x/2.x) `reasoning: {effort: high}`                              |
 * |                         | Google, Vertex (reasoning models)                 | `thinkingConfig: {includeThoughts: true}` (+ `thinkingLevel: high` beyond Gemini 2)                     |
 * |                         | Vertex Anthropic, non-Claude on `@ai-sdk/anthropic` | `toolStreaming: false`                                                                                |
 * |                         | Kimi on Anthropic packages (reasoning)            | `thinking: {type: adaptive, display: summarized}`, `effort: high`; MiniMax M3 `thinking: adaptive`     |
 * |                         | Z.ai / Zhipu (openai-compatible)                  | `thinking: {type: enabled, clear_thinking: false}`; Baseten `chat_template_args.enable_thinking`      |
 * |                         | Alibaba CN (reasoning, openai-compatible)         | `enable_thinking: true`                                                                                 |
 * |                         | `@ai-sdk/gateway`                                 | `gateway: {caching: auto}`; options go under the upstream's key (`anthropic`, `openai`, `bedrock`...)  |
 * |                         | OpenAI, Azure, Mantle when reasoning              | `forceReasoning: true`                                                                                  |
 * |                         | Claude 5.1+ on Anthropic / Bedrock                | thinking `blockBinding: {prefixMismatchBehavior: drop_block}` unless set (`false` removes it)          |
 * | option key              | each package                                      | `anthropic`, `openai`, `azure` (+ `openai`), `bedrock`, `google`, `vertex`, `openrouter`, `gateway`, `mistral`, `groq`, `xai`, ...; openai-compatible: the provider id before its first dot |
 * | sampling                | Gemini 2.5 / 3 / 3.1 / 3.5 flash, GLM 4.6/4.7, MiniMax M2, Kimi K2 | default temperature 1 (Kimi K2 non-thinking 0.6); topP 0.95 for Gemini, MiniMax M2, Kimi K2.5; topK 64 Gemini, 20/40 MiniMax M2; Claude none |
 * | max output tokens       | all                                               | min(model output limit, 32000), or 32000 when the limit is unknown                                      |
 * | tool schemas            | OpenAI, Azure                                     | JSON Schema reduced to what the API takes (types inferred, `const` → `enum`, objects get `properties`, arrays `items`); tools `strict: false` |
 * |                         | Moonshot / Kimi                                   | `$ref` siblings dropped, tuple `items` → its first schema                                               |
 * |                         | Google / Gemini                                   | enums as strings (integer enums become string type), type arrays → `anyOf` + `nullable`, `required` only of listed properties, array `items` typed, no `properties` on non-objects |
 * | title calls (small)     | OpenAI, Copilot, xAI                              | `store: false` over the model's first variant; OpenRouter Google models with no variant: reasoning off; Venice: `disableThinking` |
 * | headers                 | all                                               | `User-Agent: opencode/<version>`; `x-session-affinity` and `X-Session-Id` = session id (`x-opencode-session`/`-request`/`-client` for `opencode*` providers), `x-parent-session-id` for subagents; the built-in plugins' headers in `provider-hooks.ts` |
 */

type Options = Record<string, unknown>;

/** The fields of a model the transforms read. */
export type TransformModel = Pick<
  ModelInfo,
  'id' | 'providerID' | 'api' | 'capabilities' | 'limit' | 'release_date' | 'family'
> & { variants?: ModelInfo['variants'] };

/** The reference's cap on output tokens, whatever the model allows. */
export const OUTPUT_TOKEN_MAX = 32_000;

/** The key each AI SDK package reads its `providerOptions` under. */
export function sdkKey(npm: string): string | undefined {
  switch (npm) {
    case '@ai-sdk/github-copilot':
      return 'copilot';
    case '@ai-sdk/azure':
      return 'azure';
    case '@ai-sdk/openai':
    case '@ai-sdk/amazon-bedrock/mantle':
      return 'openai';
    case '@ai-sdk/amazon-bedrock':
      return 'bedrock';
    case '@ai-sdk/anthropic':
    case '@ai-sdk/google-vertex/anthropic':
      return 'anthropic';
    case '@ai-sdk/google-vertex':
      return 'vertex';
    case '@ai-sdk/google':
      return 'google';
    case '@ai-sdk/alibaba':
      return 'alibaba';
    case '@ai-sdk/cerebras':
      return 'cerebras';
    case '@ai-sdk/cohere':
      return 'cohere';
    case '@ai-sdk/deepinfra':
      return 'deepinfra';
    case '@ai-sdk/groq':
      return 'groq';
    case '@ai-sdk/mistral':
      return 'mistral';
    case '@ai-sdk/perplexity':
      return 'perplexity';
    case '@ai-sdk/togetherai':
      return 'togetherai';
    case '@ai-sdk/vercel':
      return 'vercel';
    case '@ai-sdk/xai':
      return 'xai';
    case 'venice-ai-sdk-provider':
      return 'venice';
    case '@ai-sdk/gateway':
      return 'gateway';
    case '@openrouter/ai-sdk-provider':
      return 'openrouter';
    case 'merge-gateway-ai-sdk-provider':
      return 'mergeGateway';
    case 'ai-gateway-provider':
      return 'openaiCompatible';
    default:
      return undefined;
  }
}

const OPENAI_RESPONSES = ['@ai-sdk/openai', '@ai-sdk/azure', '@ai-sdk/amazon-bedrock/mantle'];

// ---------------------------------------------------------------------------------------------
// Messages

interface Part {
  type: string;
  text?: string;
  toolCallId?: string;
  mediaType?: string;
  filename?: string;
  data?: unknown;
  output?: { type: string; value: unknown };
  providerOptions?: Options;
}

interface Message {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | Part[];
  providerOptions?: Options;
}

/**
 * The prompt of one call as the model's provider wants it (see the table above): what the AI
 * SDK built from the conversation, normalised, marked for caching and keyed for the package.
 * `options` are the call's provider options before they are keyed (`cacheControl`, `store`).
 */
export function transformPrompt(
  prompt: LanguageModelV3Prompt,
  model: TransformModel,
  options: Options,
): LanguageModelV3Prompt {
  let messages = (prompt as unknown as Message[]).map(sanitizeMessage);
  messages = replaceUnreadableFiles(messages, model);
  messages = normalizeMessages(messages, model);
  const anthropicCaching =
    options.cacheControl !== undefined && ANTHROPIC_NPMS.includes(model.api.npm);
  if (wantsCacheHints(model) && !anthropicCaching) messages = markCache(messages, model);
  const key = sdkKey(model.api.npm);
  if (key && key !== model.providerID) {
    messages = mapProviderOptions(messages, (value) => {
      if (!value || !(model.providerID in value)) return value;
      const { [model.providerID]: own, ...rest } = value;
      return { ...rest, [key]: own };
    });
  }
  if (
    options.store !== true &&
    key &&
    [...OPENAI_RESPONSES, '@ai-sdk/github-copilot'].includes(model.api.npm)
  ) {
    messages = mapProviderOptions(messages, (value) => {
      const own = value?.[key];
      if (!isObject(own) || !('itemId' in own)) return value;
      const { itemId: _itemId, ...kept } = own;
      return { ...value, [key]: kept };
    });
  }
  return messages as unknown as LanguageModelV3Prompt;
}

const ANTHROPIC_NPMS = ['@ai-sdk/anthropic', '@ai-sdk/google-vertex/anthropic'];

/** Lone surrogates (a string cut inside a pair) are refused by JSON APIs: U+FFFD instead. */
export function sanitizeSurrogates(text: string): string {
  return text.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
}

function sanitizeMessage(message: Message): Message {
  if (typeof message.content === 'string')
    return { ...message, content: sanitizeSurrogates(message.content) };
  return { ...message, content: message.content.map(sanitizePart) };
}

function sanitizePart(part: Part): Part {
  if ((part.type === 'text' || part.type === 'reasoning') && typeof part.text === 'string')
    return { ...part, text: sanitizeSurrogates(part.text) };
  if (part.type === 'tool-result' && part.output) {
    const { output } = part;
    if (
      (output.type === 'text' || output.type === 'error-text') &&
      typeof output.value === 'string'
    )
      return { ...part, output: { ...output, value: sanitizeSurrogates(output.value) } };
    if (output.type === 'content' && Array.isArray(output.value)) {
      const value = (output.value as Part[]).map((item) =>
        item.type === 'text' && typeof item.text === 'string'
          ? { ...item, text: sanitizeSurrogates(item.text) }
          : item,
      );
      return { ...part, output: { ...output, value } };
    }
  }
  return part;
}

type Modality = 'image' | 'audio' | 'video' | 'pdf';

function modalityOf(mediaType: string): Modality | undefined {
  if (mediaType.startsWith('image/')) return 'image';
  if (mediaType.startsWith('audio/')) return 'audio';
  if (mediaType.startsWith('video/')) return 'video';
  if (mediaType === 'application/pdf') return 'pdf';
  return undefined;
}

/**
 * A file the model cannot take would fail the whole call: the model is told instead, so it can
 * tell the user.
 */
function replaceUnreadableFiles(messages: Message[], model: TransformModel): Message[] {
  return messages.map((message) => {
    if (message.role !== 'user' || typeof message.content === 'string') return message;
    const content = message.content.map((part): Part => {
      if (part.type !== 'file' || typeof part.mediaType !== 'string') return part;
      const modality = modalityOf(part.mediaType);
      if (!modality) return part;
      if (modality === 'image' && isEmptyData(part.data))
        return {
          type: 'text',
          text: 'ERROR: Image file is empty or corrupted. Please provide a valid image.',
        };
      if (model.capabilities.input[modality]) return part;
      const name = part.filename ? `"${part.filename}"` : modality;
      return {
        type: 'text',
        text: `ERROR: Cannot read ${name} (this model does not support ${modality} input). Inform the user.`,
      };
    });
    return { ...message, content };
  });
}

function isEmptyData(data: unknown): boolean {
  if (typeof data === 'string') return data.length === 0;
  if (data instanceof Uint8Array) return data.length === 0;
  return false;
}

function normalizeMessages(input: Message[], model: TransformModel): Message[] {
  let messages = input;
  if (model.api.npm === '@ai-sdk/anthropic') {
    messages = dropEmpty(messages, (part) =>
      part.type === 'reasoning'
        ? (part.text ?? '').trim().length > 0 ||
          hasAny(part.providerOptions?.anthropic, ['signature', 'redactedData'])
        : true,
    );
  }
  if (model.api.npm === '@ai-sdk/amazon-bedrock') {
    messages = dropEmpty(messages, (part) => {
      if (part.type !== 'reasoning') return true;
      const own = part.providerOptions?.[model.providerID] ?? part.providerOptions?.bedrock;
      return hasAny(own, ['signature', 'redactedContent', 'redactedData']);
    });
  }
  if (model.api.id.includes('claude'))
    messages = mapToolCallIds(messages, (id) => id.replace(/[^a-zA-Z0-9_-]/g, '_'));
  const apiID = model.api.id.toLowerCase();
  if (
    model.providerID === 'mistral' ||
    ['mistral', 'devstral', 'codestral', 'pixtral', 'mixtral'].some((name) => apiID.includes(name))
  ) {
    // Mistral takes tool-call ids of exactly 9 letters and digits, and refuses a user message
    // right after tool results.
    const mapped = mapToolCallIds(messages, (id) =>
      id
        .replace(/[^a-zA-Z0-9]/g, '')
        .slice(0, 9)
        .padEnd(9, '0'),
    );
    return mapped.flatMap((message, index) =>
      message.role === 'tool' && mapped[index + 1]?.role === 'user'
        ? [message, { role: 'assistant', content: [{ type: 'text', text: 'Done.' }] }]
        : [message],
    );
  }
  if (apiID.includes('deepseek')) {
    // DeepSeek's thinking models expect every assistant turn to carry reasoning.
    messages = messages.map((message) => {
      if (message.role !== 'assistant') return message;
      const parts: Part[] =
        typeof message.content === 'string'
          ? message.content
            ? [{ type: 'text', text: message.content }]
            : []
          : message.content;
      if (parts.some((part) => part.type === 'reasoning')) return message;
      return { ...message, content: [...parts, { type: 'reasoning', text: '' }] };
    });
  }
  const interleaved = model.capabilities.interleaved;
  if (
    typeof interleaved === 'object' &&
    interleaved.field &&
    model.api.npm !== '@openrouter/ai-sdk-provider'
  ) {
    const field = interleaved.field;
    messages = messages.map((message) => {
      if (message.role !== 'assistant' || typeof message.content === 'string') return message;
      const reasoning = message.content
        .filter((part) => part.type === 'reasoning')
        .map((part) => part.text ?? '')
        .join('');
      const compatible = isObject(message.providerOptions?.openaiCompatible)
        ? message.providerOptions.openaiCompatible
        : {};
      return {
        ...message,
        content: message.content.filter((part) => part.type !== 'reasoning'),
        providerOptions: {
          ...message.providerOptions,
          openaiCompatible: { ...compatible, [field]: reasoning },
        },
      };
    });
  }
  return messages;
}

/** Drops empty text, the parts `keep` refuses, and the messages left with nothing. */
function dropEmpty(messages: Message[], keep: (part: Part) => boolean): Message[] {
  return messages.flatMap((message) => {
    if (typeof message.content === 'string') return message.content === '' ? [] : [message];
    const content = message.content.filter((part) =>
      part.type === 'text' ? part.text !== '' : keep(part),
    );
    return content.length === 0 ? [] : [{ ...message, content }];
  });
}

function hasAny(value: unknown, keys: string[]): boolean {
  return isObject(value) && keys.some((key) => value[key] !== undefined && value[key] !== null);
}

function mapToolCallIds(messages: Message[], map: (id: string) => string): Message[] {
  return messages.map((message) => {
    if (
      (message.role !== 'assistant' && message.role !== 'tool') ||
      typeof message.content === 'string'
    )
      return message;
    const content = message.content.map((part) =>
      (part.type === 'tool-call' || part.type === 'tool-result') &&
      typeof part.toolCallId === 'string'
        ? { ...part, toolCallId: map(part.toolCallId) }
        : part,
    );
    return { ...message, content };
  });
}

function wantsCacheHints(model: TransformModel): boolean {
  const { providerID, id, api } = model;
  return (
    (providerID === 'anthropic' ||
      providerID === 'google-vertex-anthropic' ||
      api.id.includes('anthropic') ||
      api.id.includes('claude') ||
      id.includes('anthropic') ||
      id.includes('claude') ||
      api.npm === '@ai-sdk/anthropic' ||
      api.npm === '@ai-sdk/alibaba') &&
    api.npm !== '@ai-sdk/gateway'
  );
}

/** Every package's spelling of "cache up to here": each reads its own key, the rest is ignored. */
const CACHE_HINTS: Options = {
  anthropic: { cacheControl: { type: 'ephemeral' } },
  openrouter: { cacheControl: { type: 'ephemeral' } },
  bedrock: { cachePoint: { type: 'default' } },
  openaiCompatible: { cache_control: { type: 'ephemeral' } },
  copilot: { copilot_cache_control: { type: 'ephemeral' } },
  alibaba: { cacheControl: { type: 'ephemeral' } },
};

/**
 * Cache breakpoints on the first two system messages and the last two others: the stable prefix
 * and the conversation so far are read from the cache on the next call.
 */
function markCache(messages: Message[], model: TransformModel): Message[] {
  const systems = messages.filter((message) => message.role === 'system').slice(0, 2);
  const recent = messages.filter((message) => message.role !== 'system').slice(-2);
  const marked = new Set([...systems, ...recent]);
  const onMessage =
    model.providerID === 'anthropic' ||
    model.providerID.includes('bedrock') ||
    model.api.npm === '@ai-sdk/amazon-bedrock';
  return messages.map((message) => {
    if (!marked.has(message)) return message;
    if (!onMessage && Array.isArray(message.content) && message.content.length > 0) {
      const last = message.content[message.content.length - 1];
      if (last.type !== 'tool-approval-request' && last.type !== 'tool-approval-response') {
        const content = [...message.content];
        content[content.length - 1] = {
          ...last,
          providerOptions: mergeDeep(last.providerOptions ?? {}, CACHE_HINTS),
        };
        return { ...message, content };
      }
    }
    return { ...message, providerOptions: mergeDeep(message.providerOptions ?? {}, CACHE_HINTS) };
  });
}

function mapProviderOptions(
  messages: Message[],
  map: (value: Options | undefined) => Options | undefined,
): Message[] {
  const withOptions = <T extends { providerOptions?: Options }>(item: T): T => {
    const next = map(item.providerOptions);
    if (next === item.providerOptions) return item;
    return { ...item, providerOptions: next };
  };
  return messages.map((message) => {
    const mapped = withOptions(message);
    if (typeof mapped.content === 'string') return mapped;
    return {
      ...mapped,
      content: mapped.content.map((part) =>
        part.type === 'tool-approval-request' || part.type === 'tool-approval-response'
          ? part
          : withOptions(part),
      ),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Call options

/**
 * The provider options every call of `model` starts from (before the model's own options, the
 * agent's and the chosen variant are merged over them). `providerOptions` are the provider's
 * configured options (`setCacheKey`, Azure's `useCompletionUrls`).
 */
export function callOptions(input: {
  model: TransformModel;
  sessionID: string;
  providerOptions: Options;
}): Options {
  const { model, sessionID, providerOptions } = input;
  const { npm, id: apiID } = model.api;
  const options: Options = {};
  if (
    npm === '@ai-sdk/google-vertex/anthropic' ||
    (!apiID.includes('claude') && npm === '@ai-sdk/anthropic')
  )
    options.toolStreaming = false;
  if (
    model.providerID === 'openai' ||
    [
      '@ai-sdk/openai',
      '@ai-sdk/github-copilot',
      '@ai-sdk/amazon-bedrock/mantle',
      '@ai-sdk/xai',
      '@ai-sdk/azure',
    ].includes(npm)
  )
    options.store = false;
  if (npm === '@openrouter/ai-sdk-provider' || npm === '@llmgateway/ai-sdk-provider') {
    options.usage = { include: true };
    if (apiID.toLowerCase().includes('gemini') && !isOldGemini(apiID))
      options.reasoning = { effort: 'high' };
  }
  if (
    model.providerID === 'baseten' ||
    (model.providerID === 'opencode' && ['kimi-k2-thinking', 'glm-4.6'].includes(apiID))
  )
    options.chat_template_args = { enable_thinking: true };
  if (
    ['zai', 'zhipuai'].some((id) => model.providerID.includes(id)) &&
    npm === '@ai-sdk/openai-compatible'
  )
    options.thinking = { type: 'enabled', clear_thinking: false };
  if (model.providerID === 'meta' && npm === '@ai-sdk/openai') {
    options.reasoningSummary = 'auto';
    options.include = ENCRYPTED_REASONING;
  }
  if ((npm === '@ai-sdk/google' || npm === '@ai-sdk/google-vertex') && model.capabilities.reasoning)
    options.thinkingConfig = {
      includeThoughts: true,
      ...(!isOldGemini(apiID) && { thinkingLevel: 'high' }),
    };
  const lower = apiID.toLowerCase();
  if (lower.includes('minimax-m3') && npm === '@ai-sdk/anthropic')
    options.thinking = { type: 'adaptive' };
  if (ANTHROPIC_NPMS.includes(npm) && isKimi(model) && model.capabilities.reasoning) {
    options.thinking = { type: 'adaptive', display: 'summarized' };
    options.effort = 'high';
  }
  if (
    model.providerID === 'alibaba-cn' &&
    model.capabilities.reasoning &&
    npm === '@ai-sdk/openai-compatible' &&
    !lower.includes('kimi-k2-thinking')
  )
    options.enable_thinking = true;
  if (providerOptions.setCacheKey !== false) {
    if (npm === '@ai-sdk/deepinfra' || npm === '@ai-sdk/cerebras')
      options.prompt_cache_key = sessionID;
    else if (
      [
        '@ai-sdk/openai',
        '@ai-sdk/azure',
        '@ai-sdk/xai',
        '@ai-sdk/mistral',
        'venice-ai-sdk-provider',
      ].includes(npm) ||
      providerOptions.setCacheKey === true
    )
      options.promptCacheKey = sessionID;
  }
  if (npm === '@ai-sdk/gateway') options.gateway = { caching: 'auto' };
  const [, major, minor] = /gpt-(\d+)\.(\d+)/.exec(apiID) ?? [];
  const gpt55 = Number(major) > 5 || (Number(major) === 5 && Number(minor) >= 5);
  if (npm === '@ai-sdk/azure' && providerOptions.useCompletionUrls) {
    if (!gpt55) options.reasoningEffort = 'medium';
    return options;
  }
  if (apiID.includes('gpt-5') && !apiID.includes('gpt-5-chat')) {
    if (!apiID.includes('gpt-5-pro')) {
      options.reasoningEffort = 'medium';
      if ([...OPENAI_RESPONSES, '@ai-sdk/github-copilot'].includes(npm))
        options.reasoningSummary = 'auto';
      if (npm === '@ai-sdk/openai' || npm === '@ai-sdk/amazon-bedrock/mantle')
        options.include = ENCRYPTED_REASONING;
    }
    if (
      apiID.includes('gpt-5.') &&
      !apiID.includes('codex') &&
      !apiID.includes('-chat') &&
      (npm === '@ai-sdk/openai' || npm === '@ai-sdk/amazon-bedrock/mantle')
    )
      options.textVerbosity = 'low';
    if (model.providerID.startsWith('opencode') && providerOptions.setCacheKey !== false) {
      options.promptCacheKey = sessionID;
      options.include = ENCRYPTED_REASONING;
      options.reasoningSummary = 'auto';
    }
  }
  return options;
}

/**
 * The provider options of a quick call on the small model (a session title): the model's first
 * variant, which is its lightest effort, with the reference's exceptions.
 */
export function smallCallOptions(model: TransformModel): Options {
  const first = Object.values(model.variants ?? {})[0] ?? {};
  const { npm } = model.api;
  if (
    model.providerID === 'openai' ||
    ['@ai-sdk/openai', '@ai-sdk/github-copilot', '@ai-sdk/xai'].includes(npm)
  )
    return mergeDeep({ store: false }, first);
  if (
    (model.providerID === 'openrouter' || model.providerID === 'llmgateway') &&
    Object.keys(first).length === 0 &&
    model.api.id.includes('google')
  )
    return { reasoning: { enabled: false } };
  if (model.providerID === 'venice' && Object.keys(first).length === 0)
    return { veniceParameters: { disableThinking: true } };
  return first;
}

/** Upstream names of the gateway whose package key differs. */
const GATEWAY_KEYS: Record<string, string> = { amazon: 'bedrock' };

/** The call's options under the key the model's package reads them from. */
export function keyedProviderOptions(
  model: TransformModel,
  options: Options,
): Record<string, Options> {
  const forced =
    OPENAI_RESPONSES.includes(model.api.npm) &&
    (model.capabilities.reasoning ||
      options.reasoningEffort !== undefined ||
      options.reasoningSummary !== undefined)
      ? { ...options, forceReasoning: true }
      : withBlockBinding(model, options);
  if (model.api.npm === '@ai-sdk/gateway') {
    const slash = model.api.id.indexOf('/');
    const upstream = slash > 0 ? model.api.id.slice(0, slash) : undefined;
    const key = upstream ? (GATEWAY_KEYS[upstream] ?? upstream) : undefined;
    const { gateway, ...rest } = forced;
    const keyed: Record<string, Options> = {};
    if (isObject(gateway)) keyed.gateway = gateway;
    if (Object.keys(rest).length > 0) {
      if (key) keyed[key] = rest;
      else keyed.gateway = { ...(isObject(gateway) ? gateway : {}), ...rest };
    }
    return keyed;
  }
  if (model.api.npm === '@ai-sdk/azure') return { openai: forced, azure: forced };
  const compatible = ['@ai-sdk/openai-compatible', '@ai-sdk/openai', '@ai-sdk/anthropic'].includes(
    model.api.npm,
  );
  const key =
    sdkKey(model.api.npm) ?? (compatible ? model.providerID.split('.')[0] : model.providerID);
  return { [key]: forced };
}

const BLOCK_BINDING = { prefixMismatchBehavior: 'drop_block' };

/**
 * Claude 5.1 and later drop a thinking block whose prefix no longer matches rather than failing
 * the call; `blockBinding: false` in the options turns that off.
 */
function withBlockBinding(model: TransformModel, options: Options): Options {
  const key = sdkKey(model.api.npm);
  const field =
    key === 'bedrock' ? 'reasoningConfig' : key === 'anthropic' ? 'thinking' : undefined;
  const current = field ? options[field] : undefined;
  if (field && isObject(current) && current.blockBinding === false) {
    const { blockBinding: _off, ...rest } = current;
    const next: Options = { ...options, [field]: rest };
    if (Object.keys(rest).length === 0) delete next[field];
    return next;
  }
  if (!isClaude51OrLater(model.api.id)) return options;
  const name = ANTHROPIC_NPMS.includes(model.api.npm)
    ? 'thinking'
    : model.api.npm === '@ai-sdk/amazon-bedrock'
      ? 'reasoningConfig'
      : undefined;
  if (!name) return options;
  const thinking = isObject(options[name]) ? options[name] : { type: 'adaptive' };
  if (thinking.type !== 'adaptive' && thinking.type !== 'enabled') return options;
  if (thinking.blockBinding !== undefined) return options;
  return { ...options, [name]: { ...thinking, blockBinding: BLOCK_BINDING } };
}

function isClaude51OrLater(apiID: string): boolean {
  const match = /claude-(?:([a-z]+)-)?(\d+)(?:[.-](\d{1,2}))?(?:-([a-z]+))?(?:[.@-]|$)/i.exec(
    apiID,
  );
  if (!match) return false;
  const major = Number(match[2]);
  const minor = Number(match[3] ?? 0);
  if (major === 5 && minor === 1 && (match[1] ?? match[4])?.toLowerCase() === 'mythos')
    return false;
  return major > 5 || (major === 5 && minor >= 1);
}

// ---------------------------------------------------------------------------------------------
// Sampling and limits

/** Gemini versions that are tuned for temperature 1, topP 0.95 and topK 64. */
const TUNED_GEMINI = [
  /gemini-2[.-]5(?:[.-]|$)/i,
  /gemini-3-(?:flash|pro)(?:[.-]|$)/,
  /gemini-3[.-]1(?:[.-]|$)/,
  /gemini-3[.-]5-flash(?!-lite)(?:[.-]|$)/,
];

function isTunedGemini(id: string): boolean {
  return TUNED_GEMINI.some((pattern) => pattern.test(id));
}

/** The temperature a model family is meant to run at, when the agent sets none. */
export function defaultTemperature(model: TransformModel): number | undefined {
  const id = model.api.id.toLowerCase();
  if (id.includes('north-mini-code')) return 1;
  if (id.includes('claude')) return undefined;
  if (id.includes('gemini')) return isTunedGemini(id) ? 1 : undefined;
  if (['glm-4.6', 'glm-4.7', 'minimax-m2'].some((name) => id.includes(name))) return 1;
  if (id.includes('kimi-k2'))
    return ['thinking', 'k2.', 'k2p', 'k2-5'].some((name) => id.includes(name)) ? 1 : 0.6;
  return undefined;
}

export function defaultTopP(model: TransformModel): number | undefined {
  const id = model.api.id.toLowerCase();
  if (id.includes('gemini')) return isTunedGemini(id) ? 0.95 : undefined;
  if (['minimax-m2', 'kimi-k2.5', 'kimi-k2p5', 'kimi-k2-5'].some((name) => id.includes(name)))
    return 0.95;
  if (
    ['deepseek-v4-flash-0731', 'deepseek-v4-flash:0731'].some((name) => id.includes(name)) ||
    (id.includes('deepseek-v4-flash') &&
      (model.providerID === 'deepseek' || model.providerID.startsWith('opencode')))
  )
    return 0.95;
  return undefined;
}

export function defaultTopK(model: TransformModel): number | undefined {
  const id = model.api.id.toLowerCase();
  if (id.includes('minimax-m2'))
    return ['m2.', 'm25', 'm21'].some((name) => id.includes(name)) ? 40 : 20;
  if (id.includes('gemini')) return isTunedGemini(id) ? 64 : undefined;
  return undefined;
}

/** Output tokens asked for: the model's limit, never above the cap (the cap when unknown). */
export function maxOutputTokens(model: Pick<ModelInfo, 'limit'>, cap = OUTPUT_TOKEN_MAX): number {
  return Math.min(model.limit.output, cap) || cap;
}

// ---------------------------------------------------------------------------------------------
// Tool schemas

/** A tool's input schema as the model's API accepts it. */
export function toolSchema(model: TransformModel, schema: JSONSchema7): JSONSchema7 {
  let result: unknown = schema;
  if (model.api.npm === '@ai-sdk/openai' || model.api.npm === '@ai-sdk/azure')
    result = openaiSchema(result);
  if (model.providerID === 'moonshotai' || model.api.id.toLowerCase().includes('kimi')) {
    const cleaned = moonshotSchema(result);
    if (isObject(cleaned)) result = cleaned;
  }
  if (model.providerID === 'google' || model.api.id.includes('gemini'))
    result = geminiSchema(result);
  return result as JSONSchema7;
}

const JSON_TYPES = ['string', 'number', 'boolean', 'integer', 'object', 'array', 'null'];
const COMBINATORS = ['anyOf', 'oneOf', 'allOf'];

/**
 * Only the keywords OpenAI's function schemas accept, each node with an explicit type: `const`
 * as a one-value enum, types inferred from the keywords present, objects with `properties`,
 * arrays with `items`.
 */
function openaiSchema(node: unknown): unknown {
  if (typeof node === 'boolean') return { type: 'string' };
  if (Array.isArray(node)) return node.map(openaiSchema);
  if (!isObject(node)) return node;
  const out: Options = {};
  if (typeof node.$ref === 'string') out.$ref = node.$ref;
  if (typeof node.description === 'string') out.description = node.description;
  if ('const' in node) out.enum = [node.const];
  else if (Array.isArray(node.enum)) out.enum = node.enum;
  if (isObject(node.properties)) out.properties = mapValues(node.properties, openaiSchema);
  if (Array.isArray(node.required))
    out.required = node.required.filter((key) => typeof key === 'string');
  if ('items' in node) out.items = openaiSchema(node.items);
  if ('additionalProperties' in node)
    out.additionalProperties =
      typeof node.additionalProperties === 'boolean'
        ? node.additionalProperties
        : openaiSchema(node.additionalProperties);
  for (const key of COMBINATORS)
    if (Array.isArray(node[key])) out[key] = (node[key] as unknown[]).map(openaiSchema);
  for (const key of ['$defs', 'definitions'])
    if (isObject(node[key])) out[key] = mapValues(node[key], openaiSchema);
  const declared =
    typeof node.type === 'string'
      ? JSON_TYPES.includes(node.type)
        ? [node.type]
        : []
      : Array.isArray(node.type)
        ? node.type.filter(
            (type): type is string => typeof type === 'string' && JSON_TYPES.includes(type),
          )
        : [];
  if (
    declared.length === 0 &&
    (typeof out.$ref === 'string' || COMBINATORS.some((key) => key in out))
  )
    return out;
  const types =
    declared.length > 0
      ? declared
      : ['properties', 'required', 'additionalProperties'].some((key) => key in node)
        ? ['object']
        : ['items', 'prefixItems'].some((key) => key in node)
          ? ['array']
          : 'enum' in out || 'format' in node
            ? ['string']
            : ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'].some(
                  (key) => key in node,
                )
              ? ['number']
              : [];
  if (types.length === 0) return {};
  out.type = types.length === 1 ? types[0] : types;
  if (types.includes('object') && !('properties' in out)) out.properties = {};
  if (types.includes('array') && !('items' in out)) out.items = { type: 'string' };
  return out;
}

/** Moonshot refuses keywords beside `$ref` and tuple-style `items`. */
function moonshotSchema(node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map(moonshotSchema);
  const object = node as Options;
  if (typeof object.$ref === 'string') return { $ref: object.$ref };
  const out = mapValues(object, moonshotSchema);
  if (Array.isArray(out.items)) out.items = (out.items as unknown[])[0] ?? {};
  return out;
}

const SCHEMA_KEYWORDS = [
  'type',
  'properties',
  'items',
  'prefixItems',
  'enum',
  'const',
  '$ref',
  'additionalProperties',
  'patternProperties',
  'required',
  'not',
  'if',
  'then',
  'else',
];

function hasCombinator(node: unknown): boolean {
  return isObject(node) && COMBINATORS.some((key) => Array.isArray(node[key]));
}

/** Gemini's function declarations: the OpenAPI 3.0 subset Google accepts. */
function geminiSchema(node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map(geminiSchema);
  const out: Options = {};
  for (const [key, value] of Object.entries(node as Options)) {
    if (key === 'enum' && Array.isArray(value)) {
      // Gemini takes string enums only.
      out.enum = value.map((item) => String(item));
      if (out.type === 'integer' || out.type === 'number') out.type = 'string';
    } else if (typeof value === 'object' && value !== null) out[key] = geminiSchema(value);
    else out[key] = value;
  }
  if (Array.isArray(out.type)) {
    const types = out.type as unknown[];
    const nullable = types.includes('null');
    const rest = types.filter((type) => type !== 'null');
    if (rest.length === 0) out.type = 'null';
    else {
      delete out.type;
      out.anyOf = rest.map((type) => ({ type }));
      if (nullable) out.nullable = true;
    }
  }
  if (out.type === 'object' && isObject(out.properties) && Array.isArray(out.required)) {
    const properties = out.properties;
    out.required = out.required.filter((key) => typeof key === 'string' && key in properties);
  }
  if (out.type === 'array' && !hasCombinator(out)) {
    if (out.items === undefined || out.items === null) out.items = {};
    if (
      isObject(out.items) &&
      !hasCombinator(out.items) &&
      !SCHEMA_KEYWORDS.some((key) => key in (out.items as Options))
    )
      out.items = { ...out.items, type: 'string' };
  }
  if (out.type && out.type !== 'object' && !hasCombinator(out)) {
    delete out.properties;
    delete out.required;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function isObject(value: unknown): value is Options {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapValues(object: Options, map: (value: unknown) => unknown): Options {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, map(value)]));
}

/** Objects merged key by key, recursively; anything else (arrays too) from `over` wins. */
export function mergeDeep(base: Options, over: Options): Options {
  const out: Options = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? mergeDeep(current, value) : value;
  }
  return out;
}
