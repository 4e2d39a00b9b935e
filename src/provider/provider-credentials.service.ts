import { Injectable } from '@nestjs/common';
import { AuthService } from '../auth/auth.service';
import type { AuthInfo, OAuthInfo } from '../auth/auth.types';

/**
 * A store of provider credentials besides `auth.json`. The `/api` integrations register theirs
 * (the `credential` table) at start-up: they sit above this layer and cannot be imported here.
 */
export interface CredentialSource {
  /** Its credential per provider id; the same object until one of them changes. */
  all(): Readonly<Record<string, AuthInfo>>;
  /** Replaces the provider's OAuth tokens with refreshed ones. */
  replaceTokens(providerID: string, tokens: OAuthInfo): void;
}

/**
 * The credentials providers are connected with, from two stores: `auth.json` (classic
 * `PUT /auth/{id}` and the classic logins) and the registered `/api` credential store
 * (`POST /api/integration/{id}/connect/*`).
 *
 * Precedence, per provider: a stored `/api` credential wins over the provider's `auth.json`
 * entry. It is the one a client connected through the newer API and can see and remove there
 * (`GET /api/integration` lists it), while auth.json entries are invisible to that API; letting
 * an old, unseen auth.json key shadow it would make the connection shown not the one used. The
 * rest of the order is `buildProviderRegistry`'s: config `options.apiKey` beats both stores, and
 * both beat environment variables.
 *
 * Deliberate difference: the reference keeps the two stores apart (v2 credentials serve only its
 * v2 catalog, auth.json only the classic one); here one registry serves both APIs (see
 * `CatalogV2Service`), so a key connected through `/api` also connects the provider for classic
 * `GET /provider` and for every model call.
 */
@Injectable()
export class ProviderCredentials {
  private source?: CredentialSource;
  /** The last merge, reused while neither store changed, so the registry is not rebuilt. */
  private merged?: {
    file: Readonly<Record<string, AuthInfo>>;
    registered: Readonly<Record<string, AuthInfo>>;
    result: Readonly<Record<string, AuthInfo>>;
  };

  constructor(private readonly auth: AuthService) {}

  registerSource(source: CredentialSource): void {
    this.source = source;
  }

  /** Every provider's credential; the same object until a store changes. */
  async all(): Promise<Readonly<Record<string, AuthInfo>>> {
    const file = await this.auth.all();
    const registered = this.source?.all();
    if (!registered || Object.keys(registered).length === 0) return file;
    if (this.merged?.file === file && this.merged.registered === registered) {
      return this.merged.result;
    }
    const result = { ...file, ...registered };
    this.merged = { file, registered, result };
    return result;
  }

  async get(providerID: string): Promise<AuthInfo | undefined> {
    const entries = await this.all();
    return Object.hasOwn(entries, providerID) ? entries[providerID] : undefined;
  }

  /** Stores refreshed tokens where the credential in use came from. */
  async replaceTokens(providerID: string, tokens: OAuthInfo): Promise<void> {
    if (this.source && Object.hasOwn(this.source.all(), providerID)) {
      this.source.replaceTokens(providerID, tokens);
      return;
    }
    await this.auth.set(providerID, tokens);
  }
}
