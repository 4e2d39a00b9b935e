import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import type { ReasoningOption } from '../model-variants';

/**
 * The models.dev catalog (`api.json`): providers by id, each with its models. Only the fields
 * the server maps onto the reference's `Provider` / `Model` are typed; the rest (descriptions,
 * knowledge cut-offs, `open_weights`, ...) is carried along untouched.
 */
export type ModelsDevCatalog = Record<string, ModelsDevProvider>;

export interface ModelsDevProvider {
  id: string;
  name: string;
  /** Environment variables holding the API key, first match wins. */
  env: string[];
  /** The AI SDK package that calls it. */
  npm?: string;
  /** Base URL, for packages that need one (OpenAI-compatible endpoints). */
  api?: string;
  doc?: string;
  models: Record<string, ModelsDevModel>;
}

export interface ModelsDevCost {
  input: number;
  output: number;
  cache_read?: number;
  cache_write?: number;
  /** Prices from a context size on. */
  tiers?: Array<{
    input: number;
    output: number;
    cache_read?: number;
    cache_write?: number;
    tier: { type: 'context'; size: number };
  }>;
  context_over_200k?: { input: number; output: number; cache_read?: number; cache_write?: number };
}

export type ModelsDevModality = 'text' | 'audio' | 'image' | 'video' | 'pdf';

export interface ModelsDevModel {
  id: string;
  name: string;
  family?: string;
  release_date: string;
  attachment: boolean;
  reasoning: boolean;
  temperature?: boolean;
  tool_call: boolean;
  /** The reasoning controls the model takes (efforts, a toggle, a token budget). */
  reasoning_options?: ReasoningOption[];
  interleaved?: boolean | string | { field: string };
  cost?: ModelsDevCost;
  limit: { context: number; input?: number; output: number };
  modalities?: { input?: ModelsDevModality[]; output?: ModelsDevModality[] };
  /**
   * Other ways to call the same model (`fast`, `priority`, ...), each listed by the reference as
   * a model of its own.
   */
  experimental?: {
    modes?: Record<
      string,
      {
        cost?: ModelsDevCost;
        provider?: { body?: Record<string, unknown>; headers?: Record<string, string> };
      }
    >;
  };
  status?: 'alpha' | 'beta' | 'deprecated';
  /** Per-model package and base URL, where they differ from the provider's. */
  provider?: { npm?: string; api?: string };
}

/**
 * The snapshot bundled with the server, so it works offline: models.dev's `api.json` as the
 * reference 1.18.33 bundles it, brotli-compressed (about 200 KB for 5 MB of JSON). Regenerated
 * by `scripts/update-catalog.mjs`.
 */
export const SNAPSHOT_FILE = join(__dirname, 'models-dev.json.br');

export function readSnapshot(file: string = SNAPSHOT_FILE): ModelsDevCatalog {
  return parseModelsDev(brotliDecompressSync(readFileSync(file)).toString('utf8'));
}

/**
 * Parses an `api.json`. Throws when the text is not JSON or not an object of providers;
 * entries that are not providers (no `models` object) are left out, so one odd entry of a
 * fetched catalog does not cost the others.
 */
export function parseModelsDev(text: string): ModelsDevCatalog {
  const parsed: unknown = JSON.parse(text);
  if (!isRecord(parsed)) throw new Error('models.dev catalog is not an object of providers');
  const catalog: ModelsDevCatalog = {};
  for (const [id, provider] of Object.entries(parsed)) {
    if (!isRecord(provider) || !isRecord(provider.models)) continue;
    catalog[id] = {
      ...(provider as unknown as ModelsDevProvider),
      id: typeof provider.id === 'string' ? provider.id : id,
      name: typeof provider.name === 'string' ? provider.name : id,
      env: Array.isArray(provider.env)
        ? provider.env.filter((name) => typeof name === 'string')
        : [],
    };
  }
  return catalog;
}

/** Whether a catalog model has what the mapping needs; others are left out as the reference does. */
export function isUsableModel(model: unknown): model is ModelsDevModel {
  if (!isRecord(model) || typeof model.id !== 'string' || typeof model.name !== 'string') {
    return false;
  }
  const limit = model.limit;
  return isRecord(limit) && Number.isFinite(limit.context) && Number.isFinite(limit.output);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
