import { Injectable } from '@nestjs/common';
import type { Instance } from '../../core/instance/instance';
import { DEFAULT_NPM } from '../../provider/provider-registry';
import { ProviderService } from '../../provider/provider.service';
import type { ModalitySet, ModelInfo, ProviderInfo } from '../../provider/provider.types';
import { ProviderNotFoundError } from './catalog-v2.errors';
import type { ModelCostDto, ModelV2InfoDto, ProviderV2InfoDto } from './dto/catalog-v2.dto';

/** Context size past which `experimentalOver200K` prices apply (the reference's cost tier). */
const OVER_200K_TIER = 200_000;
const MODALITIES: ReadonlyArray<keyof ModalitySet> = ['text', 'audio', 'image', 'video', 'pdf'];

/**
 * Providers and models of a location in the v2 shapes. One catalog serves both APIs: the active
 * providers here are the connected providers of the classic `ProviderService` (catalog, config,
 * environment keys, `auth.json`), with the models it offers to the agent loop.
 *
 * Deliberate difference: the reference's v2 catalog is a separate store that ignores the classic
 * config `provider` section and `auth.json`, so a provider a user configured the classic way is
 * usable yet missing from `/api/provider`; here both APIs show what the server can call.
 */
@Injectable()
export class CatalogV2Service {
  constructor(private readonly providers: ProviderService) {}

  /** The active providers, in catalog order (config-only providers after). */
  async providerList(instance: Instance): Promise<ProviderV2InfoDto[]> {
    return Object.values(await this.providers.list(instance)).map(toProviderV2);
  }

  /** One active provider; `ProviderNotFoundError` (404) for any other id. */
  async provider(instance: Instance, providerID: string): Promise<ProviderV2InfoDto> {
    const connected = await this.providers.list(instance);
    if (!Object.hasOwn(connected, providerID)) throw new ProviderNotFoundError(providerID);
    return toProviderV2(connected[providerID]);
  }

  /**
   * The models of the active providers, newest release first; models released the same day keep
   * the catalog's order (provider by provider), as the reference's stable sort does.
   */
  async modelList(instance: Instance): Promise<ModelV2InfoDto[]> {
    const models = Object.values(await this.providers.list(instance)).flatMap((provider) =>
      Object.values(provider.models).map(toModelV2),
    );
    return models.sort((a, b) => b.time.released - a.time.released);
  }
}

/**
 * A provider in the v2 shape. Its options are the request body, except `baseURL` (the API URL)
 * and `headers`, which may carry credentials and are never answered (the API key never was part
 * of `ProviderInfo`).
 */
export function toProviderV2(provider: ProviderInfo): ProviderV2InfoDto {
  const { baseURL: _baseURL, headers: _headers, ...body } = provider.options;
  // Models inherit the provider's package and URL unless they override them (rare): the first
  // model's are the provider's.
  const api = Object.values(provider.models)[0]?.api;
  return {
    id: provider.id,
    name: provider.name,
    api: {
      type: 'aisdk',
      package: api?.npm ?? DEFAULT_NPM,
      ...(api?.url && { url: api.url }),
    },
    request: { headers: {}, body },
  };
}

export function toModelV2(model: ModelInfo): ModelV2InfoDto {
  return {
    id: model.id,
    providerID: model.providerID,
    ...(model.family && { family: model.family }),
    name: model.name,
    api: {
      id: model.api.id,
      type: 'aisdk',
      package: model.api.npm,
      ...(model.api.url && { url: model.api.url }),
    },
    capabilities: {
      tools: model.capabilities.toolcall,
      input: MODALITIES.filter((kind) => model.capabilities.input[kind]),
      output: MODALITIES.filter((kind) => model.capabilities.output[kind]),
    },
    request: { headers: { ...model.headers }, body: { ...model.options } },
    variants: Object.entries(model.variants ?? {}).map(([id, body]) => ({
      id,
      headers: {},
      body: { ...body },
    })),
    time: { released: releasedAt(model.release_date) },
    cost: costsOf(model),
    status: model.status,
    // Disabled models never reach the connected catalog.
    enabled: true,
    limit: {
      context: model.limit.context,
      ...(model.limit.input !== undefined && { input: model.limit.input }),
      output: model.limit.output,
    },
  };
}

/** `2025-11-24` → epoch milliseconds (UTC midnight); 0 when the catalog gives no date. */
function releasedAt(date: string): number {
  const time = Date.parse(date);
  return Number.isNaN(time) ? 0 : time;
}

function costsOf(model: ModelInfo): ModelCostDto[] {
  const { input, output, cache, experimentalOver200K: over } = model.cost;
  const costs: ModelCostDto[] = [{ input, output, cache: { ...cache } }];
  if (over) {
    costs.push({
      tier: { type: 'context', size: OVER_200K_TIER },
      input: over.input,
      output: over.output,
      cache: { ...over.cache },
    });
  }
  return costs;
}
