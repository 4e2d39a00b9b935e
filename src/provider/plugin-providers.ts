import type { AuthInfo } from '../auth/auth.types';
import type { Config } from '../config/config.schema';
import { errorMessage } from '../core/errors/error-message';
import { DEFAULT_NPM, type ProviderCatalog } from './catalog/catalog-mapping';
import { providerDatabase, toModel, type PluginProviders } from './provider-registry';
import type { ModelInfo, ProviderInfo } from './provider.types';

/** An object-shaped hook (`provider` or `auth`) of one plugin, as `PluginHooks.objects` answers. */
export interface PluginObject {
  plugin: string;
  value: Record<string, unknown>;
}

/** What reading the plugins' provider hooks needs from the provider area. */
export interface PluginProviderContext {
  config: Config;
  auth: Readonly<Record<string, AuthInfo>>;
  catalog: ProviderCatalog;
  /** The stored credential of a provider at the time a loader asks for it. */
  getAuth(providerID: string): Promise<AuthInfo | undefined>;
  /** A hook that failed: its provider keeps what it had without it. */
  warn(message: string): void;
}

/**
 * Runs the plugins' `provider` hooks (`{ id, models(provider, { auth }) }`: the model list of
 * catalog provider `id`) and `auth` loaders (`loader(getAuth, provider)`, called for a provider
 * with stored credentials: options merged into the provider's), in plugin order, as the
 * reference does when it builds its provider state. Answers undefined when no plugin has either.
 *
 * Deliberate difference: in the reference a hook that throws fails the whole provider state
 * (every model call and `GET /provider` fail); here it is logged and its provider goes on
 * without what the hook would have given.
 */
export async function pluginProviders(
  providerHooks: readonly PluginObject[],
  authHooks: readonly PluginObject[],
  context: PluginProviderContext,
): Promise<PluginProviders | undefined> {
  const listers = providerHooks.filter(
    ({ value }) => typeof value.id === 'string' && typeof value.models === 'function',
  );
  const loaders = authHooks.filter(
    ({ value }) => typeof value.provider === 'string' && typeof value.loader === 'function',
  );
  if (listers.length === 0 && loaders.length === 0) return undefined;
  const { config, auth, catalog } = context;
  const disabled = new Set(config.disabled_providers ?? []);

  const models: Record<string, Record<string, ModelInfo>> = {};
  for (const { plugin, value } of listers) {
    const id = value.id as string;
    const current = catalog.providers[id];
    if (disabled.has(id) || !current) continue;
    const provider = { ...current, models: models[id] ?? current.models };
    try {
      const list = (value.models as ModelLister)(providerView(provider), { auth: auth[id] });
      models[id] = normalizeModels(provider, await list, catalog);
    } catch (error) {
      context.warn(`plugin ${plugin} failed to list the models of ${id}: ${errorMessage(error)}`);
    }
  }

  const options: Record<string, Record<string, unknown>> = {};
  const loadable = loaders.filter(({ value }) => {
    const id = value.provider as string;
    return !disabled.has(id) && auth[id] !== undefined;
  });
  const database = loadable.length > 0 ? providerDatabase(config, catalog, models) : {};
  for (const { plugin, value } of loadable) {
    const id = value.provider as string;
    if (!database[id]) continue;
    try {
      const loaded = await (value.loader as AuthLoader)(
        () => context.getAuth(id),
        providerView(database[id]),
      );
      options[id] = { ...options[id], ...(isRecord(loaded) ? loaded : {}) };
    } catch (error) {
      context.warn(
        `plugin ${plugin} failed to load the credentials of ${id}: ${errorMessage(error)}`,
      );
    }
  }
  return { models, options };
}

type ModelLister = (
  provider: ProviderInfo,
  context: { auth: AuthInfo | undefined },
) => unknown;

type AuthLoader = (
  getAuth: () => Promise<AuthInfo | undefined>,
  provider: ProviderInfo,
) => unknown;

/** A copy for the plugin: what it changes does not reach the shared catalog. */
function providerView(provider: ProviderInfo): ProviderInfo {
  return structuredClone(provider);
}

/**
 * The hook's answer as the registry's models: each keyed entry with its key as `id` and the
 * provider's id, as the reference; fields a plugin left out filled as for a config model (on
 * top of the catalog model of the same id), so that a partial entry still lists and calls.
 */
function normalizeModels(
  provider: ProviderInfo,
  answered: unknown,
  catalog: ProviderCatalog,
): Record<string, ModelInfo> {
  if (!isRecord(answered)) throw new Error('models() must answer an object of models by id');
  const defaults = {
    npm: catalog.source[provider.id]?.npm ?? DEFAULT_NPM,
    api: catalog.source[provider.id]?.api ?? '',
  };
  const result: Record<string, ModelInfo> = {};
  for (const [id, entry] of Object.entries(answered)) {
    if (!isRecord(entry)) continue;
    const base = toModel(provider.id, id, {}, provider.models[id], defaults);
    result[id] = { ...base, ...(entry as Partial<ModelInfo>), id, providerID: provider.id };
  }
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
