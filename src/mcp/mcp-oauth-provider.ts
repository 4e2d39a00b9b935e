import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { McpOAuthConfigSchema } from '../config/config.schema';
import type { McpAuthStore } from './mcp-auth.store';

export type McpOAuthConfig = z.infer<typeof McpOAuthConfigSchema>;

/** Where the authorization server sends the browser back, as the reference: a local listener. */
export const DEFAULT_OAUTH_CALLBACK_PORT = 19876;
export const OAUTH_CALLBACK_PATH = '/mcp/oauth/callback';

/** The configured `redirectUri`, else the local listener on `callbackPort` (19876). */
export function mcpRedirectUrl(config: McpOAuthConfig | undefined): string {
  if (config?.redirectUri) return config.redirectUri;
  const port = config?.callbackPort ?? DEFAULT_OAUTH_CALLBACK_PORT;
  return `http://127.0.0.1:${port}${OAUTH_CALLBACK_PATH}`;
}

/** A random OAuth `state`: 32 bytes, hex. */
export function newOAuthState(): string {
  return randomBytes(32).toString('hex');
}

export interface McpOAuthFlowHooks {
  /** The `state` this authorization carries (also stored, as the reference does). */
  state: string;
  /** The SDK built the authorization URL the user must open. */
  onRedirect(url: URL): void;
}

export interface McpOAuthProviderOptions {
  name: string;
  serverUrl: string;
  config: McpOAuthConfig | undefined;
  store: McpAuthStore;
  /**
   * Present for a login the user asked for (`/mcp/:name/auth`): the PKCE verifier is stored
   * until the code comes back. Absent for a connection attempt, which only uses (and refreshes)
   * stored tokens: when it finds none, the server needs a login and the attempt's own
   * authorization request is dropped.
   */
  flow?: McpOAuthFlowHooks;
}

/**
 * The MCP SDK's OAuth client, one server's view of the credentials store: client registration
 * (configured `clientId`, else dynamically registered and stored), tokens (used, refreshed and
 * stored by the SDK), PKCE verifier. Only for the server URL they were obtained for.
 */
export class McpOAuthProvider implements OAuthClientProvider {
  /** A connection attempt's verifier: never used, so never stored. */
  private attemptVerifier: string | undefined;

  constructor(private readonly options: McpOAuthProviderOptions) {}

  get redirectUrl(): string {
    return mcpRedirectUrl(this.options.config);
  }

  get clientMetadata(): OAuthClientMetadata {
    const config = this.options.config;
    return {
      redirect_uris: [this.redirectUrl],
      client_name: 'OpenCode',
      client_uri: 'https://opencode.ai',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: config?.clientSecret ? 'client_secret_post' : 'none',
      ...(config?.scope && { scope: config.scope }),
    };
  }

  state(): string {
    return this.options.flow?.state ?? newOAuthState();
  }

  async clientInformation(): Promise<OAuthClientInformationMixed | undefined> {
    const config = this.options.config;
    if (config?.clientId) {
      return {
        client_id: config.clientId,
        ...(config.clientSecret && { client_secret: config.clientSecret }),
      };
    }
    const client = (await this.entry())?.clientInfo;
    if (!client) return undefined;
    // An expired secret means registering again.
    if (client.clientSecretExpiresAt && client.clientSecretExpiresAt < Date.now() / 1000) {
      return undefined;
    }
    return {
      client_id: client.clientId,
      ...(client.clientSecret && { client_secret: client.clientSecret }),
      ...(client.issuer && { issuer: client.issuer }),
    };
  }

  async saveClientInformation(info: OAuthClientInformationMixed): Promise<void> {
    // A configured client id is the config's to keep, not the store's.
    if (this.options.config?.clientId) return;
    const full = info as Partial<
      Record<'client_id_issued_at' | 'client_secret_expires_at', number>
    >;
    await this.options.store.update(
      this.options.name,
      (entry) => {
        entry.clientInfo = {
          clientId: info.client_id,
          ...(info.client_secret && { clientSecret: info.client_secret }),
          ...(full.client_id_issued_at && { clientIdIssuedAt: full.client_id_issued_at }),
          ...(full.client_secret_expires_at && {
            clientSecretExpiresAt: full.client_secret_expires_at,
          }),
          ...(info.issuer && { issuer: info.issuer }),
        };
      },
      this.options.serverUrl,
    );
  }

  async tokens(): Promise<OAuthTokens | undefined> {
    const tokens = (await this.entry())?.tokens;
    if (!tokens) return undefined;
    return {
      access_token: tokens.accessToken,
      token_type: 'Bearer',
      ...(tokens.refreshToken && { refresh_token: tokens.refreshToken }),
      ...(tokens.expiresAt && {
        expires_in: Math.max(0, Math.floor(tokens.expiresAt - Date.now() / 1000)),
      }),
      ...(tokens.scope && { scope: tokens.scope }),
      ...(tokens.issuer && { issuer: tokens.issuer }),
    };
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    await this.options.store.update(
      this.options.name,
      (entry) => {
        // Deliberate difference: a refresh answer without a new refresh token keeps the old one
        // (RFC 6749 lets servers reuse it), where the reference drops it and logs out later.
        const refreshToken = tokens.refresh_token ?? entry.tokens?.refreshToken;
        entry.tokens = {
          accessToken: tokens.access_token,
          ...(refreshToken && { refreshToken }),
          ...(tokens.expires_in && { expiresAt: Date.now() / 1000 + tokens.expires_in }),
          ...(tokens.scope && { scope: tokens.scope }),
          ...(tokens.issuer && { issuer: tokens.issuer }),
        };
      },
      this.options.serverUrl,
    );
  }

  redirectToAuthorization(url: URL): void {
    // The URL is handed to a browser: nothing but a web page.
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`The authorization URL must be http or https, not ${url.protocol}`);
    }
    this.options.flow?.onRedirect(url);
  }

  async saveCodeVerifier(codeVerifier: string): Promise<void> {
    if (!this.options.flow) {
      this.attemptVerifier = codeVerifier;
      return;
    }
    await this.options.store.update(this.options.name, (entry) => {
      entry.codeVerifier = codeVerifier;
    });
  }

  async codeVerifier(): Promise<string> {
    const verifier = this.options.flow
      ? (await this.options.store.get(this.options.name))?.codeVerifier
      : this.attemptVerifier;
    if (!verifier)
      throw new Error(`No authorization of MCP server ${this.options.name} is pending`);
    return verifier;
  }

  async invalidateCredentials(
    scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery',
  ): Promise<void> {
    const { store, name } = this.options;
    switch (scope) {
      case 'all':
        await store.remove(name);
        return;
      case 'client':
        await store.clear(name, 'clientInfo');
        return;
      case 'tokens':
        await store.clear(name, 'tokens');
        return;
      case 'verifier':
        this.attemptVerifier = undefined;
        if (this.options.flow) await store.clear(name, 'codeVerifier');
        return;
      case 'discovery':
        // Discovery is not cached.
        return;
    }
  }

  private entry() {
    return this.options.store.forUrl(this.options.name, this.options.serverUrl);
  }
}
