/**
 * A remote MCP server protected by OAuth 2.1, with its own authorization server, on one
 * 127.0.0.1 port (`listen(0)`), for the MCP OAuth tests.
 *
 * - `GET /.well-known/oauth-protected-resource[/mcp]`: RFC 9728 metadata naming this origin as the
 *   authorization server.
 * - `GET /.well-known/oauth-authorization-server`: RFC 8414 metadata (S256 only; the
 *   `registration_endpoint` unless `registration: false`).
 * - `POST /register`: RFC 7591 dynamic client registration (public clients).
 * - `GET /authorize`: a user who consents at once: checks the client, its registered
 *   `redirect_uri` and the S256 challenge, then answers 302 to `redirect_uri?code=...&state=...`
 *   (`error=access_denied` instead while `deny` is set). Bad requests get 400 JSON.
 * - `POST /token`: `authorization_code` (single-use code, same client and redirect_uri, PKCE
 *   verifier checked) and `refresh_token` (rotated); failures are 400 `{ error }` as RFC 6749 says.
 * - `/mcp`: Streamable HTTP (stateless) with the tool `whoami` (answers `authorized`) and one
 *   resource, for requests bearing a live access token; anything else gets 401 with
 *   `WWW-Authenticate: Bearer resource_metadata="..."`.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeMcpOAuthOptions {
  /** `expires_in` of issued access tokens, in seconds (default 3600). */
  expiresIn?: number;
  /** Offer dynamic client registration (default true). */
  registration?: boolean;
}

export interface RegisteredClient {
  client_id: string;
  redirect_uris: string[];
  client_name?: string;
  token_endpoint_auth_method?: string;
}

export interface FakeMcpOAuthServer {
  /** The MCP endpoint, `http://127.0.0.1:PORT/mcp`. */
  readonly url: string;
  /** `http://127.0.0.1:PORT`: the authorization server and the resource server. */
  readonly origin: string;
  /** Clients registered through `/register`, in order. */
  readonly clients: RegisteredClient[];
  /** Body fields of every `/token` request, with the status answered. */
  readonly tokenRequests: Array<{ params: Record<string, string>; status: number }>;
  /** The `authorization` header of every `/mcp` request (undefined when absent). */
  readonly mcpAuthorizations: Array<string | undefined>;
  /** Every access token issued, in order. */
  readonly accessTokens: string[];
  /** While true, `/authorize` answers the redirect with `error=access_denied`. */
  deny: boolean;
  /** Every access token issued so far stops working (refresh tokens stay valid). */
  revokeAccessTokens(): void;
  close(): Promise<void>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
}

export async function startFakeMcpOAuthServer(
  options: FakeMcpOAuthOptions = {},
): Promise<FakeMcpOAuthServer> {
  const clients: RegisteredClient[] = [];
  const codes = new Map<string, PendingCode>();
  const liveAccess = new Set<string>();
  const liveRefresh = new Map<string, string>();
  const tokenRequests: FakeMcpOAuthServer['tokenRequests'] = [];
  const mcpAuthorizations: Array<string | undefined> = [];
  const accessTokens: string[] = [];
  let origin = '';
  let issued = 0;

  const state: FakeMcpOAuthServer = {
    get url() {
      return `${origin}/mcp`;
    },
    get origin() {
      return origin;
    },
    clients,
    tokenRequests,
    mcpAuthorizations,
    accessTokens,
    deny: false,
    revokeAccessTokens: () => liveAccess.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };

  const http = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname;
    if (path.startsWith('/.well-known/oauth-protected-resource')) {
      return sendJson(res, 200, { resource: `${origin}/mcp`, authorization_servers: [origin] });
    }
    if (path === '/.well-known/oauth-authorization-server') {
      return sendJson(res, 200, {
        issuer: origin,
        authorization_endpoint: `${origin}/authorize`,
        token_endpoint: `${origin}/token`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
        ...(options.registration !== false && { registration_endpoint: `${origin}/register` }),
      });
    }
    if (path === '/register' && req.method === 'POST' && options.registration !== false) {
      return register(JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>, res);
    }
    if (path === '/authorize' && req.method === 'GET') return authorize(url.searchParams, res);
    if (path === '/token' && req.method === 'POST') {
      const params = Object.fromEntries(new URLSearchParams(await readBody(req)));
      const [status, body] = token(params);
      tokenRequests.push({ params, status });
      return sendJson(res, status, body);
    }
    if (path === '/mcp') return mcp(req, res);
    sendJson(res, 404, { error: 'not_found' });
  }

  function register(body: Record<string, unknown>, res: ServerResponse): void {
    const uris = body.redirect_uris;
    if (!Array.isArray(uris) || uris.length === 0 || !uris.every((u) => typeof u === 'string')) {
      return sendJson(res, 400, {
        error: 'invalid_redirect_uri',
        error_description: 'redirect_uris is required',
      });
    }
    const client: RegisteredClient = {
      client_id: `client-${clients.length + 1}`,
      redirect_uris: uris,
      ...(typeof body.client_name === 'string' && { client_name: body.client_name }),
      token_endpoint_auth_method: 'none',
    };
    clients.push(client);
    sendJson(res, 201, { ...client, client_id_issued_at: Math.floor(Date.now() / 1000) });
  }

  function authorize(query: URLSearchParams, res: ServerResponse): void {
    const client = clients.find((c) => c.client_id === query.get('client_id'));
    const redirectUri = query.get('redirect_uri') ?? '';
    if (!client) return sendJson(res, 400, { error: 'invalid_client' });
    if (!client.redirect_uris.includes(redirectUri)) {
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'redirect_uri' });
    }
    if (query.get('response_type') !== 'code' || query.get('code_challenge_method') !== 'S256') {
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'PKCE S256' });
    }
    const target = new URL(redirectUri);
    const oauthState = query.get('state');
    if (oauthState !== null) target.searchParams.set('state', oauthState);
    if (state.deny) {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'The user refused');
    } else {
      const code = `code-${randomBytes(8).toString('hex')}`;
      codes.set(code, {
        clientId: client.client_id,
        redirectUri,
        challenge: query.get('code_challenge') ?? '',
      });
      target.searchParams.set('code', code);
    }
    res.writeHead(302, { location: target.toString() });
    res.end();
  }

  function token(p: Record<string, string>): [number, object] {
    const fail = (error: string, description: string): [number, object] => [
      400,
      { error, error_description: description },
    ];
    if (!clients.some((c) => c.client_id === p.client_id)) {
      return fail('invalid_client', 'unknown client_id');
    }
    if (p.grant_type === 'authorization_code') {
      const pending = codes.get(p.code ?? '');
      if (!pending) return fail('invalid_grant', 'unknown or used code');
      codes.delete(p.code);
      if (pending.clientId !== p.client_id || pending.redirectUri !== p.redirect_uri) {
        return fail('invalid_grant', 'client or redirect_uri mismatch');
      }
      const verifier = p.code_verifier ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== pending.challenge) {
        return fail('invalid_grant', 'PKCE verification failed');
      }
      return [200, issue(p.client_id)];
    }
    if (p.grant_type === 'refresh_token') {
      const owner = liveRefresh.get(p.refresh_token ?? '');
      if (owner !== p.client_id) return fail('invalid_grant', 'unknown refresh_token');
      liveRefresh.delete(p.refresh_token);
      return [200, issue(p.client_id)];
    }
    return fail('unsupported_grant_type', `grant_type ${p.grant_type ?? '(missing)'}`);
  }

  function issue(clientId: string) {
    issued++;
    const tokens = {
      access_token: `mcp-access-${issued}-${randomBytes(6).toString('hex')}`,
      refresh_token: `mcp-refresh-${issued}-${randomBytes(6).toString('hex')}`,
      expires_in: options.expiresIn ?? 3600,
      token_type: 'Bearer',
    };
    liveAccess.add(tokens.access_token);
    liveRefresh.set(tokens.refresh_token, clientId);
    accessTokens.push(tokens.access_token);
    return tokens;
  }

  function mcp(req: IncomingMessage, res: ServerResponse): void {
    const authorization = req.headers.authorization;
    mcpAuthorizations.push(authorization);
    const bearer = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
    if (!bearer || !liveAccess.has(bearer)) {
      res.setHeader(
        'www-authenticate',
        `Bearer error="invalid_token", resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`,
      );
      return sendJson(res, 401, { error: 'invalid_token' });
    }
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' });
    const server = buildProtectedServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    server
      .connect(transport)
      .then(() => transport.handleRequest(req, res))
      .catch(() => {
        if (!res.headersSent) sendJson(res, 500, { error: 'server error' });
      });
  }

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return state;
}

function buildProtectedServer(): McpServer {
  const server = new McpServer({ name: 'fake-oauth-mcp', version: '1.0.0' });
  server.registerTool('whoami', { description: 'Says the caller is authorized' }, () => ({
    content: [{ type: 'text', text: 'authorized' }],
  }));
  server.registerResource(
    'secret-plan',
    'memo://plan',
    { description: 'Only for authorized callers', mimeType: 'text/plain' },
    (uri) => ({ contents: [{ uri: uri.href, text: 'the plan' }] }),
  );
  return server;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}
