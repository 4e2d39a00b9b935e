import { Injectable, Optional } from '@nestjs/common';
import type {
  JSONSchema7,
  LanguageModel,
  LanguageModelUsage,
  ModelMessage,
  Schema,
  TextStreamPart,
  ToolSet,
} from 'ai';
import type { JSONValue, LanguageModelV3 } from '@ai-sdk/provider';
import type { z } from 'zod';
import { AppEnvironment } from '../core/config/app-environment';
import type { Instance } from '../core/instance/instance';
import { PluginHooks } from '../core/plugin/plugin-hooks';
import { modelVariants } from '../provider/model-variants';
import type { ModelInfo } from '../provider/provider.types';
import {
  callOptions,
  defaultTemperature,
  defaultTopK,
  defaultTopP,
  keyedProviderOptions,
  maxOutputTokens,
  mergeDeep,
  smallCallOptions,
  toolSchema,
  transformPrompt,
} from './provider-transform';
import { hookHeaders, hookParams } from './provider-hooks';

/** A tool the model may call in a step: its input schema and what running it answers. */
export interface LlmTool {
  description: string;
  parameters: z.ZodType;
  /**
   * The JSON Schema the model is told in place of the one of `parameters` (a plugin's
   * `tool.definition` hook changed it); calls are still validated with `parameters`.
   */
  jsonSchema?: Record<string, unknown>;
  /** Other names a call may give a parameter (alias → parameter; see `ToolDefinition`). */
  aliases?: Readonly<Record<string, string>>;
  /** Runs the call `callID`; the answer is the text the model reads, a throw its error. */
  execute(input: Record<string, unknown>, callID: string): Promise<string>;
}

/**
 * Who a call is for and with what, which the per-provider adjustments read
 * (`provider-transform.ts`): the model's catalog entry, its provider's options, the session,
 * the chosen variant and the agent's options.
 */
export interface CallContext {
  model: ModelInfo;
  /** The provider's configured options (`setCacheKey`, Azure's `useCompletionUrls`). */
  providerOptions: Record<string, unknown>;
  sessionID: string;
  parentSessionID?: string;
  /** The user message the call answers. */
  requestID?: string;
  /** The reasoning variant chosen for the prompt (`low`, `high`, `max`, ...). */
  variant?: string;
  /** The agent's `options`, merged over the model's. */
  agentOptions?: Record<string, unknown>;
  /** A quick call on the small model (a title): the model's lightest variant, no other. */
  small?: boolean;
  /**
   * The agent the call is made for (`title` for a session title, `compaction` for a summary,
   * else the prompt's agent), which some providers are told.
   */
  agent?: string;
  /** Set when the call answers the prompt the server wrote to carry on after a summary. */
  afterCompaction?: boolean;
  /**
   * The instance and user message of a turn's call: its plugins' `chat.params` and
   * `chat.headers` hooks run for it.
   */
  plugins?: { instance: Instance; message: object };
}

/** One model call of the agent loop. */
export interface StepRequest {
  model: LanguageModel;
  /**
   * The call's model and session. Without it (a bare model in tests) the call goes out as given,
   * without the per-provider adjustments.
   */
  context?: CallContext;
  system: string;
  messages: ModelMessage[];
  tools: Record<string, LlmTool>;
  signal: AbortSignal;
  /** The agent's sampling settings; the model family's defaults otherwise. */
  temperature?: number;
  topP?: number;
}

/** What a streamed step reports: text and reasoning deltas, tool calls, the step's end, errors. */
export type StepStreamPart = TextStreamPart<ToolSet>;

/** A model call answered in one piece (a title, a summary). */
export interface GenerateRequest {
  model: LanguageModel;
  context?: CallContext;
  system: string;
  /** The conversation, or a single user `prompt`. */
  messages?: ModelMessage[];
  prompt?: string;
  signal?: AbortSignal;
  /** Attempts the AI SDK makes again on a retryable failure. */
  maxRetries: number;
}

export interface Generated {
  text: string;
  finishReason: string;
  usage: LanguageModelUsage;
}

type AiModule = typeof import('ai');

/** The settings of one call that depend on its provider and model. */
interface PreparedCall {
  model: LanguageModel;
  providerOptions?: Record<string, Record<string, JSONValue>>;
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  headers?: Record<string, string>;
}

/**
 * The one place the AI SDK is called. It is loaded with the first model call rather than at
 * start-up, which keeps an idle server's memory and start time down; Node caches it after that.
 */
@Injectable()
export class LlmService {
  /**
   * Each tool's input schema as the AI SDK takes it, built once per tool and kind of model:
   * given the zod schema, the SDK converts it to JSON Schema again on every model call.
   */
  private readonly inputSchemas = new WeakMap<z.ZodType, Map<string, Schema>>();

  constructor(
    private readonly env: AppEnvironment,
    @Optional() private readonly plugins: PluginHooks = new PluginHooks(),
  ) {}

  /**
   * Streams one step: a single model call (the loop decides whether another follows), which the
   * SDK neither retries (the loop retries, knowing which attempts can be undone) nor reports
   * errors of elsewhere than in the stream. Tools the model calls run while it is read.
   */
  async streamStep(request: StepRequest): Promise<AsyncIterable<StepStreamPart>> {
    const ai = await import('ai');
    const { context } = request;
    // OpenAI's strict mode would refuse our optional parameters.
    const loose =
      context !== undefined &&
      ['@ai-sdk/openai', '@ai-sdk/azure', '@ai-sdk/amazon-bedrock/mantle'].includes(
        context.model.api.npm,
      );
    const tools: ToolSet = {};
    for (const [id, tool] of Object.entries(request.tools).sort(([a], [b]) => a.localeCompare(b))) {
      const inputSchema = tool.jsonSchema
        ? this.givenInputSchema(tool.jsonSchema, tool.parameters, ai, context?.model)
        : await this.inputSchemaOf(tool.parameters, ai, context?.model);
      tools[id] = {
        description: tool.description,
        inputSchema: tool.aliases ? await withAliases(inputSchema, tool.aliases, ai) : inputSchema,
        ...(loose && { strict: false }),
        execute: (input: Record<string, unknown>, options: { toolCallId: string }) =>
          tool.execute(input, options.toolCallId),
      };
    }
    if (
      context?.model.providerID.includes('github-copilot') &&
      Object.keys(tools).length === 0 &&
      carriesToolCalls(request.messages)
    ) {
      // Copilot refuses a conversation with tool calls in it when the call offers no tools.
      tools._noop = {
        description:
          'Do not call this tool. It exists only for API compatibility and must never be invoked.',
        inputSchema: ai.jsonSchema({
          type: 'object',
          properties: { reason: { type: 'string', description: 'Unused' } },
        }),
        execute: () => Promise.resolve(''),
      };
    }
    const call = await this.prepare(ai, request.model, context, request);
    const result = ai.streamText({
      ...definedOf(call),
      system: request.system,
      messages: request.messages,
      tools,
      stopWhen: ai.stepCountIs(1),
      maxRetries: 0,
      abortSignal: request.signal,
      // Errors are handled from the stream; without this the SDK also prints them.
      onError: () => undefined,
    });
    return result.fullStream;
  }

  /** One model call without tools, answered whole. Throws on failure. */
  async generate(request: GenerateRequest): Promise<Generated> {
    const ai = await import('ai');
    const { system, maxRetries, signal } = request;
    const call = await this.prepare(ai, request.model, request.context, {});
    const common = {
      ...definedOf(call),
      system,
      maxRetries,
      ...(signal && { abortSignal: signal }),
    };
    const result = request.messages
      ? await ai.generateText({ ...common, messages: request.messages })
      : await ai.generateText({ ...common, prompt: request.prompt ?? '' });
    return { text: result.text, finishReason: result.finishReason, usage: result.usage };
  }

  /**
   * The provider options, sampling, output limit, headers and prompt transforms of a call, as
   * the reference sets them per provider: the defaults for the model, then the model's own
   * options, the agent's and the chosen variant's over them.
   */
  private async prepare(
    ai: AiModule,
    language: LanguageModel,
    context: CallContext | undefined,
    sampling: { temperature?: number; topP?: number },
  ): Promise<PreparedCall> {
    if (!context)
      return { model: language, temperature: sampling.temperature, topP: sampling.topP };
    const { model } = context;
    const variants = model.variants ?? modelVariants(model);
    const chosen = !context.small && context.variant ? (variants[context.variant] ?? {}) : {};
    const base = context.small
      ? smallCallOptions({ ...model, variants })
      : callOptions({
          model,
          sessionID: context.sessionID,
          providerOptions: context.providerOptions,
        });
    const options = mergeDeep(
      mergeDeep(mergeDeep(base, model.options), context.agentOptions ?? {}),
      chosen,
    );
    if (
      model.api.npm === '@ai-sdk/azure' &&
      (context.providerOptions.useCompletionUrls ||
        model.options.useCompletionUrls ||
        options.useCompletionUrls)
    ) {
      delete options.reasoningSummary;
      delete options.include;
    }
    // The built-in plugins' adjustments (Copilot, OpenAI, Cerebras) come last, as there.
    const adjusted = hookParams(context, { maxOutputTokens: maxOutputTokens(model), options });
    const wrapped = ai.wrapLanguageModel({
      model: language as LanguageModelV3,
      middleware: {
        specificationVersion: 'v3',
        transformParams: ({ params }) =>
          Promise.resolve({ ...params, prompt: transformPrompt(params.prompt, model, options) }),
      },
    });
    const params = {
      temperature: model.capabilities.temperature
        ? (sampling.temperature ?? defaultTemperature(model))
        : undefined,
      topP: sampling.topP ?? defaultTopP(model),
      topK: defaultTopK(model),
      maxOutputTokens: adjusted.maxOutputTokens,
      options: adjusted.options,
    };
    const headers = {
      ...sessionHeaders(context, this.env),
      ...hookHeaders(context, this.env.version),
    };
    // The user's plugins come after the built-in adjustments, and their headers are merged last.
    if (context.plugins) {
      const { instance, message } = context.plugins;
      const input = {
        sessionID: context.sessionID,
        agent: context.agent ?? '',
        model,
        // What 1.18.33 passes (the provider's id and options), not the declared ProviderContext.
        provider: { id: model.providerID, options: context.providerOptions },
        message,
      };
      await this.plugins.trigger(instance, 'chat.params', input, params);
      const added = await this.plugins.trigger(instance, 'chat.headers', input, { headers: {} });
      Object.assign(headers, added.headers);
    }
    return {
      model: wrapped,
      providerOptions: keyedProviderOptions(
        model,
        params.options,
      ) as PreparedCall['providerOptions'],
      temperature: params.temperature,
      topP: params.topP,
      topK: params.topK,
      maxOutputTokens: params.maxOutputTokens,
      headers,
    };
  }

  /** A JSON Schema given as it is (not cached: a hook may change it at every turn). */
  private givenInputSchema(
    schema: Record<string, unknown>,
    parameters: z.ZodType,
    ai: AiModule,
    model: ModelInfo | undefined,
  ): Schema {
    const { validate } = ai.zodSchema(parameters);
    return ai.jsonSchema(
      model ? toolSchema(model, schema as JSONSchema7) : (schema as JSONSchema7),
      {
        ...(validate && { validate }),
      },
    );
  }

  private async inputSchemaOf(
    parameters: z.ZodType,
    ai: AiModule,
    model: ModelInfo | undefined,
  ): Promise<Schema> {
    let byModel = this.inputSchemas.get(parameters);
    if (!byModel) {
      byModel = new Map();
      this.inputSchemas.set(parameters, byModel);
    }
    const key = model ? `${model.providerID}\n${model.api.npm}\n${model.api.id}` : '';
    let schema = byModel.get(key);
    if (!schema) {
      const base = ai.zodSchema(parameters);
      schema = model
        ? ai.jsonSchema(toolSchema(model, await base.jsonSchema), {
            ...(base.validate && { validate: base.validate }),
          })
        : base;
      byModel.set(key, schema);
    }
    return schema;
  }
}

/**
 * The schema with its validation taking a call that names a parameter by an alias as naming the
 * parameter (when the call does not also name it). The call is recorded as the model made it
 * (alias and all); the tool is given the parameter's own name when it runs (`renameAliases`).
 */
async function withAliases(
  schema: Schema,
  aliases: Readonly<Record<string, string>>,
  ai: AiModule,
): Promise<Schema> {
  const { validate } = schema;
  if (!validate) return schema;
  return ai.jsonSchema(await schema.jsonSchema, {
    validate: async (value: unknown) => {
      const renamed = renameAliases(value, aliases);
      if (renamed.used.length === 0) return validate(value);
      const result = await validate(renamed.input);
      if (!result.success) return result;
      const input = { ...(result.value as Record<string, unknown>) };
      for (const alias of renamed.used) {
        input[alias] = input[aliases[alias]];
        delete input[aliases[alias]];
      }
      return { success: true, value: input };
    },
  });
}

/** The input with each alias it uses (and whose parameter it does not name) renamed. */
export function renameAliases(
  value: unknown,
  aliases: Readonly<Record<string, string>>,
): { input: unknown; used: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { input: value, used: [] };
  }
  const input = { ...(value as Record<string, unknown>) };
  const used: string[] = [];
  for (const [alias, name] of Object.entries(aliases)) {
    if (alias in input && !(name in input)) {
      input[name] = input[alias];
      delete input[alias];
      used.push(alias);
    }
  }
  return { input, used };
}

/**
 * Headers that let a provider route a session's calls to the same backend (and so its cache);
 * the opencode providers take their own names for them and are told the client. Every call
 * names opencode as its user agent, as the reference's.
 */
function sessionHeaders(context: CallContext, env: AppEnvironment): Record<string, string> {
  const headers: Record<string, string> = {};
  if (context.model.providerID.startsWith('opencode')) {
    headers['x-opencode-session'] = context.sessionID;
    if (context.requestID) headers['x-opencode-request'] = context.requestID;
    headers['x-opencode-client'] = env.variables.OPENCODE_CLIENT || 'cli';
  } else {
    headers['x-session-affinity'] = context.sessionID;
    headers['X-Session-Id'] = context.sessionID;
  }
  headers['User-Agent'] = `opencode/${env.version}`;
  if (context.parentSessionID) headers['x-parent-session-id'] = context.parentSessionID;
  return headers;
}

/** Whether the conversation holds a tool call or a tool result. */
function carriesToolCalls(messages: ModelMessage[]): boolean {
  return messages.some(
    (message) =>
      Array.isArray(message.content) &&
      message.content.some((part) => part.type === 'tool-call' || part.type === 'tool-result'),
  );
}

/** The call settings that are set: the AI SDK warns about some keys even when undefined. */
function definedOf(call: PreparedCall): PreparedCall {
  return Object.fromEntries(
    Object.entries(call).filter(([, value]) => value !== undefined),
  ) as unknown as PreparedCall;
}
