import { arch, platform, release } from 'node:os';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { NpmInstaller } from '../core/npm/npm-installer';
import { ProviderInitError } from './provider.errors';
import {
  azureResourceName,
  bedrockSettings,
  vertexAnthropicBaseURL,
  vertexEndpoint,
  vertexLocation,
  vertexProject,
} from './provider-credentials';
import {
  type CallCredentials,
  oauthCallSetup,
  snowflakeBaseURL,
  snowflakeCompatibleFetch,
} from './provider-auth-calls';
import { loadProviderFactory, selectLanguageModel } from './provider-packages';
import type { ProviderCredential } from './provider-registry';
import type { ModelInfo, ProviderInfo } from './provider.types';

/** Defaults of the reference's `headerTimeout` / `chunkTimeout` provider options. */
const DEFAULT_HEADER_TIMEOUT_MS = 300_000;
const DEFAULT_CHUNK_TIMEOUT_MS = 300_000;

/** Providers whose packages authenticate by their own credential source when given no key. */
const SIGNS_OWN_REQUESTS = new Set(['amazon-bedrock', 'google-vertex', 'google-vertex-anthropic']);

/** The scope Vertex's OpenAI-compatible endpoints are called with. */
const GOOGLE_CLOUD_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** Option keys of ours (timeouts, reference-only switches) that are not AI SDK settings. */
const SERVER_OPTIONS = new Set([
  'apiKey',
  'baseURL',
  'headers',
  'timeout',
  'headerTimeout',
  'chunkTimeout',
  'setCacheKey',
  'enterpriseUrl',
  'includeUsage',
  'profile',
  'endpoint',
  'useCompletionUrls',
  'fetch',
]);

/**
 * Headers the reference sends to some providers by default (its custom loaders' `options`), under
 * the config's own.
 */
const PROVIDER_HEADERS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  anthropic: {
    'anthropic-beta': 'interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
  },
  openrouter: { 'HTTP-Referer': 'https://opencode.ai/', 'X-Title': 'opencode' },
  vercel: { 'http-referer': 'https://opencode.ai/', 'x-title': 'opencode' },
  zenmux: { 'HTTP-Referer': 'https://opencode.ai/', 'X-Title': 'opencode' },
  kilo: { 'HTTP-Referer': 'https://opencode.ai/', 'X-Title': 'opencode' },
  llmgateway: {
    'HTTP-Referer': 'https://opencode.ai/',
    'X-Title': 'opencode',
    'X-Source': 'opencode',
  },
  nvidia: {
    'HTTP-Referer': 'https://opencode.ai/',
    'X-Title': 'opencode',
    'X-BILLING-INVOKE-ORIGIN': 'OpenCode',
  },
  cerebras: { 'X-Cerebras-3rd-Party-Integration': 'opencode' },
};

/** What creating a model needs besides the provider: the environment and the package installer. */
export interface ModelContext {
  /** The server's environment variables (`AppEnvironment.variables`). */
  variables: Readonly<Record<string, string | undefined>>;
  /** Installs the packages a model names that the server does not bundle. */
  installer: NpmInstaller;
  /** Stored logins at call time (tokens, refreshes, Azure CLI tokens). */
  credentials: CallCredentials;
}

/** Provider-specific settings, the variables its base URL may name, and the model options. */
interface ProviderSetup {
  settings: Record<string, unknown>;
  /** `${NAME}` values for the base URL (`${AWS_REGION}`, `${GOOGLE_VERTEX_PROJECT}`). */
  vars: Record<string, string>;
  /** Options the model choice reads (Bedrock's resolved region). */
  modelOptions: Record<string, unknown>;
  /** Set when the base URL must not fall back to the model's `api.url`. */
  baseURL?: string;
  /** Wraps the fetch (Vertex's OpenAI-compatible endpoints take a Google access token). */
  wrapFetch?: (fetch: typeof globalThis.fetch) => typeof globalThis.fetch;
  /** The key, where the provider finds it elsewhere than in the credential (Snowflake). */
  apiKey?: string;
  /** Headers the provider's loader sends, under the config's own. */
  headers?: Record<string, string>;
}

/**
 * Creates the AI SDK model for `model` of `provider`, through the package its `api.npm` names,
 * as the reference does: `create*({ name, ...options, baseURL, apiKey, headers, fetch })`, then
 * the model flavour it picks per provider (see `selectLanguageModel`). Bundled packages are
 * loaded on first use; any other package is installed into the cache on its first use
 * (`NpmInstaller`). Credentials are those of `credential`, or for providers that sign their own
 * requests (Bedrock, Vertex) their credential source, read from `context.variables`.
 *
 * The API key is always passed explicitly: the AI SDK packages would otherwise read
 * `ANTHROPIC_API_KEY` / `OPENAI_API_KEY` from the process and could send it to whatever base URL
 * a config names.
 */
export async function createLanguageModel(
  provider: ProviderInfo,
  model: ModelInfo,
  credential: ProviderCredential,
  context: ModelContext,
): Promise<LanguageModelV3> {
  const npm = model.api.npm;
  const options = provider.options;
  const login =
    credential.type === 'oauth'
      ? oauthCallSetup(provider.id, credential.auth, context.credentials)
      : undefined;
  const setup = await providerSetup(provider, model, credential, context);
  const template =
    login?.baseURL ?? setup.baseURL ?? stringValue(options.baseURL) ?? (model.api.url || undefined);
  const baseURL = template && fillVariables(template, { ...context.variables, ...setup.vars });
  const headers = {
    ...PROVIDER_HEADERS[provider.id],
    ...setup.headers,
    ...stringRecord(options.headers),
    ...model.headers,
  };
  // A plugin's auth loader may hand a `fetch` of its own (to sign requests): the timeouts wrap it.
  const timed = timedFetch(
    {
      total: timeoutOption(options.timeout, undefined),
      header: timeoutOption(options.headerTimeout, DEFAULT_HEADER_TIMEOUT_MS),
      chunk: timeoutOption(options.chunkTimeout, DEFAULT_CHUNK_TIMEOUT_MS),
    },
    typeof options.fetch === 'function' ? (options.fetch as typeof globalThis.fetch) : undefined,
  );
  if (provider.id === 'cloudflare-ai-gateway' && !stringValue(options.baseURL)) {
    // The reference's loader calls every model of the gateway its own way; a configured base
    // URL turns it off, as there.
    // Loaded here: it pulls in the OpenAI, Anthropic and OpenAI-compatible packages, which a
    // server that has not called such a model does not need.
    const { cloudflareGatewayModel } = await import('./cloudflare-gateway');
    return cloudflareGatewayModel({
      providerID: provider.id,
      modelID: model.api.id,
      options,
      credential,
      variables: context.variables,
      credentials: context.credentials,
      fetch: timed,
    });
  }
  const wrapped = setup.wrapFetch ? setup.wrapFetch(timed) : timed;
  const fetch = login?.wrapFetch ? login.wrapFetch(wrapped) : wrapped;
  const extra = Object.fromEntries(
    Object.entries(options).filter(([key]) => !SERVER_OPTIONS.has(key)),
  );
  const apiKey =
    login?.apiKey ?? setup.apiKey ?? (credential.type === 'key' ? credential.apiKey : undefined);
  // An empty key rather than none, so the package does not look for one in the process;
  // providers that sign their own requests take no key unless they have one.
  const auth = {
    headers,
    ...((apiKey !== undefined || !SIGNS_OWN_REQUESTS.has(provider.id)) && {
      apiKey: apiKey ?? '',
    }),
  };

  if (npm === '@ai-sdk/openai-compatible' && !baseURL) {
    throw new ProviderInitError(
      provider.id,
      `Provider ${provider.id} has no base URL: set provider.${provider.id}.options.baseURL in the config`,
    );
  }
  const create = await loadProviderFactory(provider.id, npm, context.installer);
  let sdk;
  try {
    sdk = create({
      name: provider.id,
      ...extra,
      ...setup.settings,
      ...login?.settings,
      ...(baseURL && { baseURL }),
      ...auth,
      ...(npm === '@ai-sdk/openai-compatible' && {
        apiKey,
        includeUsage: options.includeUsage !== false,
      }),
      fetch,
    });
  } catch (error) {
    // The package's own message (a missing setting) says what to fix; it carries no secret.
    throw new ProviderInitError(
      provider.id,
      `Failed to initialize provider ${provider.id}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return selectLanguageModel(sdk, provider.id, npm, model.api.id, {
    ...options,
    ...model.options,
    ...setup.modelOptions,
  });
}

/** The settings, base-URL variables and fetch each provider needs beyond a key. */
async function providerSetup(
  provider: ProviderInfo,
  model: ModelInfo,
  credential: ProviderCredential,
  { variables, credentials }: ModelContext,
): Promise<ProviderSetup> {
  const options = provider.options;
  const none = { settings: {}, vars: {}, modelOptions: {} };
  switch (provider.id) {
    case 'amazon-bedrock': {
      const aws = bedrockSettings(options, credential, variables);
      const { profile, useCredentialChain, ...settings } = aws;
      const baseURL = stringValue(options.endpoint) ?? stringValue(options.baseURL);
      const credentialProvider = useCredentialChain ? await awsCredentialChain(profile) : undefined;
      return {
        settings: { ...settings, ...(credentialProvider && { credentialProvider }) },
        vars: { AWS_REGION: aws.region },
        modelOptions: { region: stringValue(model.options.region) ?? aws.region },
        ...(baseURL && { baseURL }),
      };
    }
    case 'google-vertex':
    case 'google-vertex-anthropic': {
      const project = vertexProject(options, variables);
      const location = vertexLocation(provider.id, options, variables);
      const keyFilename = variables.GOOGLE_APPLICATION_CREDENTIALS || undefined;
      const googleAuthOptions = {
        scopes: [GOOGLE_CLOUD_SCOPE],
        ...(keyFilename && { keyFilename }),
      };
      const claude = model.api.npm === '@ai-sdk/google-vertex/anthropic';
      const compatible = model.api.npm === '@ai-sdk/openai-compatible';
      const baseURL =
        claude && !stringValue(options.baseURL)
          ? vertexAnthropicBaseURL(project, location)
          : undefined;
      return {
        settings: { ...(project && { project }), location, googleAuthOptions },
        vars: {
          ...(project && { GOOGLE_VERTEX_PROJECT: project }),
          GOOGLE_VERTEX_LOCATION: location,
          GOOGLE_VERTEX_ENDPOINT: vertexEndpoint(location),
        },
        modelOptions: {},
        ...(baseURL && { baseURL }),
        // The Vertex packages sign their own requests; the OpenAI-compatible client needs a token.
        ...(compatible && { wrapFetch: (fetch) => googleAuthFetch(fetch, googleAuthOptions) }),
      };
    }
    case 'azure': {
      const resourceName = azureResourceName(options, credential, variables);
      if (!resourceName && !stringValue(options.baseURL) && model.api.npm === '@ai-sdk/azure') {
        throw new ProviderInitError(
          provider.id,
          'AZURE_RESOURCE_NAME is missing: set it in the environment, in provider.azure.options.resourceName, or log in to azure again and give it',
        );
      }
      return {
        settings: resourceName ? { resourceName } : {},
        vars: resourceName ? { AZURE_RESOURCE_NAME: resourceName } : {},
        modelOptions: {},
      };
    }
    case 'azure-cognitive-services': {
      const resource = variables.AZURE_COGNITIVE_SERVICES_RESOURCE_NAME;
      const suffix = options.useDeploymentBasedUrls ? '' : '/v1';
      const baseURL = resource
        ? `https://${resource}.cognitiveservices.azure.com/openai${suffix}`
        : undefined;
      return { settings: {}, vars: {}, modelOptions: {}, ...(baseURL && { baseURL }) };
    }
    case 'cloudflare-workers-ai': {
      if (stringValue(options.baseURL)) return none;
      const account =
        variables.CLOUDFLARE_ACCOUNT_ID ||
        (credential.type === 'key' ? credential.metadata?.accountId : undefined);
      if (!account) {
        throw new ProviderInitError(
          provider.id,
          'CLOUDFLARE_ACCOUNT_ID is missing. Set it with: export CLOUDFLARE_ACCOUNT_ID=<your-account-id>',
        );
      }
      const userAgent = `${credentials.userAgent} cloudflare-workers-ai (${platform()} ${release()}; ${arch()})`;
      return {
        settings: {},
        vars: { CLOUDFLARE_ACCOUNT_ID: account },
        modelOptions: {},
        headers: { 'User-Agent': userAgent },
      };
    }
    case 'snowflake-cortex':
      return credential.type === 'oauth'
        ? none
        : snowflakeSetup(provider.id, options, credential, variables);
    case 'gitlab': {
      const aiGatewayHeaders = {
        'User-Agent': `${credentials.userAgent} gitlab-ai-provider (${platform()} ${release()}; ${arch()})`,
        'anthropic-beta': 'context-1m-2025-08-07',
        ...stringRecord(options.aiGatewayHeaders),
      };
      const featureFlags = {
        duo_agent_platform_agentic_chat: true,
        duo_agent_platform: true,
        ...(typeof options.featureFlags === 'object' && options.featureFlags),
      };
      const instanceUrl =
        stringValue(options.instanceUrl) ??
        (credential.type === 'key' ? credential.metadata?.instanceUrl : undefined) ??
        (variables.GITLAB_INSTANCE_URL || 'https://gitlab.com');
      return {
        settings: { instanceUrl, aiGatewayHeaders, featureFlags },
        vars: {},
        modelOptions: { aiGatewayHeaders, featureFlags },
      };
    }
    case 'sap-ai-core': {
      // SAP's SDK reads its service key from the process environment only (the reference
      // copies a stored key there); this server never writes its environment.
      if (credential.type === 'key' && credential.apiKey !== variables.AICORE_SERVICE_KEY) {
        throw new ProviderInitError(
          provider.id,
          'SAP AI Core reads its service key from the AICORE_SERVICE_KEY environment variable only: set it in the server environment',
        );
      }
      const deploymentId = variables.AICORE_DEPLOYMENT_ID;
      const resourceGroup = variables.AICORE_RESOURCE_GROUP;
      return {
        settings: {
          ...(deploymentId && { deploymentId }),
          ...(resourceGroup && { resourceGroup }),
        },
        vars: {},
        modelOptions: {},
      };
    }
    default:
      return none;
  }
}

/**
 * Snowflake Cortex with a token (an environment variable, a stored PAT, config `token` or
 * `apiKey`) for an account (`SNOWFLAKE_ACCOUNT`, the one stored with the token, config
 * `account`), as the reference's loader: its account's API, and the fixes Cortex's
 * OpenAI-compatible dialect needs.
 */
function snowflakeSetup(
  providerID: string,
  options: Record<string, unknown>,
  credential: ProviderCredential,
  variables: ModelContext['variables'],
): ProviderSetup {
  const account =
    variables.SNOWFLAKE_ACCOUNT ||
    (credential.type === 'key' ? credential.metadata?.account : undefined) ||
    stringValue(options.account);
  const token =
    (credential.type === 'key' ? credential.apiKey : undefined) ??
    stringValue(options.token) ??
    stringValue(options.apiKey);
  if (!account || !token) {
    const missing = [!account && 'SNOWFLAKE_ACCOUNT', !token && 'SNOWFLAKE_CORTEX_TOKEN'];
    throw new ProviderInitError(
      providerID,
      `Snowflake Cortex: missing credentials (${missing.filter(Boolean).join(', ')}). Provide a bearer token (OAuth, JWT, or PAT) via env var, opencode auth, or provider options.`,
    );
  }
  return {
    settings: {},
    vars: { SNOWFLAKE_ACCOUNT: account },
    modelOptions: {},
    baseURL: snowflakeBaseURL(account),
    apiKey: token,
    wrapFetch: snowflakeCompatibleFetch,
  };
}

/**
 * The AWS SDK's default credential chain (profiles, SSO, web identity, container and instance
 * credentials), from `@aws-sdk/credential-providers`, loaded on first use.
 */
async function awsCredentialChain(
  profile: string | undefined,
): Promise<() => PromiseLike<unknown>> {
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  return fromNodeProviderChain(profile ? { profile } : {});
}

/** `fetch` with a Google Cloud access token from application default credentials. */
function googleAuthFetch(
  fetch: typeof globalThis.fetch,
  authOptions: { scopes: string[]; keyFilename?: string },
): typeof globalThis.fetch {
  return async (input, init) => {
    const { GoogleAuth } = await import('google-auth-library');
    const client = await new GoogleAuth(authOptions).getClient();
    const { token } = await client.getAccessToken();
    const headers = new Headers(init?.headers);
    if (token) headers.set('Authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
}

/** `${NAME}` in a base URL replaced by `vars` (unknown names are left as they are). */
function fillVariables(url: string, vars: Readonly<Record<string, string | undefined>>): string {
  return url.replace(/\$\{([^}]+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/** A positive number of ms, `false` for none, else the default. */
function timeoutOption(value: unknown, fallback: number | undefined): number | undefined {
  if (value === false) return undefined;
  return typeof value === 'number' && value > 0 ? value : fallback;
}

export class ProviderTimeoutError extends Error {
  override readonly name = 'ProviderTimeoutError';
}

/**
 * `fetch` with the provider timeouts: `total` for the whole request, `header` until the response
 * headers arrive, `chunk` between two chunks of the body (a stalled stream). Each aborts the
 * request with a `ProviderTimeoutError`; the caller's own abort signal still works.
 */
export function timedFetch(
  limits: {
    total?: number;
    header?: number;
    chunk?: number;
  },
  base: typeof globalThis.fetch = globalThis.fetch,
): typeof globalThis.fetch {
  return async (input, init) => {
    const controller = new AbortController();
    const signal = init?.signal
      ? AbortSignal.any([controller.signal, init.signal])
      : controller.signal;
    const abortAfter = (ms: number | undefined, what: string) =>
      ms === undefined
        ? undefined
        : setTimeout(
            () => controller.abort(new ProviderTimeoutError(`${what} after ${ms} ms`)),
            ms,
          );
    const total = abortAfter(limits.total, 'request timed out');
    const header = abortAfter(limits.header, 'no response headers');
    let response: Response;
    try {
      response = await base(input, { ...init, signal });
    } catch (error) {
      clearTimeout(total);
      throw error;
    } finally {
      clearTimeout(header);
    }
    if (!response.body) {
      clearTimeout(total);
      return response;
    }
    let chunk = abortAfter(limits.chunk, 'no data from the provider');
    const clearTimers = () => {
      clearTimeout(chunk);
      clearTimeout(total);
    };
    // Read through by hand rather than piping: a body that fails mid-stream (a dropped
    // connection) or that the caller cancels must clear the timers too, which a transform's
    // flush never sees.
    const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(stream) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            clearTimers();
            stream.close();
            return;
          }
          clearTimeout(chunk);
          chunk = abortAfter(limits.chunk, 'no data from the provider');
          stream.enqueue(value);
        } catch (error) {
          clearTimers();
          stream.error(error);
        }
      },
      cancel(reason) {
        clearTimers();
        return reader.cancel(reason);
      },
    });
    signal.addEventListener('abort', clearTimers, { once: true });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
