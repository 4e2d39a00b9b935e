import { DEFAULT_TIMEOUT_MS } from './engine/text-search';

/** Limits of the searches, per server. */
export interface FindOptions {
  /** A text search still running after this is stopped and answered with a 503. */
  textTimeoutMs: number;
}

export const FIND_OPTIONS = Symbol('FindOptions');

/**
 * The options from the environment: `OPENCODE_FIND_TIMEOUT_MS` (a positive integer; anything
 * else keeps the default of 10 s). Not a config key: it protects the server, not the project.
 */
export function findOptionsFrom(
  variables: Readonly<Record<string, string | undefined>>,
): FindOptions {
  const raw = variables.OPENCODE_FIND_TIMEOUT_MS?.trim();
  const parsed = raw && /^\d+$/.test(raw) ? Number(raw) : NaN;
  return {
    textTimeoutMs: Number.isSafeInteger(parsed) && parsed > 0 ? parsed : DEFAULT_TIMEOUT_MS,
  };
}
