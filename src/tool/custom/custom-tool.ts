import type { LoggerService } from '@nestjs/common';
import { z } from 'zod';
import { describeIssue } from '../../core/zod-issues';
import {
  ToolExecutionError,
  type ToolAttachment,
  type ToolContext,
  type ToolDefinition,
  type ToolResult,
} from '../tool.types';

/**
 * The user's own tools (`.opencode/tool/*.ts` files and the `tool` object a plugin returns),
 * written against `tool()` of `@opencode-ai/plugin`: `{ description, args, execute }`, with `args`
 * a map of zod schemas (`tool.schema.*`, zod 4 of the plugin package's own copy) or of JSON Schema
 * property schemas.
 */
export interface CustomToolSpec {
  description: string;
  args: Record<string, unknown>;
  execute(args: Record<string, unknown>, context: CustomToolContext): unknown;
}

/** The `ToolContext` of `@opencode-ai/plugin` 1.18.33 (plus `callID`, as the reference passes it). */
export interface CustomToolContext {
  sessionID: string;
  messageID: string;
  callID: string;
  agent: string;
  directory: string;
  worktree: string;
  abort: AbortSignal;
  metadata(input: { title?: string; metadata?: Record<string, unknown> }): void;
  ask(input: {
    permission: string;
    patterns: string[];
    always: string[];
    metadata?: Record<string, unknown>;
  }): Promise<void>;
}

/** Whether an export is a tool definition: an object with `description`, `args` and `execute`. */
export function isCustomToolSpec(value: unknown): value is CustomToolSpec {
  if (typeof value !== 'object' || value === null) return false;
  const spec = value as Partial<CustomToolSpec>;
  return (
    typeof spec.description === 'string' &&
    typeof spec.args === 'object' &&
    spec.args !== null &&
    typeof spec.execute === 'function'
  );
}

/**
 * The tools of a tool file's module: the default export named after the file, every other export
 * `<file>_<export>`, as the reference names them; exports that are not tools are passed over.
 */
export function customToolsOfModule(
  fileName: string,
  exports: Record<string, unknown>,
  source: CustomToolSource,
): ToolDefinition[] {
  const tools: ToolDefinition[] = [];
  for (const [name, value] of Object.entries(exports)) {
    if (!isCustomToolSpec(value)) continue;
    const id = name === 'default' ? fileName : `${fileName}_${name}`;
    tools.push(customTool(id, value, source));
  }
  return tools;
}

/** Where a custom tool comes from: the file or plugin that failures are logged with. */
export interface CustomToolSource {
  origin: string;
  logger: Pick<LoggerService, 'error'>;
}

/**
 * A custom tool as a tool of this server, under `id`. A throw of `execute` fails the call (the
 * model reads the message) and is logged with the tool's origin; the server and other tools are
 * unaffected.
 *
 * Deliberate difference: the arguments are validated against the tool's schema before `execute`
 * runs (with the tool's own zod, so refinements and defaults apply), and a bad call is a tool
 * error the model sees; the reference runs `execute` with whatever the model sent.
 */
export function customTool(
  id: string,
  spec: CustomToolSpec,
  source: CustomToolSource,
): ToolDefinition {
  const parameters = customToolParameters(spec.args);
  return {
    id,
    description: spec.description,
    parameters,
    async execute(input, context) {
      const parsed = parameters.safeParse(input);
      if (!parsed.success) {
        const { path, message } = describeIssue(parsed.error.issues);
        const field = path.length > 0 ? `${path.map(String).join('.')}: ` : '';
        throw new ToolExecutionError(
          `The ${id} tool was called with invalid arguments: ${field}${message}`,
        );
      }
      // Refusals of `ctx.ask()` reach the turn as they are: a user's rejection ends the turn.
      const refusals = new Set<unknown>();
      let result: unknown;
      try {
        result = await spec.execute(
          parsed.data as Record<string, unknown>,
          toolContext(context, refusals),
        );
      } catch (error) {
        if (context.abort.aborted || refusals.has(error)) throw error;
        const message = failureMessage(error, source.origin);
        source.logger.error(`tool ${id} from ${source.origin} failed: ${message}`);
        throw new ToolExecutionError(message);
      }
      return toolResult(result);
    },
  };
}

/**
 * The parameters schema of a tool's `args`. Zod schemas (recognised by shape, so a zod 4 copy of
 * another install counts) are wrapped in one object schema that keeps them as they are; otherwise
 * the values are JSON Schema property schemas, every one required (as the reference reads them).
 *
 * `.describe()` of the tool's own zod copy writes to that copy's registry, which this server's
 * zod does not read: the descriptions are copied into this server's registry, so that the JSON
 * Schema of `GET /experimental/tool` and of the model request carry them.
 */
export function customToolParameters(args: Record<string, unknown>): z.ZodType {
  const values = Object.values(args);
  if (values.every(isZodSchema)) {
    const schema = z.object(args as Record<string, z.ZodType>);
    z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', override: copyDescription });
    return schema;
  }
  try {
    return z.fromJSONSchema({
      type: 'object',
      properties: args as Record<string, z.core.JSONSchema.JSONSchema>,
      required: Object.keys(args),
    });
  } catch {
    // A schema zod cannot read (an external `$ref`): the tool still takes any object.
    return z.record(z.string(), z.unknown());
  }
}

function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

function copyDescription(context: { zodSchema: unknown }): void {
  const schema = context.zodSchema as z.core.$ZodType & { description?: unknown };
  const description = schema.description;
  if (typeof description !== 'string' || z.globalRegistry.has(schema)) return;
  z.globalRegistry.add(schema, { description });
}

function toolContext(context: ToolContext, refusals: Set<unknown>): CustomToolContext {
  return {
    sessionID: context.sessionID,
    messageID: context.messageID,
    callID: context.callID,
    agent: context.agent,
    directory: context.instance.directory,
    worktree: context.instance.worktree,
    abort: context.abort,
    metadata: (input) =>
      context.progress({
        ...(typeof input?.title === 'string' && { title: input.title }),
        ...(isRecord(input?.metadata) && { metadata: input.metadata }),
      }),
    ask: (input) =>
      context
        .ask({
          permission: input.permission,
          patterns: input.patterns,
          always: input.always,
          metadata: input.metadata ?? {},
        })
        .catch((error: unknown) => {
          refusals.add(error);
          throw error;
        }),
  };
}

/** A string is the output; an object gives `title`, `output`, `metadata` and `attachments`. */
function toolResult(result: unknown): ToolResult {
  if (!isRecord(result)) return { title: '', output: stringOf(result), metadata: {} };
  const attachments = Array.isArray(result.attachments)
    ? result.attachments.filter(isAttachment).map((item): ToolAttachment => ({
        mime: item.mime,
        url: item.url,
        ...(typeof item.filename === 'string' && { filename: item.filename }),
      }))
    : [];
  return {
    title: typeof result.title === 'string' ? result.title : '',
    output: stringOf(result.output),
    metadata: isRecord(result.metadata) ? result.metadata : {},
    ...(attachments.length > 0 && { attachments }),
  };
}

function stringOf(value: unknown): string {
  if (typeof value === 'string') return value;
  // Numbers, booleans and objects as JSON; nothing (and functions) as an empty output.
  return JSON.stringify(value) ?? '';
}

function isAttachment(value: unknown): value is { mime: string; url: string; filename?: unknown } {
  return isRecord(value) && typeof value.mime === 'string' && typeof value.url === 'string';
}

/** What the model reads of a tool that threw: its message (errors of plugin code may be anything). */
function failureMessage(error: unknown, origin: string): string {
  if (isRecord(error) && typeof error.message === 'string' && error.message !== '') {
    return error.message;
  }
  return `The tool from ${origin} failed: ${String(error)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
