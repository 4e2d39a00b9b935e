import type { OAuthInfo } from '../../../auth/auth.types';
import {
  LoginContext,
  LoginFailed,
  LoginInputInvalid,
  LoginMethod,
  ProviderLogins,
  TextPrompt,
} from '../login-method';
import { numberField, OAuthAnswer, refusal, stringField } from '../oauth-http';
import { browserLogin, pkce, randomState } from './browser-login';

/** GitLab's OAuth application for opencode, as the reference's GitLab plugin uses it. */
const DEFAULT_CLIENT_ID = '1d89f9fdb23ee96d4e603201f6861dab6e143c5c3c00469a018a2d94bdc03d4e';
const DEFAULT_INSTANCE = 'https://gitlab.com';
/** Registered as the application's redirect URI: the port cannot be chosen. */
const CALLBACK_PORT = 8080;
const BROWSER_TIMEOUT_MS = 120_000;

function clientId(ctx: LoginContext): string {
  return ctx.variables.GITLAB_OAUTH_CLIENT_ID || DEFAULT_CLIENT_ID;
}

function defaultInstance(variables: Readonly<Record<string, string | undefined>>): string {
  return variables.GITLAB_INSTANCE_URL || DEFAULT_INSTANCE;
}

function validateInstanceUrl(value: string): string | undefined {
  if (!value.trim()) return undefined;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:'
      ? undefined
      : 'Instance URL must use http or https';
  } catch {
    return 'Enter a valid URL, e.g. https://gitlab.com';
  }
}

/** The instance's origin (`https://gitlab.example.com`), from the answer or the default. */
function instanceOrigin(ctx: LoginContext, value: string | undefined): string {
  const chosen = value?.trim() || defaultInstance(ctx.variables);
  try {
    return new URL(chosen).origin;
  } catch {
    throw new LoginInputInvalid('instanceUrl', `Invalid GitLab instance URL: ${chosen}`);
  }
}

function tokensOf(answer: OAuthAnswer, instance: string, failure: string): OAuthInfo {
  const access = stringField(answer.body, 'access_token');
  const refresh = stringField(answer.body, 'refresh_token');
  const expiresIn = numberField(answer.body, 'expires_in');
  if (!answer.ok || !access || !refresh || !expiresIn) {
    throw new LoginFailed(`${failure}: ${refusal(answer)}`);
  }
  return {
    type: 'oauth',
    access,
    refresh,
    expires: Date.now() + expiresIn * 1000,
    enterpriseUrl: instance,
  };
}

/**
 * GitLab (gitlab.com or a self-managed instance): OAuth in the browser with PKCE, redirected to
 * 127.0.0.1:8080, tokens stored with the instance as `enterpriseUrl`; or a personal access token.
 */
export function gitlabLogins(
  variables: Readonly<Record<string, string | undefined>>,
): ProviderLogins {
  const prompt: TextPrompt = {
    type: 'text',
    key: 'instanceUrl',
    message: 'GitLab instance URL',
    placeholder: defaultInstance(variables),
  };
  const oauth: LoginMethod = {
    type: 'oauth',
    label: 'GitLab OAuth',
    prompts: [prompt],
    validate: { instanceUrl: validateInstanceUrl },
    authorize: (inputs, ctx) => {
      const instance = instanceOrigin(ctx, inputs.instanceUrl);
      const { verifier, challenge } = pkce();
      const state = randomState();
      return browserLogin(ctx, {
        loopback: { host: '127.0.0.1', port: CALLBACK_PORT, path: '/callback', provider: 'GitLab' },
        timeoutMs: BROWSER_TIMEOUT_MS,
        instructions:
          'Your browser will open for authentication. The callback will be handled automatically.',
        state,
        authorizeUrl: (redirectUri) =>
          ctx.http.url(
            `${instance}/oauth/authorize?${new URLSearchParams({
              client_id: clientId(ctx),
              redirect_uri: redirectUri,
              response_type: 'code',
              state,
              scope: 'api',
              code_challenge: challenge,
              code_challenge_method: 'S256',
            }).toString()}`,
          ),
        finish: async (params, redirectUri) => {
          const answer = await ctx.http.request(`${instance}/oauth/token`, {
            form: {
              client_id: clientId(ctx),
              code: params.get('code') ?? '',
              grant_type: 'authorization_code',
              redirect_uri: redirectUri,
              code_verifier: verifier,
            },
            signal: ctx.signal,
          });
          return tokensOf(answer, instance, 'GitLab refused the code');
        },
      });
    },
  };
  return {
    methods: [
      oauth,
      {
        type: 'api',
        label: 'GitLab Personal Access Token',
        prompts: [prompt],
        validate: { instanceUrl: validateInstanceUrl },
      },
    ],
    refresh: async (current, ctx) => {
      const instance = current.enterpriseUrl || defaultInstance(ctx.variables);
      const answer = await ctx.http.request(`${instance}/oauth/token`, {
        form: {
          client_id: clientId(ctx),
          refresh_token: current.refresh,
          grant_type: 'refresh_token',
        },
      });
      return tokensOf(answer, instance, 'GitLab refused the refresh');
    },
  };
}
