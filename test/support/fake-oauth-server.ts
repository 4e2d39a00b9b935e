/**
 * A hermetic fake OAuth 2 token endpoint for tests, on 127.0.0.1 with a `listen(0)` port.
 *
 * Usage:
 * ```ts
 * const oauth = await startFakeOAuthServer({ validCodes: ['code-1'] });
 * oauth.registerChallenge('code-1', challengeS256(verifier)); // optional: then PKCE is enforced
 * // point the code under test at oauth.tokenUrl, let it POST grant_type=authorization_code ...
 * expect(oauth.requests[0].params.code_verifier).toBe(verifier);
 * await oauth.close();
 * ```
 *
 * POST /token accepts `application/x-www-form-urlencoded` or JSON bodies.
 * - `grant_type=authorization_code` with a valid `code` (and, when a challenge was registered
 *   for that code, a `code_verifier` whose S256 hash matches; when `redirectUri` / `clientId` are
 *   configured, matching `redirect_uri` / `client_id`) answers 200 with
 *   `{ access_token, refresh_token, expires_in, token_type: 'Bearer' }`. Codes are single use.
 * - `grant_type=refresh_token` with a refresh token this server issued answers a fresh token pair.
 * - Anything else answers 400 `{ error: 'invalid_grant' | 'unsupported_grant_type' |
 *   'invalid_request', error_description }`.
 */
import { createHash } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOAuthOptions {
  /** Authorization codes the token endpoint accepts (each once). */
  validCodes?: string[];
  /** `expires_in` of issued tokens, in seconds. Default 3600. */
  expiresIn?: number;
  /** When set, `client_id` must equal it. */
  clientId?: string;
  /** When set, `redirect_uri` must equal it. */
  redirectUri?: string;
}

export interface RecordedTokenRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** Body fields, from the form or the JSON object (non-string JSON values are stringified). */
  params: Record<string, string>;
  /** The HTTP status this server answered. */
  status: number;
}

export interface IssuedTokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: 'Bearer';
}

export interface FakeOAuthServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `http://127.0.0.1:PORT/token` */
  readonly tokenUrl: string;
  readonly port: number;
  readonly requests: RecordedTokenRequest[];
  /** Every token pair handed out, in order. */
  readonly issued: IssuedTokens[];
  /** Accept one more authorization code. */
  addCode(code: string): void;
  /** Require PKCE S256 for `code`: the `code_verifier` must hash to `challenge`. */
  registerChallenge(code: string, challenge: string): void;
  close(): Promise<void>;
}

/** The PKCE S256 challenge of a verifier: base64url(sha256(verifier)), no padding. */
export function challengeS256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export async function startFakeOAuthServer(
  options: FakeOAuthOptions = {},
): Promise<FakeOAuthServer> {
  const codes = new Set(options.validCodes ?? []);
  const challenges = new Map<string, string>();
  const refreshTokens = new Set<string>();
  const requests: RecordedTokenRequest[] = [];
  const issued: IssuedTokens[] = [];
  const expiresIn = options.expiresIn ?? 3600;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('fake-oauth-server:', error);
      res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const raw = await readBody(req);
    if (req.method !== 'POST' || path !== '/token') {
      send(res, 404, { error: 'not_found' });
      return;
    }
    const params = parseParams(raw, req.headers['content-type']);
    const [status, body] = answer(params);
    requests.push({ path, headers: req.headers, params, status });
    send(res, status, body);
  }

  function answer(p: Record<string, string>): [number, object] {
    const fail = (error: string, description: string): [number, object] => [
      400,
      { error, error_description: description },
    ];
    if (options.clientId !== undefined && p.client_id !== options.clientId) {
      return fail('invalid_client', 'unknown client_id');
    }
    switch (p.grant_type) {
      case 'authorization_code': {
        if (!p.code || !codes.has(p.code)) return fail('invalid_grant', 'unknown or used code');
        if (options.redirectUri !== undefined && p.redirect_uri !== options.redirectUri) {
          return fail('invalid_grant', 'redirect_uri mismatch');
        }
        const challenge = challenges.get(p.code);
        if (challenge !== undefined) {
          if (!p.code_verifier) return fail('invalid_grant', 'code_verifier required');
          if (challengeS256(p.code_verifier) !== challenge) {
            return fail('invalid_grant', 'PKCE verification failed');
          }
        }
        codes.delete(p.code);
        return [200, issue()];
      }
      case 'refresh_token': {
        if (!p.refresh_token || !refreshTokens.has(p.refresh_token)) {
          return fail('invalid_grant', 'unknown refresh_token');
        }
        refreshTokens.delete(p.refresh_token);
        return [200, issue()];
      }
      default:
        return fail('unsupported_grant_type', `grant_type ${p.grant_type ?? '(missing)'}`);
    }
  }

  function issue(): IssuedTokens {
    const n = issued.length + 1;
    const tokens: IssuedTokens = {
      access_token: `fake-access-${n}`,
      refresh_token: `fake-refresh-${n}`,
      expires_in: expiresIn,
      token_type: 'Bearer',
    };
    refreshTokens.add(tokens.refresh_token);
    issued.push(tokens);
    return tokens;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    tokenUrl: `${url}/token`,
    port,
    requests,
    issued,
    addCode: (code) => {
      codes.add(code);
    },
    registerChallenge: (code, challenge) => {
      challenges.set(code, challenge);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve(); // closing twice is fine
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function parseParams(raw: string, contentType: string | undefined): Record<string, string> {
  if (contentType?.includes('application/json')) {
    try {
      const value: unknown = JSON.parse(raw);
      if (typeof value !== 'object' || value === null) return {};
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      );
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

function send(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}
