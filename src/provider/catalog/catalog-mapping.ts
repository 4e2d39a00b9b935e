import { modelVariants, reasoningOptionVariants } from '../model-variants';
import type { ModalitySet, ModelCost, ModelInfo, ProviderInfo } from '../provider.types';
import {
  isUsableModel,
  ModelsDevCatalog,
  ModelsDevCost,
  ModelsDevModality,
  ModelsDevModel,
  ModelsDevProvider,
} from './models-dev';

/** The package of providers and models that name none, as the reference. */
export const DEFAULT_NPM = '@ai-sdk/openai-compatible';

/** What a config entry of a catalog provider falls back to. */
export type CatalogProviderDefaults = Pick<
  ModelsDevProvider,
  'id' | 'name' | 'env' | 'npm' | 'api'
>;

/** One catalog, ready for building registries: mapped once, shared by all of them. */
export interface ProviderCatalog {
  /** The catalog's providers without their models, by id. */
  readonly source: Readonly<Record<string, CatalogProviderDefaults>>;
  /** The same providers onto the reference's `Provider` / `Model`. Never mutated. */
  readonly providers: Readonly<Record<string, ProviderInfo>>;
}

/**
 * Maps a fetched or bundled `api.json`. Only the mapped form is kept (with the providers'
 * package and URL for config overrides): it is what every response and call uses, and keeping
 * the raw models as well would double the memory the catalog takes.
 */
export function providerCatalog(catalog: ModelsDevCatalog): ProviderCatalog {
  const source: Record<string, CatalogProviderDefaults> = {};
  for (const [id, provider] of Object.entries(catalog)) {
    source[id] = {
      id: provider.id,
      name: provider.name,
      env: provider.env,
      ...(provider.npm !== undefined && { npm: provider.npm }),
      ...(provider.api !== undefined && { api: provider.api }),
    };
  }
  return { source, providers: catalogProviders(catalog) };
}

/**
 * The catalog onto the reference's `Provider` / `Model`, as the reference maps it: catalog
 * defaults (no `family`, modalities all false when not listed, tool calls on), reasoning
 * variants (from models.dev's `reasoning_options`, else the package's defaults; `{}` when there
 * are none), and each `experimental.modes` entry of a model listed as a model of its own
 * (`<id>-<mode>`, with the variants of its model).
 */
export function catalogProviders(catalog: ModelsDevCatalog): Record<string, ProviderInfo> {
  const providers: Record<string, ProviderInfo> = {};
  for (const [id, provider] of Object.entries(catalog)) providers[id] = catalogProvider(provider);
  return providers;
}

export function catalogProvider(provider: ModelsDevProvider): ProviderInfo {
  const models: Record<string, ModelInfo> = {};
  for (const [key, entry] of Object.entries(provider.models)) {
    // Deliberate difference: the reference fails to start its providers on such an entry.
    if (!isUsableModel(entry)) continue;
    models[key] = catalogModel(provider, entry);
    for (const [mode, definition] of Object.entries(entry.experimental?.modes ?? {})) {
      const base = catalogModel(provider, entry);
      const id = `${entry.id}-${mode}`;
      models[id] = {
        ...base,
        id,
        name: `${entry.name} ${mode.charAt(0).toUpperCase()}${mode.slice(1)}`,
        cost: definition.cost ? mergeCost(base.cost, modelCost(definition.cost)) : base.cost,
        options: modeOptions(base, definition.provider?.body),
        headers: definition.provider?.headers ?? base.headers,
      };
    }
  }
  return {
    id: provider.id,
    name: provider.name,
    source: 'custom',
    env: [...provider.env],
    options: {},
    models,
  };
}

/**
 * The package a model of Cloudflare's AI Gateway is called with: the gateway passes OpenAI and
 * Anthropic models through in their own wire format.
 */
export function gatewayPackage(providerID: string, modelID: string): string | undefined {
  if (providerID !== 'cloudflare-ai-gateway') return undefined;
  if (modelID.startsWith('openai/')) return '@ai-sdk/openai';
  if (modelID.startsWith('anthropic/')) return '@ai-sdk/anthropic';
  return undefined;
}

function catalogModel(provider: ModelsDevProvider, entry: ModelsDevModel): ModelInfo {
  const model: ModelInfo = {
    id: entry.id,
    providerID: provider.id,
    api: {
      id: entry.id,
      url: entry.provider?.api ?? provider.api ?? '',
      npm:
        gatewayPackage(provider.id, entry.id) ?? entry.provider?.npm ?? provider.npm ?? DEFAULT_NPM,
    },
    name: entry.name,
    ...(entry.family !== undefined && { family: entry.family }),
    capabilities: {
      temperature: entry.temperature ?? false,
      reasoning: entry.reasoning ?? false,
      attachment: entry.attachment ?? false,
      toolcall: entry.tool_call ?? true,
      input: modalitySet(entry.modalities?.input),
      output: modalitySet(entry.modalities?.output),
      interleaved:
        typeof entry.interleaved === 'string'
          ? { field: entry.interleaved }
          : (entry.interleaved ?? false),
    },
    cost: modelCost(entry.cost),
    limit: {
      context: entry.limit.context,
      ...(entry.limit.input !== undefined && { input: entry.limit.input }),
      output: entry.limit.output,
    },
    status: entry.status ?? 'active',
    options: {},
    headers: {},
    release_date: entry.release_date ?? '',
  };
  model.variants = reasoningOptionVariants(entry.reasoning_options, model) ?? modelVariants(model);
  return model;
}

function modalitySet(listed: readonly ModelsDevModality[] | undefined): ModalitySet {
  return {
    text: listed?.includes('text') ?? false,
    audio: listed?.includes('audio') ?? false,
    image: listed?.includes('image') ?? false,
    video: listed?.includes('video') ?? false,
    pdf: listed?.includes('pdf') ?? false,
  };
}

function modelCost(cost: ModelsDevCost | undefined): ModelCost {
  const result: ModelCost = {
    input: cost?.input ?? 0,
    output: cost?.output ?? 0,
    cache: { read: cost?.cache_read ?? 0, write: cost?.cache_write ?? 0 },
  };
  if (cost?.tiers) {
    result.tiers = cost.tiers.map((tier) => ({
      input: tier.input,
      output: tier.output,
      cache: { read: tier.cache_read ?? 0, write: tier.cache_write ?? 0 },
      tier: tier.tier,
    }));
  }
  const over = cost?.context_over_200k;
  if (over) {
    result.experimentalOver200K = {
      input: over.input,
      output: over.output,
      cache: { read: over.cache_read ?? 0, write: over.cache_write ?? 0 },
    };
  }
  return result;
}

/** A mode's prices over the model's: what the mode names wins, the rest is kept. */
function mergeCost(base: ModelCost, mode: ModelCost): ModelCost {
  return {
    ...base,
    ...mode,
    cache: { ...base.cache, ...mode.cache },
    ...((mode.experimentalOver200K ?? base.experimentalOver200K) && {
      experimentalOver200K: { ...base.experimentalOver200K, ...mode.experimentalOver200K },
    }),
  } as ModelCost;
}

/**
 * The request body fields of a mode as provider options: camelCase keys (`service_tier` →
 * `serviceTier`, as the AI SDK packages name them), and OpenAI's `reasoning: {mode}` as its
 * `reasoningMode` option.
 */
function modeOptions(
  base: ModelInfo,
  body: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (!body) return base.options;
  const options = Object.fromEntries(
    Object.entries(body).map(([key, value]) => [
      key.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase()),
      value,
    ]),
  );
  const reasoning = body.reasoning;
  if (
    base.api.npm !== '@ai-sdk/openai' ||
    typeof reasoning !== 'object' ||
    reasoning === null ||
    Array.isArray(reasoning) ||
    typeof (reasoning as { mode?: unknown }).mode !== 'string'
  ) {
    return options;
  }
  const { reasoning: _reasoning, ...rest } = options;
  return { ...rest, reasoningMode: (reasoning as { mode: string }).mode };
}
