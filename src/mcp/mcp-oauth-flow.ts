import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CLIENT_REGISTRATION_NEEDED, messageOf, type McpRemoteConfig } from './mcp-connection';
import type { McpAuthStore } from './mcp-auth.store';
import { McpOAuthProvider } from './mcp-oauth-provider';
import { loadMcpSdk } from './mcp-sdk';
import { McpOAuthError, McpOAuthUpstreamError } from './mcp.errors';

export interface McpOAuthFlowOptions {
  name: string;
  config: McpRemoteConfig;
  store: McpAuthStore;
  /** The `state` the authorization request carries. */
  state: string;
  /** Sent to the server as the client version. */
  version: string;
  /** How long the server and its authorization server may take to answer. */
  timeout: number;
}

/**
 * One login to a remote MCP server, with the MCP SDK's OAuth client: `start` connects as a
 * client would, and the server's 401 makes the SDK discover the authorization server, register
 * this client when needed and build the authorization URL (PKCE verifier stored); `finish`
 * exchanges the code the browser brought back for tokens (stored).
 */
export class McpOAuthFlow {
  private constructor(
    private readonly options: McpOAuthFlowOptions,
    /** The page the user must open to log in. */
    readonly authorizationUrl: string,
    private readonly transport: StreamableHTTPClientTransport,
  ) {}

  get state(): string {
    return this.options.state;
  }

  /**
   * Begins a login; `undefined` when the server needs none (stored tokens work, or were
   * refreshed). The state is stored as the reference does, so its CLI sees the login too.
   */
  static async start(options: McpOAuthFlowOptions): Promise<McpOAuthFlow | undefined> {
    const { name, config, store, state } = options;
    let url: URL;
    try {
      url = new URL(config.url);
    } catch {
      throw new McpOAuthError(`The url of MCP server ${name} is not a valid URL`);
    }
    let authorizationUrl: URL | undefined;
    const provider = new McpOAuthProvider({
      name,
      serverUrl: config.url,
      config: config.oauth || undefined,
      store,
      flow: { state, onRedirect: (redirect) => (authorizationUrl = redirect) },
    });
    await store.update(name, (entry) => {
      entry.oauthState = state;
    });
    const sdk = await loadMcpSdk();
    const transport = new sdk.StreamableHTTPClientTransport(url, {
      authProvider: provider,
      requestInit: config.headers ? { headers: config.headers } : undefined,
    });
    const client = new sdk.Client({ name: 'opencode', version: options.version });
    try {
      await client.connect(transport, { timeout: options.timeout });
    } catch (error) {
      if (error instanceof sdk.UnauthorizedError && authorizationUrl) {
        return new McpOAuthFlow(options, authorizationUrl.toString(), transport);
      }
      await transport.close().catch(() => undefined);
      await store.endLogin(name, state);
      if (/does not support dynamic client registration/i.test(messageOf(error))) {
        throw new McpOAuthError(CLIENT_REGISTRATION_NEEDED);
      }
      throw new McpOAuthUpstreamError(
        `The login to MCP server ${name} could not start: ${messageOf(error)}`,
      );
    }
    // Connected: the stored credentials are good, there is nothing to log in to.
    await client.close().catch(() => undefined);
    await store.endLogin(name, state);
    return undefined;
  }

  /**
   * Exchanges `code` for tokens. A code the authorization server refuses fails with its reason
   * and leaves the login pending, so a corrected code can still be sent.
   */
  async finish(code: string): Promise<void> {
    const { OAuthError, ServerError } = await loadMcpSdk();
    try {
      await this.transport.finishAuth(code);
    } catch (error) {
      // OAuth error answers are about the request (the code, the client); a ServerError is the
      // authorization server failing, or answering something that is not OAuth.
      if (error instanceof OAuthError && !(error instanceof ServerError)) {
        throw new McpOAuthError(`OAuth completion failed: ${messageOf(error)}`);
      }
      throw new McpOAuthUpstreamError(`OAuth completion failed: ${messageOf(error)}`);
    }
    await this.options.store.endLogin(this.options.name, this.state);
  }

  /** Abandons the login: its verifier and state are forgotten. */
  async cancel(): Promise<void> {
    await this.transport.close().catch(() => undefined);
    await this.options.store.endLogin(this.options.name, this.state);
  }
}
