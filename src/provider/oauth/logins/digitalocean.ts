import { randomBytes } from 'node:crypto';
import { LoginContext, LoginFailed, ProviderLogins } from '../login-method';
import { stringField } from '../oauth-http';
import { browserLogin } from './browser-login';

/** DigitalOcean's OAuth application for opencode, as the reference's plugin uses it. */
const CLIENT_ID = 'b1a6c5158156caac821fd1b30253ca8acb52454a48fa744420e41889cb589f82';
const AUTHORIZE_URL = 'https://cloud.digitalocean.com/v1/oauth/authorize';
const ROUTERS_URL = 'https://api.digitalocean.com/v2/gen-ai/models/routers';
const SCOPES = 'genai:read inference:query';
/** Registered as the application's redirect URI: the port cannot be chosen. */
const CALLBACK_PORT = 1456;
const BROWSER_TIMEOUT_MS = 5 * 60_000;
/** DigitalOcean's tokens live 30 days when the redirect does not say. */
const DEFAULT_EXPIRES_IN_S = 2_592_000;

interface Router {
  name: string;
  uuid?: string;
  description?: string;
}

/**
 * DigitalOcean: an implicit grant (the token arrives in the redirect's fragment, which the
 * landing page posts back to the receiver). The token is stored as an API key, with when it
 * expires and the account's inference routers in `metadata`, as the reference stores them.
 */
export const DIGITALOCEAN_LOGINS: ProviderLogins = {
  methods: [
    {
      type: 'oauth',
      label: 'Login with DigitalOcean',
      authorize: (_inputs, ctx) => {
        const state = randomBytes(32).toString('hex');
        return browserLogin(ctx, {
          loopback: {
            host: 'localhost',
            port: CALLBACK_PORT,
            path: '/auth/callback',
            provider: 'DigitalOcean',
            fragmentPostPath: '/auth/token',
          },
          timeoutMs: BROWSER_TIMEOUT_MS,
          instructions:
            'Sign in to DigitalOcean in your browser. OpenCode will use your DigitalOcean API token directly for inference and load your Inference Routers. Re-run /connect to refresh routers later.',
          state,
          authorizeUrl: (redirectUri) =>
            ctx.http.url(
              `${AUTHORIZE_URL}?${new URLSearchParams({
                response_type: 'token',
                client_id: CLIENT_ID,
                redirect_uri: redirectUri,
                scope: SCOPES,
                state,
              }).toString()}`,
            ),
          finish: async (params) => {
            const token = params.get('access_token');
            if (!token) throw new LoginFailed('DigitalOcean answered no access token');
            const expiresIn = Number.parseInt(params.get('expires_in') ?? '0', 10);
            const now = Date.now();
            const routers = await fetchRouters(ctx, token);
            return {
              type: 'api',
              key: token,
              metadata: {
                oauth_access: token,
                oauth_expires: String(
                  now + (expiresIn > 0 ? expiresIn : DEFAULT_EXPIRES_IN_S) * 1000,
                ),
                oauth_scopes: SCOPES,
                routers: JSON.stringify(routers),
                routers_fetched_at: String(now),
              },
            };
          },
        });
      },
    },
    { type: 'api', label: 'Paste Model Access Key' },
  ],
};

/** The account's inference routers; none when DigitalOcean does not answer (as the reference). */
async function fetchRouters(ctx: LoginContext, token: string): Promise<Router[]> {
  const answer = await ctx.http
    .request(ROUTERS_URL, {
      headers: { authorization: `Bearer ${token}`, 'user-agent': ctx.userAgent },
      signal: ctx.signal,
    })
    .catch(() => undefined);
  const listed = answer?.ok ? answer.body?.model_routers : undefined;
  if (!Array.isArray(listed)) return [];
  return listed.flatMap((entry: unknown) => {
    const router = entry as Record<string, unknown> | null;
    const name = stringField(router ?? undefined, 'name');
    if (!name) return [];
    const uuid = stringField(router ?? undefined, 'uuid');
    const description = stringField(router ?? undefined, 'description');
    return [{ name, ...(uuid && { uuid }), ...(description && { description }) }];
  });
}
