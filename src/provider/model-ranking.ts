import type { ModelInfo, ProviderInfo } from './provider.types';

/**
 * Families the reference prefers as a provider's default. It sorts by the index of the first
 * matching family *descending*, so a later entry outranks an earlier one, and a model matching
 * none comes last; then ids containing `latest`; then ids descending (newest dated id first).
 */
const DEFAULT_PRIORITY = ['gpt-5', 'claude-sonnet-4', 'big-pickle', 'gemini-3-pro'];

/** Cheap models for small tasks (titles, summaries), first match wins, as the reference. */
const SMALL_PRIORITY = [
  'claude-haiku-4-5',
  'claude-haiku-4.5',
  '3-5-haiku',
  '3.5-haiku',
  'gemini-3-flash',
  'gemini-2.5-flash',
  'gpt-5-nano',
];

/** A provider's models, best default first, as the reference's `Provider.sort`. */
export function rankModels(models: Iterable<ModelInfo>): ModelInfo[] {
  const priority = (model: ModelInfo) =>
    DEFAULT_PRIORITY.findIndex((family) => model.id.includes(family));
  return [...models].sort(
    (a, b) =>
      priority(b) - priority(a) ||
      Number(!a.id.includes('latest')) - Number(!b.id.includes('latest')) ||
      (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
}

/** The default model id of a provider, or undefined when it has no models. */
export function defaultModelOf(provider: ProviderInfo): string | undefined {
  return rankModels(Object.values(provider.models))[0]?.id;
}

/** A cheap model of the provider for small tasks, if it has one of the known ones. */
export function smallModelOf(provider: ProviderInfo): string | undefined {
  const ids = Object.keys(provider.models);
  for (const family of SMALL_PRIORITY) {
    const match = ids.find((id) => id.includes(family));
    if (match) return match;
  }
  return undefined;
}
