import type { ProviderLogins } from './login-method';
import { azureLogins } from './logins/azure';
import { cloudflareGatewayLogins, cloudflareWorkersLogins } from './logins/cloudflare';
import { DIGITALOCEAN_LOGINS } from './logins/digitalocean';
import { GITHUB_COPILOT_LOGINS } from './logins/github-copilot';
import { gitlabLogins } from './logins/gitlab';
import { OPENAI_LOGINS } from './logins/openai';
import { POE_LOGINS } from './logins/poe';
import { SNOWFLAKE_LOGINS } from './logins/snowflake';
import { XAI_LOGINS } from './logins/xai';

/**
 * The providers whose logins store OAuth tokens (rather than an API key): their stored
 * credentials are `type: "oauth"`.
 */
export const OAUTH_LOGIN_PROVIDERS: ReadonlySet<string> = new Set([
  'openai',
  'github-copilot',
  'gitlab',
  'poe',
  'azure',
  'snowflake-cortex',
  'xai',
]);

/**
 * The login methods of each provider that has any, in the reference's order (that of its
 * built-in auth plugins: OpenAI, GitHub Copilot, GitLab, Poe, Cloudflare, Azure, DigitalOcean,
 * Snowflake, xAI). Providers not listed are connected with an API key (`PUT /auth/{id}`) or
 * their environment variables, which clients offer without being told. Some prompts depend on
 * the environment (`CLOUDFLARE_ACCOUNT_ID`, `AZURE_RESOURCE_NAME`, `GITLAB_INSTANCE_URL`), and
 * Azure's Entra ID login is offered only where the Azure CLI is installed, as in the reference.
 */
export function providerLogins(
  variables: Readonly<Record<string, string | undefined>>,
  hasAzureCli: boolean,
): Record<string, ProviderLogins> {
  return {
    openai: OPENAI_LOGINS,
    'github-copilot': GITHUB_COPILOT_LOGINS,
    gitlab: gitlabLogins(variables),
    poe: POE_LOGINS,
    'cloudflare-workers-ai': cloudflareWorkersLogins(variables),
    'cloudflare-ai-gateway': cloudflareGatewayLogins(variables),
    azure: azureLogins(variables, hasAzureCli),
    digitalocean: DIGITALOCEAN_LOGINS,
    'snowflake-cortex': SNOWFLAKE_LOGINS,
    xai: XAI_LOGINS,
  };
}
