import {
  LoginFailed,
  LoginInputInvalid,
  LoginMethod,
  LoginPrompt,
  ProviderLogins,
} from '../login-method';

type Variables = Readonly<Record<string, string | undefined>>;

/** The scope Azure OpenAI / AI Foundry tokens are asked for. */
const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';
/** What the reference stores in place of a token: the CLI is asked for one at each request. */
const OAUTH_PLACEHOLDER = 'opencode-oauth-dummy-key';
const ONE_YEAR_MS = 31_536_000_000;

/**
 * Azure: an API key for a resource, or (when the Azure CLI is installed) Microsoft Entra ID
 * through `az`: the login checks that `az account get-access-token` works and stores the
 * resource name; tokens are fetched from the CLI when the provider is called. The resource name
 * is asked for unless `AZURE_RESOURCE_NAME` says.
 */
export function azureLogins(variables: Variables, hasAzureCli: boolean): ProviderLogins {
  const prompts: LoginPrompt[] = variables.AZURE_RESOURCE_NAME
    ? []
    : [
        {
          type: 'text',
          key: 'resourceName',
          message: 'Enter Azure Resource Name',
          placeholder: 'e.g. my-models',
        },
      ];
  const entra: LoginMethod = {
    type: 'oauth',
    label: 'Microsoft Entra ID (Azure CLI)',
    prompts,
    authorize: (inputs, ctx) => {
      const resourceName = inputs.resourceName || ctx.variables.AZURE_RESOURCE_NAME;
      // Deliberate difference: the reference finds the name missing only in the callback (a 500).
      if (!resourceName) {
        return Promise.reject(
          new LoginInputInvalid('resourceName', 'Azure Resource Name is required'),
        );
      }
      return Promise.resolve({
        url: '',
        method: 'auto',
        instructions: 'Sign in with `az login` before continuing.',
        complete: async () => {
          const run = ctx.azure;
          if (!run) throw new LoginFailed('The Azure CLI (az) is not installed');
          const output = await run([
            'account',
            'get-access-token',
            '--scope',
            COGNITIVE_SERVICES_SCOPE,
            '--output',
            'json',
          ]).catch((error: Error) => {
            throw new LoginFailed(
              `The Azure CLI could not get a token (run az login): ${error.message}`,
            );
          });
          const token = parseToken(output);
          if (!token)
            throw new LoginFailed('The Azure CLI answered no access token (run az login)');
          return {
            type: 'oauth',
            access: OAUTH_PLACEHOLDER,
            refresh: OAUTH_PLACEHOLDER,
            expires: Date.now() + ONE_YEAR_MS,
            accountId: resourceName,
          };
        },
        cancel: () => undefined,
      });
    },
  };
  return {
    methods: [{ type: 'api', label: 'API key', prompts }, ...(hasAzureCli ? [entra] : [])],
  };
}

function parseToken(output: string): string | undefined {
  try {
    const parsed = JSON.parse(output) as { accessToken?: unknown };
    return typeof parsed.accessToken === 'string' && parsed.accessToken
      ? parsed.accessToken
      : undefined;
  } catch {
    return undefined;
  }
}
