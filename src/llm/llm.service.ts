import { Injectable } from '@nestjs/common';
import type {
  LanguageModel,
  LanguageModelUsage,
  ModelMessage,
  Schema,
  TextStreamPart,
  ToolSet,
} from 'ai';
import type { z } from 'zod';

/** A tool the model may call in a step: its input schema and what running it answers. */
export interface LlmTool {
  description: string;
  parameters: z.ZodType;
  /** Runs the call `callID`; the answer is the text the model reads, a throw its error. */
  execute(input: Record<string, unknown>, callID: string): Promise<string>;
}

/** One model call of the agent loop. */
export interface StepRequest {
  model: LanguageModel;
  system: string;
  messages: ModelMessage[];
  tools: Record<string, LlmTool>;
  signal: AbortSignal;
  temperature?: number;
  topP?: number;
}

/** What a streamed step reports: text and reasoning deltas, tool calls, the step's end, errors. */
export type StepStreamPart = TextStreamPart<ToolSet>;

/** A model call answered in one piece (a title, a summary). */
export interface GenerateRequest {
  model: LanguageModel;
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

/**
 * The one place the AI SDK is called. It is loaded with the first model call rather than at
 * start-up, which keeps an idle server's memory and start time down; Node caches it after that.
 */
@Injectable()
export class LlmService {
  /**
   * Each tool's input schema as the AI SDK takes it, built once: given the zod schema, the SDK
   * converts it to JSON Schema again on every model call.
   */
  private readonly inputSchemas = new WeakMap<z.ZodType, Schema>();

  /**
   * Streams one step: a single model call (the loop decides whether another follows), which the
   * SDK neither retries (the loop retries, knowing which attempts can be undone) nor reports
   * errors of elsewhere than in the stream. Tools the model calls run while it is read.
   */
  async streamStep(request: StepRequest): Promise<AsyncIterable<StepStreamPart>> {
    const ai = await import('ai');
    const tools: ToolSet = {};
    for (const [id, tool] of Object.entries(request.tools)) {
      tools[id] = {
        description: tool.description,
        inputSchema: this.inputSchemaOf(tool.parameters, ai.zodSchema),
        execute: (input: Record<string, unknown>, options: { toolCallId: string }) =>
          tool.execute(input, options.toolCallId),
      };
    }
    const result = ai.streamText({
      model: request.model,
      system: request.system,
      messages: request.messages,
      tools,
      stopWhen: ai.stepCountIs(1),
      maxRetries: 0,
      abortSignal: request.signal,
      ...(request.temperature !== undefined && { temperature: request.temperature }),
      ...(request.topP !== undefined && { topP: request.topP }),
      // Errors are handled from the stream; without this the SDK also prints them.
      onError: () => undefined,
    });
    return result.fullStream;
  }

  /** One model call without tools, answered whole. Throws on failure. */
  async generate(request: GenerateRequest): Promise<Generated> {
    const { generateText } = await import('ai');
    const { model, system, maxRetries, signal } = request;
    const common = { model, system, maxRetries, ...(signal && { abortSignal: signal }) };
    const result = request.messages
      ? await generateText({ ...common, messages: request.messages })
      : await generateText({ ...common, prompt: request.prompt ?? '' });
    return { text: result.text, finishReason: result.finishReason, usage: result.usage };
  }

  private inputSchemaOf(parameters: z.ZodType, toSchema: (schema: z.ZodType) => Schema): Schema {
    let schema = this.inputSchemas.get(parameters);
    if (!schema) {
      schema = toSchema(parameters);
      this.inputSchemas.set(parameters, schema);
    }
    return schema;
  }
}
