import type { AuthInfo, OAuthInfo } from '../auth/auth.types';
import type { Config, ModelConfig, ProviderConfig } from '../config/config.schema';
import { DEFAULT_NPM, ProviderCatalog } from './catalog/catalog-mapping';
import { OAUTH_LOGIN_PROVIDERS } from './oauth/oauth-methods';
import { connectsWithoutKey, environmentKey, hasEnvironmentVariable } from './provider-credentials';
import { loaderModels, OPENCODE_PUBLIC_KEY } from './provider-loaders';
import type { ModalitySet, ModelInfo, ProviderInfo, ProviderSource } from './provider.types';

/** What a connected provider authenticates with; kept out of `ProviderInfo` on purpose. */
export type ProviderCredential =
  /**
   * `metadata`: what a login stored with the key (Azure's `resourceName`, an account id);
   * `anonymous`: a key that is no one's (OpenCode Zen's `public`, for its free models).
   */
  | {
      type: 'key';
      apiKey: string;
      metadata?: Readonly<Record<string, string>>;
      anonymous?: boolean;
    }
  | { type: 'oauth'; auth: OAuthInfo }
  /** No key: none is needed, or the provider's own credential source applies (AWS, Vertex). */
  | { type: 'none' };

/** Every provider the server knows for one config and one set of credentials. */
export interface ProviderRegistry {
  /** Catalog and config providers (enabled/disabled applied), for `GET /provider`. */
  all: Record<string, ProviderInfo>;
  /** The usable ones, with their models filtered as the reference filters them. */
  connected: Record<string, ProviderInfo>;
  credentials: ReadonlyMap<string, ProviderCredential>;
}

export { DEFAULT_NPM } from './catalog/catalog-mapping';

/**
 * What the instance's plugins change in the registry: the model lists their `provider` hooks
 * answered (catalog providers only, as the reference), and the options their `auth` loaders
 * answered for providers with stored credentials (which connects those providers).
 */
export interface PluginProviders {
  models: Readonly<Record<string, Record<string, ModelInfo>>>;
  options: Readonly<Record<string, Record<string, unknown>>>;
}

const NO_PLUGINS: PluginProviders = { models: {}, options: {} };

/**
 * Builds the provider registry, as the reference does: the models.dev catalog (see
 * `ModelsDevService`), overlaid with the config's `provider` section (which may add providers,
 * e.g. a local OpenAI-compatible server), then
 * connected by credentials, in increasing precedence: environment variables (as the catalog or
 * config `env` names them), stored credentials (`auth.json`, over which an `/api` credential
 * wins: see `ProviderCredentials`), config `options.apiKey`.
 *
 * A provider is connected when it has credentials, or when the config defines it entirely
 * (a custom endpoint such as Ollama needs no key). A catalog provider only tuned in config is
 * not connected without a key (the reference connects every provider the config mentions).
 */
export function buildProviderRegistry(
  config: Config,
  auth: Readonly<Record<string, AuthInfo>>,
  variables: Readonly<Record<string, string | undefined>>,
  catalog: ProviderCatalog,
  plugins: PluginProviders = NO_PLUGINS,
): ProviderRegistry {
  const configured = config.provider ?? {};
  const database = providerDatabase(config, catalog, plugins.models);
  const allowed = providerFilter(config);
  const all: Record<string, ProviderInfo> = {};
  const connected: Record<string, ProviderInfo> = {};
  const credentials = new Map<string, ProviderCredential>();
  for (const provider of Object.values(database)) {
    if (!allowed(provider.id)) continue;
    all[provider.id] = provider;
    const providerConfig = configured[provider.id];
    const loaded = plugins.options[provider.id];
    const connection = loaded
      ? connectByPlugin(provider, providerConfig, auth[provider.id], loaded)
      : connect(provider, providerConfig, auth[provider.id], variables, catalog);
    if (!connection) continue;
    const options = connection.options ?? provider.options;
    const usable = filterModels(
      loaderModels({ ...provider, options, source: connection.source }, connection.credential),
      providerConfig,
    );
    if (Object.keys(usable.models).length === 0) continue;
    connected[provider.id] = usable;
    all[provider.id] = usable;
    credentials.set(provider.id, connection.credential);
  }
  return { all, connected, credentials };
}

/**
 * The catalog, its providers' model lists replaced by the plugins' `provider` hooks, overlaid
 * with the config's `provider` section: every provider the server could know, before
 * filtering and credentials.
 */
export function providerDatabase(
  config: Config,
  catalog: ProviderCatalog,
  pluginModels: PluginProviders['models'] = {},
): Record<string, ProviderInfo> {
  // Catalog providers are shared by every registry built from the same catalog (never mutated):
  // mapping its thousands of models once is what keeps a rebuild after a config edit cheap.
  const database: Record<string, ProviderInfo> = { ...catalog.providers };
  for (const [id, models] of Object.entries(pluginModels)) {
    if (database[id]) database[id] = { ...database[id], models };
  }
  for (const [id, providerConfig] of Object.entries(config.provider ?? {})) {
    database[id] = applyProviderConfig(id, database[id], providerConfig, catalog.source[id]);
  }
  return database;
}

/**
 * A provider a plugin's auth loader answered options for (it has stored credentials): connected
 * as `custom` (or `config`), with the loader's options under the config's own, as the reference
 * merges them. An `apiKey` the loader answers is the credential (and stays out of the options,
 * hence out of responses); otherwise the stored key, or the stored tokens for the loader's
 * `fetch` to use.
 */
function connectByPlugin(
  provider: ProviderInfo,
  providerConfig: ProviderConfig | undefined,
  stored: AuthInfo | undefined,
  loaded: Record<string, unknown>,
): { source: ProviderSource; credential: ProviderCredential; options: Record<string, unknown> } {
  const { apiKey: loadedKey, ...loadedOptions } = loaded;
  const configKey = providerConfig?.options?.apiKey;
  const apiKey = configKey || (typeof loadedKey === 'string' ? loadedKey : undefined);
  const credential: ProviderCredential = apiKey
    ? { type: 'key', apiKey }
    : stored?.type === 'api'
      ? { type: 'key', apiKey: stored.key, ...(stored.metadata && { metadata: stored.metadata }) }
      : stored?.type === 'oauth'
        ? { type: 'oauth', auth: stored }
        : { type: 'none' };
  const headers = {
    ...recordOf(loadedOptions.headers),
    ...recordOf(provider.options.headers),
  };
  return {
    source: providerConfig ? 'config' : 'custom',
    credential,
    options: {
      ...loadedOptions,
      ...provider.options,
      ...(Object.keys(headers).length > 0 && { headers }),
    },
  };
}

function recordOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function connect(
  provider: ProviderInfo,
  providerConfig: ProviderConfig | undefined,
  stored: AuthInfo | undefined,
  variables: Readonly<Record<string, string | undefined>>,
  catalog: ProviderCatalog,
):
  | { source: ProviderSource; credential: ProviderCredential; options?: Record<string, unknown> }
  | undefined {
  const configKey = providerConfig?.options?.apiKey;
  if (configKey) return { source: 'config', credential: { type: 'key', apiKey: configKey } };
  const source: ProviderSource = providerConfig ? 'config' : 'api';
  if (stored?.type === 'api') {
    const metadata = stored.metadata && { metadata: stored.metadata };
    return { source, credential: { type: 'key', apiKey: stored.key, ...metadata } };
  }
  // OAuth tokens count only where the server knows how to call the provider with them; the
  // reference connects them through its plugins' loaders, hence `custom`.
  if (stored?.type === 'oauth' && OAUTH_LOGIN_PROVIDERS.has(provider.id)) {
    return {
      source: providerConfig ? 'config' : 'custom',
      credential: { type: 'oauth', auth: stored },
    };
  }
  const envKey = environmentKey(provider, variables);
  if (envKey) {
    return {
      source: providerConfig ? 'config' : 'env',
      credential: { type: 'key', apiKey: envKey },
    };
  }
  if (providerConfig && !catalog.source[provider.id]) {
    return { source: 'config', credential: { type: 'none' } };
  }
  // Cloud credential chains and local servers, as the reference's custom loaders (`autoload`).
  if (connectsWithoutKey(provider, variables, providerConfig !== undefined)) {
    const fromEnv = hasEnvironmentVariable(provider, variables) ? 'env' : 'custom';
    return { source: providerConfig ? 'config' : fromEnv, credential: { type: 'none' } };
  }
  // OpenCode Zen serves its free models to anyone, as the reference's `opencode` loader.
  if (provider.id === 'opencode') {
    return {
      source: providerConfig ? 'config' : 'custom',
      credential: { type: 'key', apiKey: OPENCODE_PUBLIC_KEY, anonymous: true },
    };
  }
  return undefined;
}

function providerFilter(config: Config): (id: string) => boolean {
  const enabled = config.enabled_providers ? new Set(config.enabled_providers) : undefined;
  const disabled = new Set(config.disabled_providers ?? []);
  return (id) => (enabled ? enabled.has(id) : true) && !disabled.has(id);
}

/** Drops the models the reference hides: alpha and deprecated ones, and the config's lists. */
function filterModels(
  provider: ProviderInfo,
  providerConfig: ProviderConfig | undefined,
): ProviderInfo {
  const models: Record<string, ModelInfo> = {};
  for (const [id, model] of Object.entries(provider.models)) {
    if (model.status === 'alpha' || model.status === 'deprecated') continue;
    if (providerConfig?.blacklist?.includes(id)) continue;
    if (providerConfig?.whitelist && !providerConfig.whitelist.includes(id)) continue;
    models[id] = model;
  }
  return { ...provider, models };
}

function applyProviderConfig(
  id: string,
  existing: ProviderInfo | undefined,
  providerConfig: ProviderConfig,
  catalog: ProviderCatalog['source'][string] | undefined,
): ProviderInfo {
  const { apiKey: _apiKey, ...options } = providerConfig.options ?? {};
  const defaults = {
    npm: providerConfig.npm ?? catalog?.npm ?? DEFAULT_NPM,
    api: providerConfig.api ?? stringOption(options.baseURL) ?? catalog?.api ?? '',
  };
  const models: Record<string, ModelInfo> = { ...existing?.models };
  for (const [modelID, model] of Object.entries(providerConfig.models ?? {})) {
    models[modelID] = toModel(id, modelID, model, models[modelID], defaults, {
      npm: providerConfig.npm,
      api: providerConfig.api,
    });
  }
  return {
    id,
    name: providerConfig.name ?? existing?.name ?? id,
    source: 'config',
    env: providerConfig.env ?? existing?.env ?? [],
    options: { ...existing?.options, ...options },
    models,
  };
}

function stringOption(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/**
 * A models.dev-shaped entry (catalog or config) onto the reference's `Model`, on top of `base`
 * (the catalog model a config entry overrides). Defaults as the reference's.
 */
export function toModel(
  providerID: string,
  modelID: string,
  entry: ModelConfig,
  base: ModelInfo | undefined,
  defaults: { npm: string; api: string },
  overrides: { npm?: string; api?: string } = {},
): ModelInfo {
  const capabilities = base?.capabilities;
  const cost = base?.cost;
  const over = entry.cost?.context_over_200k;
  const experimentalOver200K = over
    ? {
        input: over.input,
        output: over.output,
        cache: { read: over.cache_read ?? 0, write: over.cache_write ?? 0 },
      }
    : cost?.experimentalOver200K;
  const variants = Object.fromEntries(
    Object.entries({ ...base?.variants, ...entry.variants }).filter(
      ([, variant]) => (variant as { disabled?: boolean }).disabled !== true,
    ),
  );
  return {
    id: modelID,
    providerID,
    api: {
      id: entry.id ?? base?.api.id ?? modelID,
      url: entry.provider?.api ?? overrides.api ?? base?.api.url ?? defaults.api,
      npm: entry.provider?.npm ?? overrides.npm ?? base?.api.npm ?? defaults.npm,
    },
    name: entry.name ?? base?.name ?? modelID,
    ...((entry.family ?? base?.family) && { family: entry.family ?? base?.family }),
    capabilities: {
      temperature: entry.temperature ?? capabilities?.temperature ?? false,
      reasoning: entry.reasoning ?? capabilities?.reasoning ?? false,
      attachment: entry.attachment ?? capabilities?.attachment ?? false,
      toolcall: entry.tool_call ?? capabilities?.toolcall ?? true,
      input: modalities(entry.modalities?.input, capabilities?.input, true),
      output: modalities(entry.modalities?.output, capabilities?.output, true),
      interleaved: interleaved(entry.interleaved) ?? capabilities?.interleaved ?? false,
    },
    cost: {
      input: entry.cost?.input ?? cost?.input ?? 0,
      output: entry.cost?.output ?? cost?.output ?? 0,
      cache: {
        read: entry.cost?.cache_read ?? cost?.cache.read ?? 0,
        write: entry.cost?.cache_write ?? cost?.cache.write ?? 0,
      },
      ...(experimentalOver200K && { experimentalOver200K }),
    },
    limit: {
      context: entry.limit?.context ?? base?.limit.context ?? 0,
      ...((entry.limit?.input ?? base?.limit.input) !== undefined && {
        input: entry.limit?.input ?? base?.limit.input,
      }),
      output: entry.limit?.output ?? base?.limit.output ?? 0,
    },
    status: entry.status ?? base?.status ?? 'active',
    options: { ...base?.options, ...entry.options },
    headers: { ...base?.headers, ...entry.headers },
    release_date: entry.release_date ?? base?.release_date ?? '',
    ...(Object.keys(variants).length > 0 && { variants }),
  };
}

function modalities(
  listed: readonly string[] | undefined,
  base: ModalitySet | undefined,
  textDefault: boolean,
): ModalitySet {
  if (listed) {
    return {
      text: listed.includes('text'),
      audio: listed.includes('audio'),
      image: listed.includes('image'),
      video: listed.includes('video'),
      pdf: listed.includes('pdf'),
    };
  }
  return base ?? { text: textDefault, audio: false, image: false, video: false, pdf: false };
}

function interleaved(
  value: ModelConfig['interleaved'],
): ModelInfo['capabilities']['interleaved'] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return { field: value };
  return value;
}
