import type { OAuthInfo } from '../../../auth/auth.types';
import { LoginContext, LoginFailed, ProviderLogins, sleep } from '../login-method';
import { numberField, OAuthAnswer, refusal, stringField } from '../oauth-http';
import { browserLogin, pkce, randomState } from './browser-login';

/** The ChatGPT (Codex) logins, as the reference's built-in OpenAI auth plugin offers them. */
const CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';
const ISSUER = 'https://auth.openai.com';
/** Registered with OpenAI for this client: the port cannot be chosen. */
const CALLBACK_PORT = 1455;
const BROWSER_TIMEOUT_MS = 5 * 60_000;
/** Added to the polling interval, as the reference does, so a slow clock never polls early. */
const POLL_MARGIN_MS = 3000;
/** Device codes of OpenAI live 15 minutes; the reference polls without a limit. */
const DEVICE_CODE_TTL_MS = 15 * 60_000;

export const OPENAI_LOGINS: ProviderLogins = {
  methods: [
    {
      type: 'oauth',
      id: 'chatgpt-browser',
      label: 'ChatGPT Pro/Plus (browser)',
      authorize: (_inputs, ctx) => {
        const { verifier, challenge } = pkce();
        const state = randomState();
        return browserLogin(ctx, {
          loopback: {
            host: 'localhost',
            port: CALLBACK_PORT,
            path: '/auth/callback',
            provider: 'ChatGPT',
          },
          timeoutMs: BROWSER_TIMEOUT_MS,
          instructions:
            'Complete authorization in your browser. This window will close automatically.',
          state,
          authorizeUrl: (redirectUri) =>
            ctx.http.url(
              `${ISSUER}/oauth/authorize?${new URLSearchParams({
                response_type: 'code',
                client_id: CLIENT_ID,
                redirect_uri: redirectUri,
                scope: 'openid profile email offline_access',
                code_challenge: challenge,
                code_challenge_method: 'S256',
                id_token_add_organizations: 'true',
                codex_cli_simplified_flow: 'true',
                state,
                originator: 'opencode',
              }).toString()}`,
            ),
          finish: (params, redirectUri) =>
            exchangeCode(ctx, params.get('code') ?? '', redirectUri, verifier),
        });
      },
    },
    {
      type: 'oauth',
      id: 'chatgpt-headless',
      label: 'ChatGPT Pro/Plus (headless)',
      authorize: async (_inputs, ctx) => {
        const started = await ctx.http.request(`${ISSUER}/api/accounts/deviceauth/usercode`, {
          json: { client_id: CLIENT_ID },
          headers: { 'user-agent': ctx.userAgent },
          signal: ctx.signal,
        });
        const deviceAuthId = stringField(started.body, 'device_auth_id');
        const userCode = stringField(started.body, 'user_code');
        if (!started.ok || !deviceAuthId || !userCode) {
          throw new LoginFailed(`OpenAI did not start the device login: ${refusal(started)}`);
        }
        const interval = Math.max(Math.trunc(numberField(started.body, 'interval') ?? 5), 1);
        return {
          url: ctx.http.url(`${ISSUER}/codex/device`),
          method: 'auto',
          instructions: `Enter code: ${userCode}`,
          complete: () => pollDevice(ctx, deviceAuthId, userCode, interval * 1000),
          cancel: () => undefined,
        };
      },
    },
    { type: 'api', label: 'Manually enter API Key' },
  ],
  refresh: async (current, ctx) => {
    const answer = await ctx.http.request(`${ISSUER}/oauth/token`, {
      form: { grant_type: 'refresh_token', refresh_token: current.refresh, client_id: CLIENT_ID },
    });
    const tokens = tokensOf(answer, 'OpenAI refused the refresh');
    return { ...tokens, accountId: tokens.accountId ?? current.accountId };
  },
};

async function pollDevice(
  ctx: LoginContext,
  deviceAuthId: string,
  userCode: string,
  intervalMs: number,
): Promise<OAuthInfo> {
  const deadline = Date.now() + DEVICE_CODE_TTL_MS;
  while (Date.now() < deadline) {
    const answer = await ctx.http.request(`${ISSUER}/api/accounts/deviceauth/token`, {
      json: { device_auth_id: deviceAuthId, user_code: userCode },
      headers: { 'user-agent': ctx.userAgent },
      signal: ctx.signal,
    });
    if (answer.ok) {
      const code = stringField(answer.body, 'authorization_code');
      const verifier = stringField(answer.body, 'code_verifier');
      if (!code || !verifier) throw new LoginFailed('OpenAI answered no authorization code');
      return exchangeCode(ctx, code, `${ISSUER}/deviceauth/callback`, verifier);
    }
    // 403 and 404 mean "not approved yet"; anything else ends the login, as in the reference.
    if (answer.status !== 403 && answer.status !== 404) {
      throw new LoginFailed(`OpenAI refused the device login: ${refusal(answer)}`);
    }
    await sleep(intervalMs + POLL_MARGIN_MS, ctx.signal);
  }
  throw new LoginFailed('The device code expired before it was approved: start the login again');
}

async function exchangeCode(
  ctx: LoginContext,
  code: string,
  redirectUri: string,
  verifier: string,
): Promise<OAuthInfo> {
  const answer = await ctx.http.request(`${ISSUER}/oauth/token`, {
    form: {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: CLIENT_ID,
      code_verifier: verifier,
    },
    signal: ctx.signal,
  });
  return tokensOf(answer, 'OpenAI refused the code');
}

function tokensOf(answer: OAuthAnswer, failure: string): OAuthInfo {
  const access = stringField(answer.body, 'access_token');
  const refresh = stringField(answer.body, 'refresh_token');
  if (!answer.ok || !access || !refresh) throw new LoginFailed(`${failure}: ${refusal(answer)}`);
  const accountId = accountIdOf(stringField(answer.body, 'id_token')) ?? accountIdOf(access);
  return {
    type: 'oauth',
    refresh,
    access,
    expires: Date.now() + (numberField(answer.body, 'expires_in') ?? 3600) * 1000,
    ...(accountId && { accountId }),
  };
}

/** The ChatGPT account a token belongs to, from its JWT claims (the reference's three places). */
function accountIdOf(token: string | undefined): string | undefined {
  const payload = token?.split('.')[1];
  if (!payload || token?.split('.').length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      chatgpt_account_id?: string;
      'https://api.openai.com/auth'?: { chatgpt_account_id?: string };
      organizations?: { id?: string }[];
    };
    return (
      claims.chatgpt_account_id ??
      claims['https://api.openai.com/auth']?.chatgpt_account_id ??
      claims.organizations?.[0]?.id
    );
  } catch {
    return undefined;
  }
}
