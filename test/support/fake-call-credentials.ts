import type { OAuthInfo } from '../../src/auth/auth.types';
import type { CallCredentials } from '../../src/provider/provider-auth-calls';

export interface FakeCallCredentials extends CallCredentials {
  /** The stored tokens by provider; a refresh replaces them. */
  readonly stored: Record<string, OAuthInfo>;
  /** Providers refreshed, in order. */
  readonly refreshed: string[];
  /** Scopes Azure tokens were asked for, in order. */
  readonly azureScopes: string[];
}

/**
 * Call credentials without `ProviderAuthService`, for unit specs: tokens from `stored`, a
 * refresh answers `refreshed-<n>` access tokens, Azure tokens are `az-token`, and `hosts`
 * sends the named hosts to a fake (`api.githubcopilot.com` → `http://127.0.0.1:PORT`).
 */
export function fakeCallCredentials(
  stored: Record<string, OAuthInfo> = {},
  hosts: Record<string, string> = {},
): FakeCallCredentials {
  const refreshed: string[] = [];
  const azureScopes: string[] = [];
  return {
    stored,
    refreshed,
    azureScopes,
    userAgent: 'opencode/0.0.0-test',
    oauth(providerID, marginMs, force = false) {
      const current = stored[providerID];
      if (!current) return Promise.resolve(undefined);
      const fresh = current.expires === 0 || current.expires - marginMs > Date.now();
      if (fresh && !force) return Promise.resolve(current);
      refreshed.push(providerID);
      stored[providerID] = {
        ...current,
        access: `refreshed-${refreshed.length}`,
        expires: Date.now() + 3_600_000,
      };
      return Promise.resolve(stored[providerID]);
    },
    azureToken(scope) {
      azureScopes.push(scope);
      return Promise.resolve('az-token');
    },
    url(address) {
      const url = new URL(address);
      const target = hosts[url.host];
      if (!target) return address;
      return `${target.replace(/\/$/, '')}${url.pathname}${url.search}`;
    },
  };
}
