import type { ProviderCredential } from './provider-registry';
import type { ProviderInfo } from './provider.types';

type Variables = Readonly<Record<string, string | undefined>>;

/**
 * How each provider takes its credentials, where that is more than "the API key is in the one
 * variable the catalog names": which of several `env` variables holds the key, which providers
 * connect without a key (cloud credential chains), and the settings their AI SDK packages take
 * (region, project, resource name). Environment variables always come from `AppEnvironment`,
 * handed in as `variables`, never from the process.
 */

/** A variable name that holds a secret, among a provider's several `env` variables. */
const KEY_VARIABLE = /(?:API_?KEY|TOKEN|_PAT)$/;

/**
 * Providers whose key is not found by its variable's name: Bedrock's `AWS_SECRET_ACCESS_KEY` is
 * half of a key pair (signed by the credential chain), only the bearer token is an API key; a
 * Vertex key would switch the package to express mode, which the reference never does.
 */
const KEY_VARIABLES: Readonly<Record<string, readonly string[]>> = {
  'amazon-bedrock': ['AWS_BEARER_TOKEN_BEDROCK'],
  'google-vertex': [],
  'google-vertex-anthropic': [],
  // The reference's loaders read these besides (or instead of) the catalog's variables.
  'snowflake-cortex': ['SNOWFLAKE_CORTEX_TOKEN', 'SNOWFLAKE_CORTEX_PAT'],
  'cloudflare-ai-gateway': ['CLOUDFLARE_API_TOKEN', 'CF_AIG_TOKEN'],
};

/**
 * The API key the environment holds for `provider`: its only `env` variable, or among several
 * (`AZURE_RESOURCE_NAME`, `AZURE_API_KEY`) the first set one that names a key or token.
 *
 * Deliberate difference: the reference connects a provider when any of its variables is set
 * (`AWS_REGION` alone connects Bedrock, `AZURE_RESOURCE_NAME` alone connects Azure) and then fails
 * at the first call; here a provider needs a key or another credential source to be connected.
 */
export function environmentKey(provider: ProviderInfo, variables: Variables): string | undefined {
  const names =
    KEY_VARIABLES[provider.id] ??
    (provider.env.length === 1 ? provider.env : provider.env.filter((n) => KEY_VARIABLE.test(n)));
  return names.map((name) => variables[name]).find(Boolean);
}

/**
 * Whether `provider` can authenticate without an API key, as the reference's custom loaders
 * decide (`autoload`): Bedrock through the AWS credential chain (access keys, a profile, a web
 * identity token, container credentials), Vertex through application default credentials once a
 * project is known. A catalog provider the config points at a base URL (a local Ollama or LM
 * Studio) needs no key either.
 */
export function connectsWithoutKey(
  provider: ProviderInfo,
  variables: Variables,
  configured: boolean,
): boolean {
  const options = provider.options;
  if (configured && typeof options.baseURL === 'string' && options.baseURL) return true;
  switch (provider.id) {
    case 'amazon-bedrock':
      return Boolean(
        stringOption(options.profile) ??
        (variables.AWS_PROFILE ||
          (variables.AWS_ACCESS_KEY_ID && variables.AWS_SECRET_ACCESS_KEY) ||
          variables.AWS_WEB_IDENTITY_TOKEN_FILE ||
          variables.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ||
          variables.AWS_CONTAINER_CREDENTIALS_FULL_URI),
      );
    case 'google-vertex':
    case 'google-vertex-anthropic':
      return Boolean(vertexProject(options, variables));
    default:
      return false;
  }
}

/** Whether one of the provider's `env` variables is set: it then counts as connected by `env`. */
export function hasEnvironmentVariable(provider: ProviderInfo, variables: Variables): boolean {
  return provider.env.some((name) => Boolean(variables[name]));
}

/** Settings for `createAmazonBedrock` / `createBedrockMantle` beyond base URL and headers. */
export interface BedrockSettings {
  region: string;
  apiKey?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** Set when the AWS SDK's own chain must find the credentials (profiles, SSO, web identity). */
  profile?: string;
  useCredentialChain: boolean;
}

/**
 * Bedrock's credentials, in the reference's order: a bearer token (config `apiKey`, stored key,
 * `AWS_BEARER_TOKEN_BEDROCK`) wins; else a profile (config `profile`, `AWS_PROFILE`) goes through
 * the AWS credential chain; else access keys from the environment are passed as they are; else
 * the chain finds them (web identity, container or instance credentials). Region: config
 * `region`, `AWS_REGION`, `us-east-1`.
 */
export function bedrockSettings(
  options: Record<string, unknown>,
  credential: ProviderCredential,
  variables: Variables,
): BedrockSettings {
  const region = stringOption(options.region) ?? (variables.AWS_REGION || 'us-east-1');
  if (credential.type === 'key')
    return { region, apiKey: credential.apiKey, useCredentialChain: false };
  const profile = stringOption(options.profile) ?? (variables.AWS_PROFILE || undefined);
  if (!profile && variables.AWS_ACCESS_KEY_ID && variables.AWS_SECRET_ACCESS_KEY) {
    return {
      region,
      accessKeyId: variables.AWS_ACCESS_KEY_ID,
      secretAccessKey: variables.AWS_SECRET_ACCESS_KEY,
      ...(variables.AWS_SESSION_TOKEN && { sessionToken: variables.AWS_SESSION_TOKEN }),
      useCredentialChain: false,
    };
  }
  return { region, ...(profile && { profile }), useCredentialChain: true };
}

/** Vertex's project: config `project`, then the variables the reference reads, in its order. */
export function vertexProject(options: Record<string, unknown>, variables: Variables) {
  return (
    stringOption(options.project) ??
    [
      variables.GOOGLE_VERTEX_PROJECT,
      variables.GOOGLE_CLOUD_PROJECT,
      variables.GCP_PROJECT,
      variables.GCLOUD_PROJECT,
    ].find(Boolean)
  );
}

/**
 * Vertex's location: config `location`, then the variables, else `us-central1` (`global` for
 * Claude on Vertex, as the reference).
 */
export function vertexLocation(
  providerID: string,
  options: Record<string, unknown>,
  variables: Variables,
): string {
  return (
    stringOption(options.location) ??
    [
      variables.GOOGLE_VERTEX_LOCATION,
      variables.GOOGLE_CLOUD_LOCATION,
      variables.VERTEX_LOCATION,
    ].find(Boolean) ??
    (providerID === 'google-vertex-anthropic' ? 'global' : 'us-central1')
  );
}

/** The Vertex API host of a location (`global`, a multi-region, or a region). */
export function vertexEndpoint(location: string): string {
  if (location === 'global') return 'aiplatform.googleapis.com';
  if (location === 'eu' || location === 'us') return `aiplatform.${location}.rep.googleapis.com`;
  return `${location}-aiplatform.googleapis.com`;
}

/**
 * Claude on Vertex in the `eu` / `us` multi-regions is served from their own hosts, which the
 * package does not build by itself.
 */
export function vertexAnthropicBaseURL(
  project: string | undefined,
  location: string,
): string | undefined {
  if (!project || (location !== 'eu' && location !== 'us')) return undefined;
  return `https://${vertexEndpoint(location)}/v1/projects/${project}/locations/${location}/publishers/anthropic/models`;
}

/** Azure's resource name: config `resourceName`, the one stored with the key, the variable. */
export function azureResourceName(
  options: Record<string, unknown>,
  credential: ProviderCredential,
  variables: Variables,
): string | undefined {
  return [
    stringOption(options.resourceName),
    credential.type === 'key' ? credential.metadata?.resourceName : undefined,
    credential.type === 'oauth' ? credential.auth.accountId : undefined,
    variables.AZURE_RESOURCE_NAME,
  ].find((value) => typeof value === 'string' && value.trim() !== '');
}

/**
 * Bedrock model ids as the reference sends them: models that are only served through a
 * cross-region inference profile get the profile's prefix for the region (`us.`, `eu.`, `jp.`,
 * `apac.`, `au.`). Ids that already name a profile or an ARN are left alone.
 */
export function bedrockModelId(modelID: string, region: string): string {
  if (modelID.startsWith('arn:')) return modelID;
  if (['global.', 'us.', 'eu.', 'jp.', 'apac.', 'au.'].some((p) => modelID.startsWith(p))) {
    return modelID;
  }
  const includesAny = (names: string[]) => names.some((name) => modelID.includes(name));
  const area = region.split('-')[0];
  switch (area) {
    case 'us': {
      const profiled = includesAny([
        'nova-micro',
        'nova-lite',
        'nova-pro',
        'nova-premier',
        'nova-2',
        'claude',
        'deepseek.r1',
      ]);
      return profiled && !region.startsWith('us-gov') ? `us.${modelID}` : modelID;
    }
    case 'eu': {
      const euRegion = [
        'eu-west-1',
        'eu-west-2',
        'eu-west-3',
        'eu-north-1',
        'eu-central-1',
        'eu-south-1',
        'eu-south-2',
      ].some((name) => region.includes(name));
      const profiled = includesAny(['claude', 'nova-lite', 'nova-micro', 'llama3', 'pixtral']);
      return euRegion && profiled ? `eu.${modelID}` : modelID;
    }
    case 'ap': {
      const australia = ['ap-southeast-2', 'ap-southeast-4'].includes(region);
      if (australia && includesAny(['anthropic.claude-sonnet-4-5', 'anthropic.claude-haiku'])) {
        return `au.${modelID}`;
      }
      const profiled = includesAny(['claude', 'nova-lite', 'nova-micro', 'nova-pro']);
      if (region === 'ap-northeast-1') return profiled ? `jp.${modelID}` : modelID;
      return profiled ? `apac.${modelID}` : modelID;
    }
    default:
      return modelID;
  }
}

function stringOption(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
