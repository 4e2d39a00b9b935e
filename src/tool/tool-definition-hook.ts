import { z } from 'zod';
import type { Instance } from '../core/instance/instance';
import type { PluginHooks } from '../core/plugin/plugin-hooks';
import type { ToolDefinition, ToolJsonSchema } from './tool.types';

/** What plugins' `tool.definition` hooks get to change for one tool. */
interface DefinitionOutput {
  description: unknown;
  /** The tool's JSON Schema, to change in place or replace (a JSON Schema or a zod schema). */
  parameters: unknown;
  /**
   * The same object as `parameters`: 1.18.33 passes the schema it sends as `jsonSchema`, and
   * plugins written for it replace that one.
   */
  jsonSchema: unknown;
}

/**
 * The tools as plugins' `tool.definition` hooks leave them, for the model and for
 * `GET /experimental/tool`: each hook gets `{ toolID }` and `{ description, parameters }` (with
 * `jsonSchema`, as 1.18.33) and changes it in place. A new description is what is listed and sent.
 *
 * A changed schema (edited in place, or replaced through `parameters` or `jsonSchema`) is what is
 * listed and what the model receives, exactly as the hook left it. The model is then told that
 * schema, so a call is checked against it (as a zod schema built from it) rather than the tool's
 * own: a call that follows what the model was told is not refused. Custom tools still check their
 * own `args` inside `execute`; built-ins get what the changed schema lets through. With the schema
 * unchanged, calls are validated with the tool's own zod schema (its defaults and coercions).
 *
 * A hook that throws fails the whole listing or turn setup with a `PluginHookError`, as any hook
 * of a step fails that step.
 */
export async function applyDefinitionHooks(
  plugins: PluginHooks,
  instance: Instance,
  tools: ToolDefinition[],
): Promise<ToolDefinition[]> {
  if (!(await plugins.has(instance, 'tool.definition'))) return tools;
  const defined: ToolDefinition[] = [];
  // One tool after the other: plugins may keep state between the calls of their hook.
  for (const tool of tools) defined.push(await defineTool(plugins, instance, tool));
  return defined;
}

async function defineTool(
  plugins: PluginHooks,
  instance: Instance,
  tool: ToolDefinition,
): Promise<ToolDefinition> {
  // Compared as JSON, which is all a JSON Schema is (zod's objects are not plain ones).
  const original = JSON.stringify(toolJsonSchema(tool));
  const parameters = JSON.parse(original) as ToolJsonSchema;
  const output: DefinitionOutput = {
    description: tool.description,
    parameters,
    jsonSchema: parameters,
  };
  await plugins.trigger(instance, 'tool.definition', { toolID: tool.id }, output);
  const description =
    typeof output.description === 'string' ? output.description : tool.description;
  const schema = changedSchema(output, parameters, original);
  if (description === tool.description && !schema) return tool;
  return {
    ...tool,
    description,
    ...(schema && { jsonSchema: schema, parameters: validatorOf(schema) }),
  };
}

/** The JSON Schema a tool is listed and sent with. */
export function toolJsonSchema(tool: ToolDefinition): ToolJsonSchema {
  return tool.jsonSchema ?? z.toJSONSchema(tool.parameters, { io: 'input' });
}

/** The schema the hooks left, when they changed it; something that is no schema is ignored. */
function changedSchema(
  output: DefinitionOutput,
  given: ToolJsonSchema,
  original: string,
): ToolJsonSchema | undefined {
  const replaced = output.jsonSchema !== given ? output.jsonSchema : output.parameters;
  if (replaced !== given) {
    if (isZodSchema(replaced)) return z.toJSONSchema(replaced, { io: 'input' });
    return isRecord(replaced) ? replaced : undefined;
  }
  return JSON.stringify(given) === original ? undefined : given;
}

function validatorOf(schema: ToolJsonSchema): z.ZodType {
  try {
    return z.fromJSONSchema(schema);
  } catch {
    // A schema zod cannot read (an external `$ref`): the tool takes any object, as sent.
    return z.record(z.string(), z.unknown());
  }
}

function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

function isRecord(value: unknown): value is ToolJsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
