import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { truncateOutput } from '../core/tool-output';
import {
  ToolExecutionError,
  type ToolAttachment,
  type ToolDefinition,
  type ToolResult,
} from '../tool/tool.types';

/** Calls the MCP tool with the model's arguments, cancelled by `signal`. */
export type McpToolCaller = (
  args: Record<string, unknown>,
  signal: AbortSignal,
) => Promise<CallToolResult>;

/** `<server>_<tool>` with anything but `[a-zA-Z0-9_-]` replaced, as model APIs require of names. */
export function mcpToolId(server: string, tool: string): string {
  return `${sanitize(server)}_${sanitize(tool)}`;
}

function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, '_');
}

/**
 * An MCP tool as an agent tool: asks the `<server>_<tool>` permission (patterns `*`, as the
 * reference), calls the tool and hands its text to the model, images and binary resources as
 * attachments.
 */
export function mcpToolDefinition(server: string, tool: Tool, call: McpToolCaller): ToolDefinition {
  const id = mcpToolId(server, tool.name);
  return {
    id,
    description: tool.description ?? '',
    parameters: parametersOf(tool),
    async execute(input, context) {
      await context.ask({ permission: id, patterns: ['*'], always: ['*'], metadata: {} });
      const result = await call(isRecord(input) ? input : {}, context.abort);
      return toolResult(result);
    },
  };
}

/**
 * The tool's input schema as zod, closed to unknown keys as the reference makes it. A schema zod
 * cannot read (an external `$ref`) still takes any object, so the tool stays usable.
 */
export function parametersOf(tool: Tool): z.ZodType {
  type JsonSchema = z.core.JSONSchema.JSONSchema;
  const schema: JsonSchema = {
    ...(tool.inputSchema as JsonSchema),
    type: 'object',
    properties: (tool.inputSchema.properties ?? {}) as Record<string, JsonSchema>,
    additionalProperties: false,
  };
  try {
    return z.fromJSONSchema(schema);
  } catch {
    return z.record(z.string(), z.unknown());
  }
}

/**
 * The model's view of a tool result: its text parts joined (the structured content when there is
 * no text), cut to the output cap, and images, audio and binary resources as attachments.
 * Deliberate difference: a result the server flags `isError` fails the tool part with its text,
 * where the reference records it as a successful output.
 */
export function toolResult(result: CallToolResult): ToolResult {
  const texts: string[] = [];
  const attachments: ToolAttachment[] = [];
  for (const item of result.content) {
    switch (item.type) {
      case 'text':
        texts.push(item.text);
        break;
      case 'image':
      case 'audio':
        attachments.push({ mime: item.mimeType, url: dataUrl(item.mimeType, item.data) });
        break;
      case 'resource': {
        const resource = item.resource;
        if ('text' in resource) texts.push(resource.text);
        else {
          const mime = resource.mimeType ?? 'application/octet-stream';
          attachments.push({ mime, url: dataUrl(mime, resource.blob), filename: resource.uri });
        }
        break;
      }
      case 'resource_link':
        texts.push(`Resource: ${item.name} (${item.uri})`);
        break;
    }
  }
  if (texts.length === 0 && result.structuredContent) {
    texts.push(JSON.stringify(result.structuredContent));
  }
  const { text, truncated } = truncateOutput(texts.join('\n\n'));
  if (result.isError) throw new ToolExecutionError(text || 'The MCP tool reported an error');
  return {
    title: '',
    output: text,
    metadata: { truncated },
    ...(attachments.length > 0 && { attachments }),
  };
}

function dataUrl(mime: string, base64: string): string {
  return `data:${mime};base64,${base64}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
