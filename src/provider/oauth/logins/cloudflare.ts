import type { LoginPrompt, ProviderLogins } from '../login-method';

type Variables = Readonly<Record<string, string | undefined>>;

const ACCOUNT_PROMPT: LoginPrompt = {
  type: 'text',
  key: 'accountId',
  message: 'Enter your Cloudflare Account ID',
  placeholder: 'e.g. 1234567890abcdef1234567890abcdef',
};

const GATEWAY_PROMPT: LoginPrompt = {
  type: 'text',
  key: 'gatewayId',
  message: 'Enter your Cloudflare AI Gateway ID',
  placeholder: 'e.g. my-gateway',
};

/**
 * Cloudflare takes API keys only; the account (and gateway) the key belongs to are asked for
 * unless `CLOUDFLARE_ACCOUNT_ID` / `CLOUDFLARE_GATEWAY_ID` already say, as in the reference.
 */
export function cloudflareWorkersLogins(variables: Variables): ProviderLogins {
  return {
    methods: [
      {
        type: 'api',
        label: 'API key',
        prompts: variables.CLOUDFLARE_ACCOUNT_ID ? [] : [ACCOUNT_PROMPT],
      },
    ],
  };
}

export function cloudflareGatewayLogins(variables: Variables): ProviderLogins {
  return {
    methods: [
      {
        type: 'api',
        label: 'Gateway API token',
        prompts: [
          ...(variables.CLOUDFLARE_ACCOUNT_ID ? [] : [ACCOUNT_PROMPT]),
          ...(variables.CLOUDFLARE_GATEWAY_ID ? [] : [GATEWAY_PROMPT]),
        ],
      },
    ],
  };
}
