/**
 * The OAuth logins the server offers, per provider, as the reference's auth plugins offer them.
 * Only Anthropic's "Claude Pro/Max" code flow is here: the reference's OpenAI (ChatGPT) login
 * talks to a different API than the catalog's OpenAI provider, and GitHub Copilot is not in the
 * catalog; both are left out rather than stored as credentials nothing could use.
 */
export interface OAuthMethod {
  label: string;
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  /** Extra query parameters of the authorize URL. */
  params?: Record<string, string>;
  /** Shown by clients next to the field where the user pastes the code. */
  instructions: string;
}

export const OAUTH_METHODS: Readonly<Record<string, readonly OAuthMethod[]>> = {
  anthropic: [
    {
      label: 'Claude Pro/Max',
      authorizeUrl: 'https://claude.ai/oauth/authorize',
      tokenUrl: 'https://console.anthropic.com/v1/oauth/token',
      // Anthropic's public client id for CLI logins, as the reference uses it.
      clientId: '9d1c250a-e61b-44d9-88ed-5944d1962f5e',
      redirectUri: 'https://console.anthropic.com/oauth/code/callback',
      scope: 'org:create_api_key user:profile user:inference',
      params: { code: 'true' },
      instructions: 'Paste the authorization code here: ',
    },
  ],
};

/** The label of the API-key method every provider has. */
export const API_KEY_METHOD_LABEL = 'Manually enter API Key';
