/**
 * A hermetic fake of the providers' login servers (GitHub, OpenAI, xAI, GitLab, Poe, Snowflake,
 * DigitalOcean) on 127.0.0.1, for the provider login flows. Each provider lives under its own
 * path prefix; `hosts` is the `OPENCODE_OAUTH_HOSTS` value that sends the real hosts here.
 *
 * - Device flows (`/github`, `/ghe`, `/xai`, `/openai` headless): the device code answers
 *   `interval: 0`; each poll takes the next outcome of `device` (`pending`, `slow_down`,
 *   `denied`, `expired`), then `granted` once the script is empty.
 * - Browser flows: `GET .../oauth/authorize` plays the provider's sign-in page and the user:
 *   it answers a 302 to the `redirect_uri` with a fresh code and the `state` (the token in the
 *   fragment for `response_type=token`), or `error=access_denied` when `deny` is set. It
 *   remembers the PKCE challenge, and the token endpoint checks the verifier, `client_id` and
 *   `redirect_uri` against it; codes are single use.
 * - Tokens are unique strings (`<prefix>-access-<n>`), so tests can look for them in answers
 *   and logs.
 */
import { createHash } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export type DeviceOutcome = 'pending' | 'slow_down' | 'denied' | 'expired';

export interface RecordedLoginRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Query, form or JSON fields. */
  params: Record<string, string>;
}

export interface FakeLoginServer {
  readonly url: string;
  /** `OPENCODE_OAUTH_HOSTS`: every provider host mapped to its prefix here. */
  readonly hosts: Record<string, string>;
  readonly requests: RecordedLoginRequest[];
  /** Outcomes of the next device polls, in order (then `granted`). */
  device: DeviceOutcome[];
  /** When set, the sign-in pages refuse (redirect with `error=access_denied`). */
  deny: boolean;
  /** Every token, key and code handed out. */
  readonly secrets: string[];
  close(): Promise<void>;
}

interface IssuedCode {
  prefix: string;
  clientId: string;
  redirectUri: string;
  challenge?: string;
}

/** An unsigned JWT carrying ChatGPT's account claim, as OpenAI's id tokens do. */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.sig`;
}

export async function startFakeLoginServer(): Promise<FakeLoginServer> {
  const requests: RecordedLoginRequest[] = [];
  const secrets: string[] = [];
  const codes = new Map<string, IssuedCode>();
  let counter = 0;
  const next = (kind: string, prefix: string) => {
    const value = `${prefix}-${kind}-${++counter}`;
    secrets.push(value);
    return value;
  };

  const state: FakeLoginServer = {
    url: '',
    hosts: {},
    requests,
    device: [],
    deny: false,
    secrets,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('fake-login-server:', error);
      res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const params =
      req.method === 'GET'
        ? Object.fromEntries(url.searchParams)
        : parseParams(raw, req.headers['content-type']);
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      headers: req.headers,
      params,
    });
    const [, prefix, ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;

    if (req.method === 'GET' && /^\/(v1\/)?oauth\/authorize$/.test(path)) {
      authorizePage(res, prefix, params);
      return;
    }
    switch (`${prefix} ${req.method} ${path}`) {
      case 'github POST /login/device/code':
      case 'ghe POST /login/device/code':
        return send(res, 200, {
          device_code: next('device', prefix),
          user_code: 'ABCD-1234',
          verification_uri: `https://${prefix === 'ghe' ? 'ghe.example.com' : 'github.com'}/login/device`,
          interval: 0,
          expires_in: 900,
        });
      case 'github POST /login/oauth/access_token':
      case 'ghe POST /login/oauth/access_token': {
        const outcome = deviceOutcome();
        if (outcome) return send(res, 200, { error: outcome, error_description: outcome });
        return send(res, 200, { access_token: next('token', 'gho'), token_type: 'bearer' });
      }
      case 'xai POST /oauth2/device/code':
        return send(res, 200, {
          device_code: next('device', 'xai'),
          user_code: 'XAI-CODE',
          verification_uri: 'https://accounts.x.ai/device',
          verification_uri_complete: 'https://accounts.x.ai/device?code=XAI-CODE',
          interval: 0,
          expires_in: 600,
        });
      case 'xai POST /oauth2/token': {
        if (params.grant_type === 'refresh_token') {
          return send(res, 200, { access_token: next('access', 'xai'), expires_in: 3600 });
        }
        const outcome = deviceOutcome();
        if (outcome) return send(res, 400, { error: outcome });
        return send(res, 200, {
          access_token: next('access', 'xai'),
          refresh_token: next('refresh', 'xai'),
          expires_in: 3600,
        });
      }
      case 'openai POST /api/accounts/deviceauth/usercode':
        return send(res, 200, {
          device_auth_id: next('device', 'openai'),
          user_code: 'OPENAI-1',
          interval: '0',
        });
      case 'openai POST /api/accounts/deviceauth/token': {
        const outcome = deviceOutcome();
        if (outcome === 'pending') return send(res, 403, { error: 'authorization_pending' });
        if (outcome) return send(res, 400, { error: outcome });
        const verifier = next('verifier', 'openai');
        const code = next('code', 'openai');
        codes.set(code, {
          prefix: 'openai',
          clientId: 'app_EMoamEEZ73f0CkXaXp7hrann',
          redirectUri: 'https://auth.openai.com/deviceauth/callback',
          challenge: createHash('sha256').update(verifier).digest('base64url'),
        });
        return send(res, 200, { authorization_code: code, code_verifier: verifier });
      }
      case 'openai POST /oauth/token':
      case 'gitlab POST /oauth/token':
      case 'poe-api POST /token':
      case 'snowflake POST /oauth/token-request':
        return token(res, prefix === 'poe-api' ? 'poe' : prefix, params);
      case 'do-api GET /v2/gen-ai/models/routers':
        if (!req.headers.authorization?.startsWith('Bearer do-access-')) {
          return send(res, 401, { id: 'unauthorized' });
        }
        return send(res, 200, {
          model_routers: [{ name: 'fast', uuid: 'r-1', description: 'Fast router' }],
        });
      default:
        return send(res, 404, { error: 'not_found' });
    }
  }

  function deviceOutcome(): string | undefined {
    const outcome = state.device.shift();
    if (outcome === 'pending') return 'authorization_pending';
    if (outcome === 'denied') return 'access_denied';
    if (outcome === 'expired') return 'expired_token';
    return outcome;
  }

  function authorizePage(res: ServerResponse, prefix: string, params: Record<string, string>) {
    const target = new URL(params.redirect_uri);
    if (state.deny) {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'The user denied access');
      if (params.state) target.searchParams.set('state', params.state);
    } else if (params.response_type === 'token') {
      target.hash = new URLSearchParams({
        access_token: next('access', prefix),
        token_type: 'bearer',
        expires_in: '2592000',
        state: params.state ?? '',
      }).toString();
    } else {
      const code = next('code', prefix);
      codes.set(code, {
        prefix,
        clientId: params.client_id,
        redirectUri: params.redirect_uri,
        challenge: params.code_challenge,
      });
      target.searchParams.set('code', code);
      if (params.state) target.searchParams.set('state', params.state);
    }
    res.writeHead(302, { location: target.toString() });
    res.end();
  }

  function token(res: ServerResponse, prefix: string, p: Record<string, string>) {
    const fail = (description: string) =>
      send(res, 400, { error: 'invalid_grant', error_description: description });
    if (p.grant_type === 'refresh_token') {
      if (!p.refresh_token || !secrets.includes(p.refresh_token))
        return fail('unknown refresh token');
      return send(res, 200, tokens(prefix));
    }
    if (p.grant_type !== 'authorization_code') return fail('unsupported grant');
    const issued = codes.get(p.code);
    if (!issued || issued.prefix !== prefix) return fail('unknown or used code');
    codes.delete(p.code);
    if (issued.clientId !== p.client_id) return fail('client_id mismatch');
    if (issued.redirectUri !== p.redirect_uri) return fail('redirect_uri mismatch');
    if (issued.challenge !== undefined) {
      const hashed = createHash('sha256')
        .update(p.code_verifier ?? '')
        .digest('base64url');
      if (hashed !== issued.challenge) return fail('PKCE verification failed');
    }
    return send(res, 200, tokens(prefix));
  }

  function tokens(prefix: string): object {
    if (prefix === 'poe') return { api_key: next('key', 'poe'), api_key_expires_in: 86400 };
    const access = next('access', prefix);
    return {
      access_token: access,
      refresh_token: next('refresh', prefix),
      expires_in: 3600,
      token_type: 'Bearer',
      ...(prefix === 'openai' && {
        id_token: fakeJwt({ 'https://api.openai.com/auth': { chatgpt_account_id: 'acct-42' } }),
      }),
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(state, {
    url,
    hosts: {
      'github.com': `${url}/github`,
      'ghe.example.com': `${url}/ghe`,
      'auth.openai.com': `${url}/openai`,
      'auth.x.ai': `${url}/xai`,
      'gitlab.example.com': `${url}/gitlab`,
      'poe.com': `${url}/poe`,
      'api.poe.com': `${url}/poe-api`,
      'acme.snowflakecomputing.com': `${url}/snowflake`,
      'cloud.digitalocean.com': `${url}/do`,
      'api.digitalocean.com': `${url}/do-api`,
    },
  });
  return state;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseParams(raw: string, contentType: string | undefined): Record<string, string> {
  if (!raw) return {};
  if (contentType?.includes('application/json')) {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
