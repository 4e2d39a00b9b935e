import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { AuthService } from '../../auth/auth.service';
import type { OAuthInfo } from '../../auth/auth.types';
import { ConfigService } from '../../config/config.service';
import { AppEnvironment } from '../../core/config/app-environment';
import { NotFoundError } from '../../core/errors/named-error';
import type { Instance } from '../../core/instance/instance';
import { CATALOG } from '../catalog/provider-catalog';
import { ProviderAuthError } from '../provider.errors';
import { API_KEY_METHOD_LABEL, OAUTH_METHODS, OAuthMethod } from './oauth-methods';

/** How long an authorization may take between `authorize` and `callback`. */
const PENDING_TTL_MS = 10 * 60 * 1000;
const TOKEN_REQUEST_TIMEOUT_MS = 30_000;

export interface AuthMethodInfo {
  type: 'oauth' | 'api';
  label: string;
}

export interface AuthorizationInfo {
  url: string;
  method: 'auto' | 'code';
  instructions: string;
}

interface PendingAuthorization {
  method: number;
  verifier: string;
  state: string;
  expiresAt: number;
}

interface TokenResponse {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

/**
 * Provider logins: the auth methods of each provider (`GET /provider/auth`), and OAuth code flows
 * with PKCE (`authorize` → the user signs in and pastes the code → `callback` exchanges it at the
 * token endpoint and stores the tokens). The PKCE verifier and state stay on the server; an
 * authorization expires after ten minutes. Token endpoints can be replaced with
 * `OPENCODE_OAUTH_TOKEN_URL` (tests run against a fake server).
 */
@Injectable()
export class ProviderAuthService {
  private readonly logger = new Logger('ProviderAuth');
  /** Authorizations in progress, by provider id (a new one replaces the previous). */
  private readonly pending = new Map<string, PendingAuthorization>();
  /** Refreshes in flight, so concurrent calls share one token request. */
  private readonly refreshing = new Map<string, Promise<OAuthInfo>>();

  constructor(
    private readonly config: ConfigService,
    private readonly auth: AuthService,
    private readonly env: AppEnvironment,
  ) {}

  /** The auth methods of every known provider: its OAuth logins, then an API key. */
  async methods(instance: Instance): Promise<Record<string, AuthMethodInfo[]>> {
    const result: Record<string, AuthMethodInfo[]> = {};
    for (const providerID of await this.knownProviders(instance)) {
      result[providerID] = methodsOf(providerID);
    }
    return result;
  }

  /** Starts OAuth method `method` (an index into the provider's methods) and answers the URL. */
  async authorize(
    instance: Instance,
    providerID: string,
    method: number,
  ): Promise<AuthorizationInfo> {
    const definition = await this.oauthMethod(instance, providerID, method);
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    this.dropExpired();
    this.pending.set(providerID, {
      method,
      verifier,
      state,
      expiresAt: Date.now() + PENDING_TTL_MS,
    });
    const url = new URL(definition.authorizeUrl);
    for (const [key, value] of Object.entries({
      ...definition.params,
      client_id: definition.clientId,
      response_type: 'code',
      redirect_uri: definition.redirectUri,
      scope: definition.scope,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      state,
    })) {
      url.searchParams.set(key, value);
    }
    this.logger.log(`oauth authorization started for ${providerID}`);
    return { url: url.toString(), method: 'code', instructions: definition.instructions };
  }

  /**
   * Exchanges the pasted code (`code`, `code#state` as Anthropic shows it, or the whole redirect
   * URL) for tokens and stores them. Nothing is stored when the authorization is missing or
   * expired, the state does not match, or the provider refuses the code.
   */
  async callback(
    instance: Instance,
    providerID: string,
    method: number,
    code: string | undefined,
  ): Promise<boolean> {
    const definition = await this.oauthMethod(instance, providerID, method);
    this.dropExpired();
    const pending = this.pending.get(providerID);
    if (!pending || pending.method !== method) {
      throw new ProviderAuthError(
        'ProviderAuthOauthMissing',
        providerID,
        `No authorization in progress for ${providerID} (it may have expired): call authorize first`,
      );
    }
    const pasted = parsePastedCode(code);
    if (!pasted) {
      throw new ProviderAuthError(
        'ProviderAuthOauthCodeMissing',
        providerID,
        'The authorization code is missing',
        'code',
      );
    }
    if (pasted.state !== undefined && pasted.state !== pending.state) {
      this.pending.delete(providerID);
      throw new ProviderAuthError(
        'ProviderAuthOauthCallbackFailed',
        providerID,
        'The authorization code belongs to another login attempt (state mismatch): start again',
        'code',
      );
    }
    const tokens = await this.requestTokens(providerID, definition, {
      grant_type: 'authorization_code',
      code: pasted.code,
      state: pending.state,
      client_id: definition.clientId,
      redirect_uri: definition.redirectUri,
      code_verifier: pending.verifier,
    });
    await this.auth.set(providerID, toOAuthInfo(tokens));
    this.pending.delete(providerID);
    this.logger.log(`oauth login completed for ${providerID}`);
    return true;
  }

  /** Fresh tokens for an expired access token, stored and answered. */
  refresh(providerID: string, current: OAuthInfo): Promise<OAuthInfo> {
    const inFlight = this.refreshing.get(providerID);
    if (inFlight) return inFlight;
    const definition = OAUTH_METHODS[providerID]?.[0];
    if (!definition) return Promise.resolve(current);
    const refreshing = this.requestTokens(providerID, definition, {
      grant_type: 'refresh_token',
      refresh_token: current.refresh,
      client_id: definition.clientId,
    })
      .then(async (tokens) => {
        const next = { ...current, ...toOAuthInfo(tokens) };
        await this.auth.set(providerID, next);
        return next;
      })
      .finally(() => this.refreshing.delete(providerID));
    this.refreshing.set(providerID, refreshing);
    return refreshing;
  }

  private async knownProviders(instance: Instance): Promise<string[]> {
    const config = await this.config.get(instance);
    const enabled = config.enabled_providers ? new Set(config.enabled_providers) : undefined;
    const disabled = new Set(config.disabled_providers ?? []);
    return [...new Set([...Object.keys(CATALOG), ...Object.keys(config.provider ?? {})])].filter(
      (id) => (enabled ? enabled.has(id) : true) && !disabled.has(id),
    );
  }

  private async oauthMethod(
    instance: Instance,
    providerID: string,
    method: number,
  ): Promise<OAuthMethod> {
    if (!(await this.knownProviders(instance)).includes(providerID)) {
      throw new NotFoundError(`Provider not found: ${providerID}`);
    }
    const definition = OAUTH_METHODS[providerID]?.[method];
    if (!definition) {
      throw new ProviderAuthError(
        'ProviderAuthValidationFailed',
        providerID,
        `Method ${method} of ${providerID} is not an OAuth login (see GET /provider/auth)`,
        'method',
      );
    }
    return definition;
  }

  private async requestTokens(
    providerID: string,
    definition: OAuthMethod,
    body: Record<string, string>,
  ): Promise<TokenResponse> {
    const failed = (reason: string) =>
      new ProviderAuthError(
        'ProviderAuthOauthCallbackFailed',
        providerID,
        `The token request to ${providerID} failed: ${reason}`,
      );
    let response: Response;
    try {
      response = await fetch(this.env.oauthTokenUrl ?? definition.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw failed((error as Error).message);
    }
    const payload = (await response.json().catch(() => undefined)) as
      Record<string, unknown> | undefined;
    if (!response.ok) {
      const reason = [payload?.error, payload?.error_description].filter(
        (part) => typeof part === 'string',
      );
      throw failed(reason.length > 0 ? reason.join(': ') : `HTTP ${response.status}`);
    }
    if (
      typeof payload?.access_token !== 'string' ||
      typeof payload.refresh_token !== 'string' ||
      typeof payload.expires_in !== 'number'
    ) {
      throw failed('the answer has no access_token, refresh_token and expires_in');
    }
    return payload as unknown as TokenResponse;
  }

  private dropExpired(): void {
    const now = Date.now();
    for (const [providerID, pending] of this.pending) {
      if (pending.expiresAt <= now) this.pending.delete(providerID);
    }
  }
}

function methodsOf(providerID: string): AuthMethodInfo[] {
  return [
    ...(OAUTH_METHODS[providerID] ?? []).map((method) => ({
      type: 'oauth' as const,
      label: method.label,
    })),
    { type: 'api', label: API_KEY_METHOD_LABEL },
  ];
}

function toOAuthInfo(tokens: TokenResponse): OAuthInfo {
  return {
    type: 'oauth',
    access: tokens.access_token,
    refresh: tokens.refresh_token,
    expires: Date.now() + tokens.expires_in * 1000,
  };
}

/** `code`, `code#state`, or a redirect URL carrying `code` and `state`. */
function parsePastedCode(value: string | undefined): { code: string; state?: string } | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^https?:\/\//.test(text)) {
    const url = URL.canParse(text) ? new URL(text) : undefined;
    const code = url?.searchParams.get('code');
    if (!code) return undefined;
    return { code, state: url?.searchParams.get('state') ?? undefined };
  }
  const [code, state] = text.split('#', 2);
  if (!code) return undefined;
  return { code, ...(state && { state }) };
}
