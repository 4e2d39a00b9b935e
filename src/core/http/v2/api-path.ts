/** The `/api` prefix of the v2 routes. */
export const V2_PREFIX = 'api';

/**
 * Whether a request URL is under `/api`: its errors, the auth hook's refusals and unknown paths
 * included, are answered in the v2 shape (`{ _tag, message, … }`).
 */
export function isApiPath(url: string): boolean {
  return url === `/${V2_PREFIX}` || /^\/api[/?]/.test(url);
}
