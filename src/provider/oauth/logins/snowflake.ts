import type { OAuthInfo } from '../../../auth/auth.types';
import {
  LoginContext,
  LoginFailed,
  LoginInputInvalid,
  LoginPrompt,
  ProviderLogins,
} from '../login-method';
import { numberField, OAuthAnswer, refusal, stringField } from '../oauth-http';
import { browserLogin, pkce, randomState } from './browser-login';

/** Snowflake's built-in OAuth client for local applications (its secret is its name). */
const CLIENT_ID = 'LOCAL_APPLICATION';
const BROWSER_TIMEOUT_MS = 5 * 60_000;

const ACCOUNT_PROMPT: LoginPrompt = {
  type: 'text',
  key: 'account',
  message: 'Snowflake Account Identifier',
  placeholder: 'myorg-myaccount',
};
const ROLE_PROMPT: LoginPrompt = {
  type: 'text',
  key: 'role',
  message: 'Snowflake Role (optional)',
  placeholder: 'PUBLIC',
};

function validateAccount(value: string): string | undefined {
  return value.trim() ? undefined : 'Required';
}

/** `https://myorg-myaccount.snowflakecomputing.com/` → `myorg-myaccount`. */
function accountOf(value: string | undefined): string {
  const account = (value ?? '')
    .trim()
    .replace(/^https?:\/\//, '')
    .replace(/\.snowflakecomputing\.com\/?$/, '')
    .replace(/\/+$/, '');
  // Deliberate difference: the reference fails with a 500 without an account, and puts any
  // text into the host name; here both are a 400 naming the field.
  if (!account) throw new LoginInputInvalid('account', 'Snowflake account is required');
  if (!/^[A-Za-z0-9._-]+$/.test(account)) {
    throw new LoginInputInvalid('account', 'Enter the account identifier, e.g. myorg-myaccount');
  }
  return account;
}

/** The scope asking for a refresh token, in the role when one is named. */
function scopeOf(role: string | undefined): string {
  if (!role) return 'refresh_token';
  return /^[-_A-Za-z0-9]+$/.test(role)
    ? `refresh_token session:role:${role}`
    : `refresh_token session:role-encoded:${encodeURIComponent(role)}`;
}

function tokenRequest(ctx: LoginContext, account: string, form: Record<string, string>) {
  return ctx.http.request(`https://${account}.snowflakecomputing.com/oauth/token-request`, {
    form,
    headers: {
      authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_ID}`).toString('base64')}`,
      'user-agent': ctx.userAgent,
    },
    signal: ctx.signal,
  });
}

function tokensOf(
  answer: OAuthAnswer,
  account: string,
  previousRefresh: string | undefined,
  failure: string,
): OAuthInfo {
  const access = stringField(answer.body, 'access_token');
  const refresh = stringField(answer.body, 'refresh_token') ?? previousRefresh;
  if (!answer.ok || !access) throw new LoginFailed(`${failure}: ${refusal(answer)}`);
  if (!refresh) {
    throw new LoginFailed(
      'Snowflake issued no refresh token: the integration must issue them (scope refresh_token)',
    );
  }
  return {
    type: 'oauth',
    refresh,
    access,
    expires: Date.now() + (numberField(answer.body, 'expires_in') ?? 600) * 1000,
    accountId: account,
  };
}

/** Snowflake Cortex: a browser login with PKCE against the account's own host, or a token. */
export const SNOWFLAKE_LOGINS: ProviderLogins = {
  methods: [
    {
      type: 'oauth',
      label: 'Login with Snowflake (External Browser)',
      prompts: [ACCOUNT_PROMPT, ROLE_PROMPT],
      validate: { account: validateAccount },
      authorize: (inputs, ctx) => {
        const account = accountOf(inputs.account);
        const role = inputs.role?.trim() || undefined;
        const { verifier, challenge } = pkce();
        const state = randomState();
        return browserLogin(ctx, {
          loopback: { host: '127.0.0.1', port: 0, path: '/', provider: 'Snowflake' },
          timeoutMs: BROWSER_TIMEOUT_MS,
          instructions:
            'Complete Snowflake sign-in in your browser. OpenCode will capture the OAuth callback and store the bearer token automatically.',
          state,
          authorizeUrl: (redirectUri) =>
            ctx.http.url(
              `https://${account}.snowflakecomputing.com/oauth/authorize?${new URLSearchParams({
                client_id: CLIENT_ID,
                response_type: 'code',
                redirect_uri: redirectUri,
                scope: scopeOf(role),
                state,
                code_challenge: challenge,
                code_challenge_method: 'S256',
              }).toString()}`,
            ),
          finish: async (params, redirectUri) => {
            const answer = await tokenRequest(ctx, account, {
              grant_type: 'authorization_code',
              code: params.get('code') ?? '',
              redirect_uri: redirectUri,
              client_id: CLIENT_ID,
              code_verifier: verifier,
            });
            return tokensOf(answer, account, undefined, 'Snowflake refused the code');
          },
        });
      },
    },
    { type: 'api', label: 'Paste PAT or bearer token manually', prompts: [ACCOUNT_PROMPT] },
  ],
  refresh: async (current, ctx) => {
    if (!current.accountId) return current;
    const answer = await tokenRequest(ctx, current.accountId, {
      grant_type: 'refresh_token',
      refresh_token: current.refresh,
      client_id: CLIENT_ID,
    });
    return tokensOf(answer, current.accountId, current.refresh, 'Snowflake refused the refresh');
  },
};
