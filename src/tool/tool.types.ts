import type { z } from 'zod';
import type { Instance } from '../core/instance/instance';
import type { PermissionRequest } from '../permission/permission.types';

/** A file a tool hands back to the model (an image read by `read`, say). */
export interface ToolAttachment {
  mime: string;
  url: string;
  filename?: string;
}

export interface ToolResult {
  title: string;
  output: string;
  metadata: Record<string, unknown>;
  attachments?: ToolAttachment[];
}

/** Everything a running tool may use: its place in the session and the means to ask and report. */
export interface ToolContext {
  instance: Instance;
  sessionID: string;
  messageID: string;
  callID: string;
  agent: string;
  /** Aborted when the turn is aborted: tools stop their work (and child processes) on it. */
  abort: AbortSignal;
  /**
   * Asks for a permission; resolves when allowed, throws a `UserRejectedError` when the user
   * rejects it (another error when a rule denies it or the user answers with instructions).
   */
  ask(request: PermissionRequest): Promise<void>;
  /** Streams progress into the running tool part (`bash` output as it comes). */
  progress(update: { title?: string; metadata?: Record<string, unknown> }): void;
}

/** A tool's input schema as JSON Schema (what is listed and sent to the model). */
export type ToolJsonSchema = Record<string, unknown>;

export interface ToolDefinition<TSchema extends z.ZodType = z.ZodType> {
  id: string;
  description: string;
  /** Validates the model's calls; its JSON Schema is what the model is told, unless `jsonSchema` is set. */
  parameters: TSchema;
  /**
   * The JSON Schema the model is told and that is listed, in place of the one of `parameters`:
   * set when a plugin's `tool.definition` hook changed it.
   */
  jsonSchema?: ToolJsonSchema;
  /**
   * Never changes a file of the worktree. A step whose tools all are read-only needs no snapshot
   * at its end (one git run less per step of a reading turn); anything else, MCP tools included,
   * is assumed to write.
   */
  readOnly?: boolean;
  /**
   * Other names a call may give a parameter (alias → parameter): the reference's `/api` tool set
   * names the file parameter `path`, so models and scripts written for it call `read {path}`.
   * Only the parameter's own name is offered to the model.
   */
  aliases?: Readonly<Record<string, string>>;
  execute(input: z.infer<TSchema>, context: ToolContext): Promise<ToolResult>;
}

/** Helper that keeps the input type of `execute` tied to the schema. */
export function defineTool<TSchema extends z.ZodType>(
  definition: ToolDefinition<TSchema>,
): ToolDefinition<TSchema> {
  return definition;
}

/** A failure the model should see as the tool's error (not a crash of the turn). */
export class ToolExecutionError extends Error {
  override readonly name = 'ToolExecutionError';
}
