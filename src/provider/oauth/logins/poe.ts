import { LoginFailed, ProviderLogins } from '../login-method';
import { numberField, refusal, stringField } from '../oauth-http';
import { browserLogin, pkce } from './browser-login';

/** Poe's OAuth client for opencode, as the reference's Poe plugin uses it. */
const CLIENT_ID = 'client_728290227fc048cc9262091a1ea197ea';
const AUTHORIZE_URL = 'https://poe.com/oauth/authorize';
const TOKEN_URL = 'https://api.poe.com/token';
const BROWSER_TIMEOUT_MS = 5 * 60_000;

/**
 * Poe: a browser login with PKCE (no `state`, as Poe's flow has none) whose token answer is an
 * API key; stored as an OAuth credential whose access and refresh are that key, expiring when
 * Poe says it does (never, when it does not say).
 */
export const POE_LOGINS: ProviderLogins = {
  methods: [
    {
      type: 'oauth',
      label: 'Login with Poe (browser)',
      authorize: (_inputs, ctx) => {
        const { verifier, challenge } = pkce();
        return browserLogin(ctx, {
          loopback: { host: '127.0.0.1', port: 0, path: '/callback', provider: 'Poe' },
          timeoutMs: BROWSER_TIMEOUT_MS,
          instructions:
            'Complete authorization in your browser. This window will close automatically.',
          authorizeUrl: (redirectUri) => {
            const url = new URL(ctx.http.url(AUTHORIZE_URL));
            url.searchParams.set('response_type', 'code');
            url.searchParams.set('client_id', CLIENT_ID);
            url.searchParams.set('scope', 'apikey:create');
            url.searchParams.set('code_challenge', challenge);
            url.searchParams.set('code_challenge_method', 'S256');
            url.searchParams.set('redirect_uri', redirectUri);
            return url.toString();
          },
          finish: async (params, redirectUri) => {
            const answer = await ctx.http.request(TOKEN_URL, {
              form: {
                grant_type: 'authorization_code',
                code: params.get('code') ?? '',
                code_verifier: verifier,
                client_id: CLIENT_ID,
                redirect_uri: redirectUri,
              },
              signal: ctx.signal,
            });
            const key = stringField(answer.body, 'api_key');
            if (!answer.ok || !key)
              throw new LoginFailed(`Poe refused the code: ${refusal(answer)}`);
            const expiresIn = numberField(answer.body, 'api_key_expires_in');
            return {
              type: 'oauth',
              access: key,
              refresh: key,
              expires: expiresIn ? Date.now() + expiresIn * 1000 : Number.MAX_SAFE_INTEGER,
            };
          },
        });
      },
    },
    { type: 'api', label: 'Manually enter API Key' },
  ],
};
