import type { OAuthInfo } from '../../../auth/auth.types';
import { LoginContext, LoginFailed, ProviderLogins, sleep } from '../login-method';
import { numberField, refusal, stringField } from '../oauth-http';

/** xAI's OAuth client for opencode (SuperGrok subscriptions), as the reference's xAI plugin. */
const CLIENT_ID = 'b1a00492-073a-47ea-816f-4c329264a828';
const TOKEN_URL = 'https://auth.x.ai/oauth2/token';
const DEVICE_CODE_URL = 'https://auth.x.ai/oauth2/device/code';
const SCOPE = 'openid profile email offline_access grok-cli:access api:access';
const DEFAULT_INTERVAL_MS = 5000;
const MIN_INTERVAL_MS = 1000;
const SLOW_DOWN_STEP_MS = 5000;
const DEFAULT_TTL_MS = 5 * 60_000;
const POLL_MARGIN_MS = 3000;

function headers(ctx: LoginContext): Record<string, string> {
  return { 'user-agent': ctx.userAgent };
}

/**
 * xAI's device flow: `authorize` answers the verification page (with the code in it when xAI
 * gives such a link) and the code to enter; the callback polls until approved, denied or expired.
 */
export const XAI_LOGINS: ProviderLogins = {
  methods: [
    {
      type: 'oauth',
      label: 'SuperGrok Subscription',
      authorize: async (_inputs, ctx) => {
        const started = await ctx.http.request(DEVICE_CODE_URL, {
          form: { client_id: CLIENT_ID, scope: SCOPE, referrer: 'opencode' },
          headers: headers(ctx),
          signal: ctx.signal,
        });
        const deviceCode = stringField(started.body, 'device_code');
        const userCode = stringField(started.body, 'user_code');
        const verificationUri = stringField(started.body, 'verification_uri');
        if (!started.ok || !deviceCode || !userCode || !verificationUri) {
          throw new LoginFailed(`xAI did not start the device login: ${refusal(started)}`);
        }
        const ttlS = numberField(started.body, 'expires_in');
        const expiresAt = Date.now() + (ttlS ? ttlS * 1000 : DEFAULT_TTL_MS);
        const intervalS = numberField(started.body, 'interval');
        const intervalMs = Math.max(
          intervalS ? intervalS * 1000 : DEFAULT_INTERVAL_MS,
          MIN_INTERVAL_MS,
        );
        return {
          url: stringField(started.body, 'verification_uri_complete') ?? verificationUri,
          method: 'auto',
          instructions: `Open ${verificationUri} on any device and enter code: ${userCode}`,
          complete: () => poll(ctx, deviceCode, intervalMs, expiresAt),
          cancel: () => undefined,
        };
      },
    },
    { type: 'api', label: 'Manually enter API Key' },
  ],
  refresh: async (current, ctx) => {
    const answer = await ctx.http.request(TOKEN_URL, {
      form: { grant_type: 'refresh_token', refresh_token: current.refresh, client_id: CLIENT_ID },
      headers: headers(ctx),
    });
    const access = stringField(answer.body, 'access_token');
    if (!answer.ok || !access) {
      throw new LoginFailed(`xAI refused the refresh: ${refusal(answer)}`);
    }
    return {
      type: 'oauth',
      access,
      refresh: stringField(answer.body, 'refresh_token') ?? current.refresh,
      expires: Date.now() + (numberField(answer.body, 'expires_in') ?? 3600) * 1000,
    };
  },
};

async function poll(
  ctx: LoginContext,
  deviceCode: string,
  initialIntervalMs: number,
  expiresAt: number,
): Promise<OAuthInfo> {
  let intervalMs = initialIntervalMs;
  while (Date.now() < expiresAt) {
    const answer = await ctx.http.request(TOKEN_URL, {
      form: {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: CLIENT_ID,
        device_code: deviceCode,
      },
      headers: headers(ctx),
      signal: ctx.signal,
    });
    const access = stringField(answer.body, 'access_token');
    if (answer.ok) {
      const refresh = stringField(answer.body, 'refresh_token');
      if (!access || !refresh) throw new LoginFailed('xAI answered no tokens');
      return {
        type: 'oauth',
        refresh,
        access,
        expires: Date.now() + (numberField(answer.body, 'expires_in') ?? 3600) * 1000,
      };
    }
    const error = stringField(answer.body, 'error');
    if (error === 'slow_down') intervalMs += SLOW_DOWN_STEP_MS;
    else if (error === 'access_denied' || error === 'authorization_denied') {
      throw new LoginFailed('xAI device authorization was denied');
    } else if (error === 'expired_token') {
      throw new LoginFailed(
        'The device code expired before it was approved: start the login again',
      );
    } else if (error !== 'authorization_pending') {
      throw new LoginFailed(`xAI refused the device login: ${refusal(answer)}`);
    }
    await sleep(
      Math.min(intervalMs + POLL_MARGIN_MS, Math.max(0, expiresAt - Date.now())),
      ctx.signal,
    );
  }
  throw new LoginFailed('The device code expired before it was approved: start the login again');
}
