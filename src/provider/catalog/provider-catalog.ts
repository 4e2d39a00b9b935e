import type { ModelConfig } from '../../config/config.schema';
import catalogJson from './catalog.json';

/**
 * A provider of the bundled catalog, in models.dev's shape (which is also the shape of the
 * config's `provider` section, so catalog entries and config overrides go through the same
 * mapping onto the reference's `Provider` / `Model`).
 */
export interface CatalogProvider {
  id: string;
  name: string;
  /** Environment variables holding the API key, first match wins. */
  env: string[];
  /** The AI SDK package models.dev names for it. */
  npm: string;
  /**
   * Base URL. For providers whose own AI SDK package is not installed, their OpenAI-compatible
   * endpoint, which the server then calls through `@ai-sdk/openai-compatible`.
   */
  api?: string;
  doc?: string;
  models: Record<string, CatalogModel>;
}

export type CatalogModel = ModelConfig & { id: string; name: string };

/**
 * The offline catalog: `catalog.json`, refreshed by hand with `scripts/update-catalog.mjs`
 * (the server never fetches it; it must work without network).
 */
export const CATALOG: Readonly<Record<string, CatalogProvider>> = catalogJson as unknown as Record<
  string,
  CatalogProvider
>;
