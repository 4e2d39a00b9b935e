import { z } from 'zod';

/**
 * The config file schema, as the reference's `Config` component (and its `AgentConfig`,
 * `ProviderConfig`, `PermissionConfig`, `McpLocalConfig`, ... components). One schema validates
 * config files, `OPENCODE_CONFIG_CONTENT` and `PATCH /config` bodies, types the merged config, and
 * documents the `Config` component in /doc (see `dto/config.dto.ts`).
 *
 * Objects the reference closes (`additionalProperties: false`) are strict here, so a misspelt key
 * is reported with its file and line instead of being silently ignored.
 */

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().min(0);

export const PermissionActionSchema = z.enum(['ask', 'allow', 'deny']);
export type PermissionActionConfig = z.infer<typeof PermissionActionSchema>;

/** `"ask"` for a whole permission, or `{ pattern: action }` (`bash: { "git *": "allow" }`). */
export const PermissionRuleConfigSchema = z.union([
  PermissionActionSchema,
  z.record(z.string(), PermissionActionSchema),
]);
export type PermissionRuleConfig = z.infer<typeof PermissionRuleConfigSchema>;

export const PermissionConfigSchema = z.union([
  PermissionActionSchema,
  z
    .object({
      read: PermissionRuleConfigSchema.optional(),
      edit: PermissionRuleConfigSchema.optional(),
      glob: PermissionRuleConfigSchema.optional(),
      grep: PermissionRuleConfigSchema.optional(),
      list: PermissionRuleConfigSchema.optional(),
      bash: PermissionRuleConfigSchema.optional(),
      task: PermissionRuleConfigSchema.optional(),
      external_directory: PermissionRuleConfigSchema.optional(),
      todowrite: PermissionActionSchema.optional(),
      question: PermissionActionSchema.optional(),
      webfetch: PermissionActionSchema.optional(),
      websearch: PermissionActionSchema.optional(),
      lsp: PermissionRuleConfigSchema.optional(),
      doom_loop: PermissionActionSchema.optional(),
      skill: PermissionRuleConfigSchema.optional(),
    })
    .catchall(PermissionRuleConfigSchema),
]);
export type PermissionConfig = z.infer<typeof PermissionConfigSchema>;

export const AGENT_MODES = ['subagent', 'primary', 'all'] as const;
export type AgentMode = (typeof AGENT_MODES)[number];

const THEME_COLORS = ['primary', 'secondary', 'accent', 'success', 'warning', 'error', 'info'];

/** An agent as configured (`agent.<name>` or an agent markdown file's front matter). */
export const AgentConfigSchema = z
  .object({
    model: z.string().optional(),
    variant: z.string().optional(),
    temperature: z.number().optional(),
    top_p: z.number().optional(),
    prompt: z.string().optional(),
    /** Legacy per-tool switches; turned into `permission` rules by the agent service. */
    tools: z.record(z.string(), z.boolean()).optional(),
    disable: z.boolean().optional(),
    description: z.string().optional(),
    mode: z.enum(AGENT_MODES).optional(),
    hidden: z.boolean().optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    color: z
      .union([z.string().regex(/^#[0-9a-fA-F]{6}$/), z.enum(THEME_COLORS)])
      .optional()
      .describe('Hex color code (e.g., #FF5733) or theme color (e.g., primary)'),
    steps: positiveInt.optional(),
    /** Legacy name of `steps`. */
    maxSteps: positiveInt.optional(),
    permission: PermissionConfigSchema.optional(),
  })
  // The reference keeps unknown keys and hands them to the model as provider options.
  .catchall(z.unknown());
export type AgentConfig = z.infer<typeof AgentConfigSchema>;

const timeoutSchema = (description: string) =>
  z
    .union([positiveInt, z.literal(false)])
    .optional()
    .describe(description);

const MODALITIES = ['text', 'audio', 'image', 'video', 'pdf'] as const;
export type Modality = (typeof MODALITIES)[number];

const INTERLEAVED_FIELDS = ['reasoning', 'reasoning_content', 'reasoning_text'] as const;

const costSchema = z.strictObject({
  input: z.number(),
  output: z.number(),
  cache_read: z.number().optional(),
  cache_write: z.number().optional(),
});

/**
 * A model as models.dev (and the bundled catalog) describes it; the config's `provider.<id>.models`
 * entries use the same shape, each field optional, to add or override models.
 */
export const ModelConfigSchema = z.strictObject({
  id: z.string().optional(),
  name: z.string().optional(),
  family: z.string().optional(),
  release_date: z.string().optional(),
  attachment: z.boolean().optional(),
  reasoning: z.boolean().optional(),
  temperature: z.boolean().optional(),
  tool_call: z.boolean().optional(),
  interleaved: z
    .union([
      z.boolean(),
      z.string(),
      z.strictObject({ field: z.union([z.enum(INTERLEAVED_FIELDS), z.string()]) }),
    ])
    .optional(),
  cost: costSchema.extend({ context_over_200k: costSchema.optional() }).optional(),
  limit: z
    .strictObject({ context: z.number(), input: z.number().optional(), output: z.number() })
    .optional(),
  modalities: z
    .strictObject({
      input: z.array(z.enum(MODALITIES)).optional(),
      output: z.array(z.enum(MODALITIES)).optional(),
    })
    .optional(),
  experimental: z.boolean().optional(),
  status: z.enum(['alpha', 'beta', 'deprecated', 'active']).optional(),
  provider: z.strictObject({ npm: z.string().optional(), api: z.string().optional() }).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  variants: z
    .record(z.string(), z.object({ disabled: z.boolean().optional() }).catchall(z.unknown()))
    .optional()
    .describe('Variant-specific configuration'),
});
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

/** A provider as configured: adds a provider (custom endpoints) or overrides a catalog one. */
export const ProviderConfigSchema = z.strictObject({
  api: z.string().optional(),
  name: z.string().optional(),
  env: z.array(z.string()).optional(),
  id: z.string().optional(),
  npm: z.string().optional(),
  whitelist: z.array(z.string()).optional(),
  blacklist: z.array(z.string()).optional(),
  options: z
    .object({
      apiKey: z.string().optional(),
      baseURL: z.string().optional(),
      enterpriseUrl: z.string().optional(),
      setCacheKey: z.boolean().optional(),
      timeout: timeoutSchema(
        'Timeout in milliseconds for full requests to this provider. Set to false to disable timeout.',
      ),
      headerTimeout: timeoutSchema(
        'Timeout in milliseconds to wait for response headers (default: 300000). Set to false to disable timeout.',
      ),
      chunkTimeout: timeoutSchema(
        'Timeout in milliseconds between streamed SSE chunks for this provider (default: 300000). If no chunk arrives within this window, the request is aborted. Set to false to disable timeout.',
      ),
    })
    .catchall(z.unknown())
    .optional(),
  models: z.record(z.string(), ModelConfigSchema).optional(),
});
export type ProviderConfig = z.infer<typeof ProviderConfigSchema>;

export const CommandConfigSchema = z.strictObject({
  template: z.string(),
  description: z.string().optional(),
  agent: z.string().optional(),
  model: z.string().optional(),
  variant: z.string().optional(),
  subtask: z.boolean().optional(),
});
export type CommandConfig = z.infer<typeof CommandConfigSchema>;

const mcpTimeout = positiveInt
  .optional()
  .describe('Connection timeout in milliseconds (30000 when not given)');

export const McpLocalConfigSchema = z.strictObject({
  type: z.literal('local').describe('Type of MCP server connection'),
  command: z.array(z.string()).describe('Command and arguments to run the MCP server'),
  cwd: z.string().optional().describe('Working directory; relative to the project directory'),
  environment: z.record(z.string(), z.string()).optional(),
  enabled: z.boolean().optional(),
  timeout: mcpTimeout,
});

export const McpOAuthConfigSchema = z.strictObject({
  clientId: z.string().optional(),
  clientSecret: z.string().optional(),
  scope: z.string().optional(),
  callbackPort: z.number().int().min(1).max(65535).optional(),
  redirectUri: z.string().optional(),
});

export const McpRemoteConfigSchema = z.strictObject({
  type: z.literal('remote').describe('Type of MCP server connection'),
  url: z.string().describe('URL of the remote MCP server'),
  enabled: z.boolean().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  oauth: z
    .union([McpOAuthConfigSchema, z.literal(false)])
    .optional()
    .describe(
      'OAuth authentication configuration for the MCP server. Set to false to disable OAuth auto-detection.',
    ),
  timeout: mcpTimeout,
});

export const McpConfigSchema = z.union([
  McpLocalConfigSchema,
  McpRemoteConfigSchema,
  z.strictObject({ enabled: z.boolean() }),
]);
export type McpConfig = z.infer<typeof McpConfigSchema>;

const referenceSchema = z.union([
  z.string(),
  z.strictObject({
    repository: z.string(),
    branch: z.string().optional(),
    description: z.string().optional(),
    hidden: z.boolean().optional(),
  }),
  z.strictObject({
    path: z.string(),
    description: z.string().optional(),
    hidden: z.boolean().optional(),
  }),
]);

const lspServerSchema = z.union([
  z.strictObject({ disabled: z.literal(true) }),
  z.strictObject({
    command: z.array(z.string()),
    extensions: z.array(z.string()).optional(),
    disabled: z.boolean().optional(),
    env: z.record(z.string(), z.string()).optional(),
    initialization: z.record(z.string(), z.unknown()).optional(),
  }),
]);

export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  shell: z.string().optional(),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).optional().describe('Log level'),
  server: z
    .strictObject({
      port: positiveInt.optional(),
      hostname: z.string().optional(),
      mdns: z.boolean().optional(),
      mdnsDomain: z.string().optional(),
      cors: z.array(z.string()).optional(),
    })
    .optional()
    .describe('Server configuration for opencode serve and web commands'),
  command: z.record(z.string(), CommandConfigSchema).optional(),
  skills: z
    .strictObject({
      paths: z.array(z.string()).optional(),
      urls: z.array(z.string()).optional(),
    })
    .optional(),
  references: z.record(z.string(), referenceSchema).optional(),
  reference: z.record(z.string(), referenceSchema).optional(),
  watcher: z.strictObject({ ignore: z.array(z.string()).optional() }).optional(),
  snapshot: z.boolean().optional(),
  plugin: z
    .array(z.union([z.string(), z.tuple([z.string(), z.record(z.string(), z.unknown())])]))
    .optional(),
  share: z.enum(['manual', 'auto', 'disabled']).optional(),
  autoshare: z.boolean().optional(),
  autoupdate: z
    .union([z.boolean(), z.literal('notify')])
    .optional()
    .describe(
      "Automatically update to the latest version. Set to true to auto-update, false to disable, or 'notify' to show update notifications",
    ),
  disabled_providers: z.array(z.string()).optional(),
  enabled_providers: z.array(z.string()).optional(),
  model: z.string().optional(),
  small_model: z.string().optional(),
  default_agent: z.string().optional(),
  subagent_depth: nonNegativeInt.optional(),
  username: z.string().optional(),
  mode: z.record(z.string(), AgentConfigSchema).optional(),
  agent: z.record(z.string(), AgentConfigSchema).optional(),
  provider: z.record(z.string(), ProviderConfigSchema).optional(),
  mcp: z.record(z.string(), McpConfigSchema).optional(),
  formatter: z
    .union([
      z.boolean(),
      z.record(
        z.string(),
        z.strictObject({
          disabled: z.boolean().optional(),
          command: z.array(z.string()).optional(),
          environment: z.record(z.string(), z.string()).optional(),
          extensions: z.array(z.string()).optional(),
        }),
      ),
    ])
    .optional()
    .describe(
      'Enable or configure formatters. Omit or set to false to disable, true to enable built-ins, or an object to enable built-ins with overrides.',
    ),
  lsp: z
    .union([z.boolean(), z.record(z.string(), lspServerSchema)])
    .optional()
    .describe(
      'Enable or configure LSP servers. Omit or set to false to disable, true to enable built-ins, or an object to enable built-ins with overrides.',
    ),
  instructions: z.array(z.string()).optional(),
  layout: z
    .enum(['auto', 'stretch'])
    .optional()
    .describe('@deprecated Always uses stretch layout.'),
  permission: PermissionConfigSchema.optional(),
  tools: z.record(z.string(), z.boolean()).optional(),
  attachment: z
    .strictObject({
      image: z
        .strictObject({
          auto_resize: z.boolean().optional(),
          max_width: positiveInt.optional(),
          max_height: positiveInt.optional(),
          max_base64_bytes: positiveInt.optional(),
        })
        .optional(),
    })
    .optional(),
  enterprise: z.strictObject({ url: z.string().optional() }).optional(),
  tool_output: z
    .strictObject({ max_lines: positiveInt.optional(), max_bytes: positiveInt.optional() })
    .optional(),
  compaction: z
    .strictObject({
      auto: z.boolean().optional(),
      prune: z.boolean().optional(),
      tail_turns: nonNegativeInt.optional(),
      preserve_recent_tokens: nonNegativeInt.optional(),
      reserved: nonNegativeInt.optional(),
    })
    .optional(),
  experimental: z
    .strictObject({
      disable_paste_summary: z.boolean().optional(),
      batch_tool: z.boolean().optional(),
      openTelemetry: z.boolean().optional(),
      primary_tools: z.array(z.string()).optional(),
      continue_loop_on_deny: z.boolean().optional(),
      mcp_timeout: positiveInt.optional(),
      policies: z
        .array(
          z.strictObject({
            action: z.literal('provider.use'),
            effect: z.enum(['allow', 'deny']),
            resource: z.string(),
          }),
        )
        .optional(),
    })
    .optional(),
});

/** One config layer (a file, `OPENCODE_CONFIG_CONTENT`, a `PATCH /config` body). */
export type ConfigInput = z.infer<typeof ConfigSchema>;

/**
 * The merged config every area reads. The keys the reference always fills are present
 * (`agent`, `mode`, `command`, `plugin`, `username`), the rest as configured.
 */
export type Config = ConfigInput & {
  agent: Record<string, AgentConfig>;
  mode: Record<string, AgentConfig>;
  command: Record<string, CommandConfig>;
  plugin: NonNullable<ConfigInput['plugin']>;
  username: string;
};
