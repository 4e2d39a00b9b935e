import { z } from 'zod';
import { ApiZodSchema } from '../../core/http/zod-schema';
import {
  McpLocalConfigSchema,
  McpOAuthConfigSchema,
  McpRemoteConfigSchema,
} from '../../config/config.schema';

// `POST /mcp` takes a server config as the config file's `mcp` entries are written, so its body
// is validated and documented from the config's zod schemas (`ZodBodyPipe`, `ApiZodSchema`)
// rather than from a copy of them.

/**
 * A local server as the config file has it, with a command that can run. Deliberate difference
 * (here and for the remote URL): the reference accepts an empty command (or empty words) and
 * fails when it starts the server.
 */
const McpAddLocalConfigSchema = McpLocalConfigSchema.extend({
  command: z
    .array(z.string().min(1))
    .min(1)
    .describe(McpLocalConfigSchema.shape.command.description ?? ''),
});

/** A remote server as the config file has it, with a URL (not an empty one). */
const McpAddRemoteConfigSchema = McpRemoteConfigSchema.extend({
  url: z
    .string()
    .min(1)
    .describe(McpRemoteConfigSchema.shape.url.description ?? ''),
});

/** `POST /mcp`: a server to add to the instance at runtime (inline in the reference). */
export const McpAddBodySchema = z.strictObject({
  name: z.string().min(1).describe('Name of the server; replaces a server of the same name'),
  config: z.discriminatedUnion('type', [McpAddLocalConfigSchema, McpAddRemoteConfigSchema]),
});
export type McpAddBody = z.infer<typeof McpAddBodySchema>;

/** The components the body refers to, under the reference's names. */
const MCP_COMPONENTS = new Map<z.core.$ZodType, string>([
  [McpAddLocalConfigSchema, 'McpLocalConfig'],
  [McpAddRemoteConfigSchema, 'McpRemoteConfig'],
  [McpOAuthConfigSchema, 'McpOAuthConfig'],
]);

@ApiZodSchema('McpAddInput', McpAddBodySchema, MCP_COMPONENTS)
export class McpAddInputSchema {}

@ApiZodSchema('McpLocalConfig', McpAddLocalConfigSchema, MCP_COMPONENTS)
export class McpLocalConfigSchemaDoc {}

@ApiZodSchema('McpRemoteConfig', McpAddRemoteConfigSchema, MCP_COMPONENTS)
export class McpRemoteConfigSchemaDoc {}

@ApiZodSchema('McpOAuthConfig', McpOAuthConfigSchema, MCP_COMPONENTS)
export class McpOAuthConfigSchemaDoc {}

/** The component classes, for `@ApiExtraModels`. */
export const MCP_CONFIG_MODELS = [
  McpAddInputSchema,
  McpLocalConfigSchemaDoc,
  McpRemoteConfigSchemaDoc,
  McpOAuthConfigSchemaDoc,
];
