import type { LanguageModelV3 } from '@ai-sdk/provider';
import { Injectable, Logger } from '@nestjs/common';
import type { AuthInfo } from '../auth/auth.types';
import { ConfigService } from '../config/config.service';
import type { Config } from '../config/config.schema';
import { AppEnvironment } from '../core/config/app-environment';
import type { Instance } from '../core/instance/instance';
import { NpmInstaller } from '../core/npm/npm-installer';
import { PluginHooks } from '../core/plugin/plugin-hooks';
import type { ProviderCatalog } from './catalog/catalog-mapping';
import { ModelsDevService } from './catalog/models-dev.service';
import { defaultModelOf, smallModelOf } from './model-ranking';
import { ProviderAuthService } from './oauth/provider-auth.service';
import { NoProviderConnectedError, ProviderModelNotFoundError } from './provider.errors';
import { pluginProviders } from './plugin-providers';
import { ProviderCredentials } from './provider-credentials.service';
import { buildProviderRegistry, ProviderRegistry } from './provider-registry';
import { ModelRef, parseModelRef, ProviderInfo, ResolvedModel } from './provider.types';
import { createLanguageModel, type ModelContext } from './sdk';
import { suggestIds } from './suggest';

const REGISTRY_STATE = Symbol('provider-registry');
/** Refresh OAuth access tokens this long before they expire. */
const TOKEN_REFRESH_MARGIN_MS = 60_000;

interface RegistryState {
  config?: Config;
  auth?: Readonly<Record<string, AuthInfo>>;
  catalog?: ProviderCatalog;
  registry?: ProviderRegistry;
  /** `GET /provider` serialised, for this registry: 5 MB of JSON with the whole catalog. */
  listingJson?: string;
  /** AI SDK models by `provider/model`, rebuilt with the registry. */
  languages: Map<string, LanguageModelV3>;
  /** The rebuild in progress (plugins' provider hooks are awaited), shared by concurrent callers. */
  building?: RegistryInputs & { done: Promise<void> };
}

/** What a registry is built from: a change of any of them (by identity) rebuilds it. */
interface RegistryInputs {
  config: Config;
  auth: Readonly<Record<string, AuthInfo>>;
  catalog: ProviderCatalog;
}

/** `GET /provider`, as the reference: every provider, the default model of each, the connected. */
export interface ProviderListing {
  all: ProviderInfo[];
  default: Record<string, string>;
  connected: string[];
}

/** `GET /config/providers`: the connected providers and their default models. */
export interface ConfiguredProviders {
  providers: ProviderInfo[];
  default: Record<string, string>;
}

/**
 * Providers and models: the bundled catalog, overlaid by the config's `provider` section and
 * connected by credentials (see `buildProviderRegistry`), and AI SDK model instances to call them.
 * The registry is cached per instance and rebuilt when the config, the stored credentials
 * (`auth.json` and the `/api` credentials, see `ProviderCredentials`) or the catalog (after a
 * models.dev refresh) changes.
 */
@Injectable()
export class ProviderService {
  private readonly logger = new Logger('Provider');

  constructor(
    private readonly config: ConfigService,
    private readonly auth: ProviderCredentials,
    private readonly oauth: ProviderAuthService,
    private readonly env: AppEnvironment,
    private readonly models: ModelsDevService,
    private readonly installer: NpmInstaller,
    private readonly plugins: PluginHooks,
  ) {}

  /** The connected providers by id, models filtered (the reference's `Provider.list()`). */
  async list(instance: Instance): Promise<Record<string, ProviderInfo>> {
    return (await this.state(instance)).registry.connected;
  }

  /** Every known provider (connected ones with their filtered models) for `GET /provider`. */
  async listing(instance: Instance): Promise<ProviderListing> {
    const { registry, config } = await this.state(instance);
    return listingOf(registry, config);
  }

  /**
   * `listing` as the JSON text of the response, serialised once per registry: the answer
   * changes only with the config, the credentials or the catalog, and serialising the whole
   * catalog takes longer than everything else the request does.
   */
  async listingJson(instance: Instance): Promise<string> {
    const state = await this.state(instance);
    state.listingJson ??= JSON.stringify(listingOf(state.registry, state.config));
    return state.listingJson;
  }

  /** The connected providers and their default models, for `GET /config/providers`. */
  async configured(instance: Instance): Promise<ConfiguredProviders> {
    const [{ registry }, config] = await Promise.all([
      this.state(instance),
      this.config.get(instance),
    ]);
    const providers = Object.values(registry.connected);
    return { providers: providers.map(publicView), default: defaults(providers, config) };
  }

  /**
   * A model ready to call: its provider, its `Model` (costs, limits, capabilities) and the AI SDK
   * instance. Unknown, unconnected or filtered-out pairs throw `ProviderModelNotFoundError`
   * (400) with close ids as suggestions.
   */
  async getModel(instance: Instance, providerID: string, modelID: string): Promise<ResolvedModel> {
    const state = await this.state(instance);
    const { registry } = state;
    const provider = registry.connected[providerID];
    if (!provider) {
      const message = registry.all[providerID]
        ? `Provider ${providerID} is not connected: set its API key (${registry.all[providerID].env.join(', ') || 'PUT /auth/' + providerID}) or configure it`
        : `Provider not found: ${providerID}`;
      throw new ProviderModelNotFoundError(
        providerID,
        modelID,
        message,
        suggestIds(providerID, Object.keys(registry.connected)),
      );
    }
    const model = provider.models[modelID];
    if (!model) {
      throw new ProviderModelNotFoundError(
        providerID,
        modelID,
        `Model not found: ${providerID}/${modelID}`,
        suggestIds(modelID, Object.keys(provider.models)),
      );
    }
    const credential = registry.credentials.get(providerID) ?? { type: 'none' };
    if (
      credential.type === 'oauth' &&
      credential.auth.expires !== 0 &&
      credential.auth.expires - TOKEN_REFRESH_MARGIN_MS < Date.now()
    ) {
      // The refreshed tokens land in their store, so the next registry is built with them.
      const fresh = await this.oauth.refresh(providerID, credential.auth);
      return {
        provider,
        model,
        language: await createLanguageModel(
          provider,
          model,
          { type: 'oauth', auth: fresh },
          this.modelContext(),
        ),
      };
    }
    const key = `${providerID}/${modelID}`;
    let language = state.languages.get(key);
    if (!language) {
      language = await createLanguageModel(provider, model, credential, this.modelContext());
      state.languages.set(key, language);
    }
    return { provider, model, language };
  }

  /** `provider/model` → the resolved model (see `getModel`). */
  async getModelByRef(instance: Instance, ref: string): Promise<ResolvedModel> {
    const { providerID, modelID } = parseModelRef(ref);
    return this.getModel(instance, providerID, modelID);
  }

  /**
   * The model to use when none is named: config `model`, else the first connected provider's
   * default (among the providers the config names, when it names some), as the reference.
   * Throws `NoProviderConnectedError` (400) when there is nothing to pick.
   */
  async defaultModel(instance: Instance): Promise<ModelRef> {
    const config = await this.config.get(instance);
    if (config.model) return parseModelRef(config.model);
    const connected = Object.values((await this.state(instance)).registry.connected);
    const configured = config.provider ? Object.keys(config.provider) : undefined;
    const provider =
      connected.find((candidate) => !configured || configured.includes(candidate.id)) ??
      connected[0];
    const modelID = provider && defaultModelOf(provider);
    if (!provider || !modelID) throw new NoProviderConnectedError();
    return { providerID: provider.id, modelID };
  }

  /**
   * A cheap model for small tasks (titles, summaries): config `small_model`, else the model the
   * plugins' `experimental.provider.small_model` hooks choose for `providerID` (default: the
   * default model's provider), else a known cheap model of it, else undefined (callers then use
   * their main model). As the reference, the hook sets `output.model` to a `Model` (of any
   * connected provider); it is resolved by its `providerID` and `id`.
   */
  async smallModel(instance: Instance, providerID?: string): Promise<ResolvedModel | undefined> {
    const config = await this.config.get(instance);
    if (config.small_model) return this.getModelByRef(instance, config.small_model);
    const target = providerID ?? (await this.defaultModel(instance)).providerID;
    const provider = (await this.state(instance)).registry.connected[target];
    if (!provider) return undefined;
    const choice: { model?: unknown } = { model: undefined };
    const { model: chosen } = await this.plugins.trigger(
      instance,
      'experimental.provider.small_model',
      { provider: structuredClone(publicView(provider)) },
      choice,
    );
    if (isModelChoice(chosen)) {
      return this.getModel(instance, chosen.providerID ?? target, chosen.id);
    }
    const modelID = smallModelOf(provider);
    return modelID ? this.getModel(instance, target, modelID) : undefined;
  }

  private modelContext(): ModelContext {
    return { variables: this.env.variables, installer: this.installer, credentials: this.oauth };
  }

  private async state(
    instance: Instance,
  ): Promise<RegistryState & { registry: ProviderRegistry; config: Config }> {
    const [config, auth, catalog] = await Promise.all([
      this.config.get(instance),
      this.auth.all(),
      this.models.get(),
    ]);
    const inputs: RegistryInputs = { config, auth, catalog };
    const state = instance.getOrCreate<RegistryState>(REGISTRY_STATE, () => ({
      languages: new Map(),
    }));
    if (!state.registry || !sameInputs(state, inputs)) {
      if (!state.building || !sameInputs(state.building, inputs)) {
        const building = { ...inputs, done: this.build(instance, state, inputs) };
        state.building = building;
        const settle = () => {
          if (state.building === building) state.building = undefined;
        };
        building.done.then(settle, settle);
      }
      await state.building.done;
      // Superseded by a build of newer inputs before any registry existed: wait for that one.
      while (!state.registry && state.building) await state.building.done;
    }
    return state as RegistryState & { registry: ProviderRegistry; config: Config };
  }

  /**
   * Builds the registry of `inputs` with what the instance's plugins add (their `provider` and
   * `auth` hooks) and installs it, unless a newer build started meanwhile.
   */
  private async build(
    instance: Instance,
    state: RegistryState,
    inputs: RegistryInputs,
  ): Promise<void> {
    const { config, auth, catalog } = inputs;
    const [providerHooks, authHooks] = this.plugins.active
      ? await Promise.all([
          this.plugins.objects(instance, 'provider'),
          this.plugins.objects(instance, 'auth'),
        ])
      : [[], []];
    const plugins = await pluginProviders(providerHooks, authHooks, {
      ...inputs,
      getAuth: (providerID) => this.auth.get(providerID),
      warn: (message) => this.logger.warn(message),
    });
    if (state.building && !sameInputs(state.building, inputs)) return;
    state.config = config;
    state.auth = auth;
    state.catalog = catalog;
    state.registry = buildProviderRegistry(config, auth, this.env.variables, catalog, plugins);
    state.languages = new Map();
    state.listingJson = undefined;
  }
}

function sameInputs(a: Partial<RegistryInputs>, b: RegistryInputs): boolean {
  return a.config === b.config && a.auth === b.auth && a.catalog === b.catalog;
}

/** What a `small_model` hook may set: a `Model`, of which its ids are what is used. */
function isModelChoice(value: unknown): value is { id: string; providerID?: string } {
  if (typeof value !== 'object' || value === null) return false;
  const { id, providerID } = value as { id?: unknown; providerID?: unknown };
  return typeof id === 'string' && (providerID === undefined || typeof providerID === 'string');
}

function listingOf(registry: ProviderRegistry, config: Config): ProviderListing {
  const all = Object.values(registry.all);
  return {
    all: all.map(publicView),
    default: defaults(all, config),
    connected: Object.keys(registry.connected),
  };
}

/** Default model per provider; the config's `model` is the default of its provider. */
function defaults(providers: ProviderInfo[], config: Config): Record<string, string> {
  const configured = config.model ? parseModelRef(config.model) : undefined;
  const result: Record<string, string> = {};
  for (const provider of providers) {
    const modelID =
      configured?.providerID === provider.id && provider.models[configured.modelID]
        ? configured.modelID
        : defaultModelOf(provider);
    if (modelID) result[provider.id] = modelID;
  }
  return result;
}

/**
 * What a response shows of a provider: request headers may carry secrets, so they stay out, as
 * does the `fetch` a plugin's auth loader may have handed (a function, not data).
 */
function publicView(provider: ProviderInfo): ProviderInfo {
  if (!('headers' in provider.options) && !('fetch' in provider.options)) return provider;
  const { headers: _headers, fetch: _fetch, ...options } = provider.options;
  return { ...provider, options };
}
