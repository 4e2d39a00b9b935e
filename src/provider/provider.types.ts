import type { LanguageModelV3 } from '@ai-sdk/provider';

/** Which input or output kinds a model handles. */
export interface ModalitySet {
  text: boolean;
  audio: boolean;
  image: boolean;
  video: boolean;
  pdf: boolean;
}

export interface ModelCost {
  /** USD per million tokens. */
  input: number;
  output: number;
  cache: { read: number; write: number };
  /** Prices from a context size on (the highest tier the prompt passes applies). */
  tiers?: Array<{
    input: number;
    output: number;
    cache: { read: number; write: number };
    tier: { type: 'context'; size: number };
  }>;
  /** Prices past 200K tokens of context, where the provider charges more. */
  experimentalOver200K?: { input: number; output: number; cache: { read: number; write: number } };
}

/** A model as the reference's `Model` component. */
export interface ModelInfo {
  id: string;
  providerID: string;
  /** How to call it: the provider's model id, base URL and AI SDK package. */
  api: { id: string; url: string; npm: string };
  name: string;
  family?: string;
  capabilities: {
    temperature: boolean;
    reasoning: boolean;
    attachment: boolean;
    toolcall: boolean;
    input: ModalitySet;
    output: ModalitySet;
    /** Reasoning sent back interleaved with the answer, and in which field. */
    interleaved: boolean | { field: string };
  };
  cost: ModelCost;
  /** Tokens; 0 when unknown (custom models that do not say). */
  limit: { context: number; input?: number; output: number };
  status: 'alpha' | 'beta' | 'deprecated' | 'active';
  /** Provider options for every call of this model (`providerOptions`). */
  options: Record<string, unknown>;
  headers: Record<string, string>;
  release_date: string;
  variants?: Record<string, Record<string, unknown>>;
}

export const PROVIDER_SOURCES = ['env', 'config', 'custom', 'api'] as const;
export type ProviderSource = (typeof PROVIDER_SOURCES)[number];

/**
 * A provider as the reference's `Provider` component, without its `key`: credentials stay
 * inside the provider layer and are never part of a response (a deliberate difference: the
 * reference answers the API key in `key`).
 */
export interface ProviderInfo {
  id: string;
  name: string;
  /** How it got connected: env var, config, stored credentials (`api`), or catalog only. */
  source: ProviderSource;
  /** The environment variables that hold its API key. */
  env: string[];
  /** Options for the AI SDK provider (`baseURL`, timeouts, ...), without `apiKey`. */
  options: Record<string, unknown>;
  models: Record<string, ModelInfo>;
}

/** A model ready to call, as `ProviderService.getModel` answers it. */
export interface ResolvedModel {
  provider: ProviderInfo;
  model: ModelInfo;
  /** The AI SDK model instance, for `streamText` / `generateText`. */
  language: LanguageModelV3;
}

/** `provider/model`, split at the first slash (model ids may contain slashes). */
export interface ModelRef {
  providerID: string;
  modelID: string;
}

export function parseModelRef(value: string): ModelRef {
  const slash = value.indexOf('/');
  if (slash < 0) return { providerID: value, modelID: '' };
  return { providerID: value.slice(0, slash), modelID: value.slice(slash + 1) };
}
