import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { CallCredentials } from './provider-auth-calls';
import type { ProviderCredential } from './provider-registry';
import { ProviderInitError } from './provider.errors';

type Fetch = typeof globalThis.fetch;

/**
 * Cloudflare's package (a dependency in the 3.x range, the last that implements the AI SDK 6
 * model interface; 4.x needs AI SDK 7).
 */
const GATEWAY_PACKAGE = 'ai-gateway-provider';

/** The gateway's universal endpoint, under which `<account>/<gateway>` is called. */
const GATEWAY_URL = 'https://gateway.ai.cloudflare.com/v1';
/**
 * The key the package's own providers use when no provider key is given: it drops the header,
 * so the gateway bills the call to the Cloudflare account (unified billing).
 */
const UNIFIED_BILLING_KEY = 'CF_TEMP_TOKEN';

/** What the gateway's universal endpoint is sent per call: the package builds it. */
interface GatewayBinding {
  run(data: unknown, options?: { signal?: AbortSignal }): Promise<Response>;
}

interface GatewayModule {
  createAiGateway(settings: {
    binding: GatewayBinding;
  }): (model: LanguageModelV3) => LanguageModelV3;
  parseAiGatewayOptions(options: Record<string, unknown>): Headers;
}

interface UnifiedModule {
  createUnified(settings: { apiKey: string }): (modelID: string) => LanguageModelV3;
}

/** What a Cloudflare AI Gateway call needs besides the model. */
export interface GatewayCall {
  providerID: string;
  modelID: string;
  options: Record<string, unknown>;
  credential: ProviderCredential;
  variables: Readonly<Record<string, string | undefined>>;
  credentials: Pick<CallCredentials, 'url'>;
  /** `fetch` with the provider's timeouts. */
  fetch: Fetch;
}

/**
 * A model of Cloudflare's AI Gateway, as the reference's loader makes it: the account and
 * gateway from `CLOUDFLARE_ACCOUNT_ID` / `CLOUDFLARE_GATEWAY_ID` or stored with the key, the
 * token from `CLOUDFLARE_API_TOKEN` / `CF_AIG_TOKEN` or the stored key. OpenAI, Anthropic and
 * Workers AI models (`openai/`, `anthropic/`, `workers-ai/` or `@cf/`) are called through the
 * gateway's universal endpoint by `ai-gateway-provider` (the token in `cf-aig-authorization`,
 * the caching and logging options as `cf-aig-*` headers), each in its own wire format; any other
 * model through Cloudflare's OpenAI-compatible API for the account, naming the gateway.
 *
 * Deliberate difference: OpenAI and Anthropic models take `OPENAI_API_KEY` /
 * `ANTHROPIC_API_KEY` from the server's environment when set, as in the reference (where the
 * SDK reads them); without one the call goes with the gateway's unified billing instead of
 * failing for the missing key.
 */
export async function cloudflareGatewayModel(call: GatewayCall): Promise<LanguageModelV3> {
  const { providerID, modelID, options, credential, variables, credentials, fetch } = call;
  const metadata = credential.type === 'key' ? credential.metadata : undefined;
  const account = variables.CLOUDFLARE_ACCOUNT_ID || metadata?.accountId;
  const gateway = variables.CLOUDFLARE_GATEWAY_ID || metadata?.gatewayId;
  if (!account || !gateway) {
    const missing = [
      !account && 'CLOUDFLARE_ACCOUNT_ID',
      !gateway && 'CLOUDFLARE_GATEWAY_ID',
    ].filter((name): name is string => Boolean(name));
    throw new ProviderInitError(
      providerID,
      `${missing.join(' and ')} missing. Set with: ${missing.map((name) => `export ${name}=<value>`).join(' && ')}`,
    );
  }
  const token =
    variables.CLOUDFLARE_API_TOKEN ||
    variables.CF_AIG_TOKEN ||
    (credential.type === 'key' ? credential.apiKey : undefined);
  if (!token) {
    throw new ProviderInitError(
      providerID,
      'CLOUDFLARE_API_TOKEN (or CF_AIG_TOKEN) is required for Cloudflare AI Gateway. Set it via environment variable or run `opencode auth cloudflare-ai-gateway`.',
    );
  }

  const viaGateway =
    modelID.startsWith('openai/') ||
    modelID.startsWith('anthropic/') ||
    modelID.startsWith('workers-ai/') ||
    modelID.startsWith('@cf/');
  if (!viaGateway) {
    return createOpenAICompatible({
      name: providerID,
      baseURL: credentials.url(`https://api.cloudflare.com/client/v4/accounts/${account}/ai/v1`),
      apiKey: token,
      headers: { 'cf-aig-gateway-id': gateway },
      fetch,
    }).chatModel(modelID);
  }

  const { gatewayModule, unifiedModule } = await loadGatewayPackage(providerID);
  const gatewayOptions = {
    metadata: gatewayMetadata(options),
    cacheTtl: options.cacheTtl,
    cacheKey: options.cacheKey,
    skipCache: options.skipCache,
    collectLog: options.collectLog,
  };
  const endpoint = credentials.url(
    `${GATEWAY_URL}/${encodeURIComponent(account)}/${encodeURIComponent(gateway)}`,
  );
  const aiGateway = gatewayModule.createAiGateway({
    binding: {
      run(data, runOptions) {
        const headers = gatewayModule.parseAiGatewayOptions(gatewayOptions);
        headers.set('Content-Type', 'application/json');
        headers.set('cf-aig-authorization', `Bearer ${token}`);
        return fetch(endpoint, {
          method: 'POST',
          body: JSON.stringify(data),
          headers,
          ...(runOptions?.signal && { signal: runOptions.signal }),
        });
      },
    },
  });
  if (modelID.startsWith('openai/')) {
    const apiKey = variables.OPENAI_API_KEY || UNIFIED_BILLING_KEY;
    return aiGateway(createOpenAI({ apiKey })(modelID.slice('openai/'.length)));
  }
  if (modelID.startsWith('anthropic/')) {
    const apiKey = variables.ANTHROPIC_API_KEY || UNIFIED_BILLING_KEY;
    const id = modelID.slice('anthropic/'.length).replaceAll('.', '-');
    return aiGateway(createAnthropic({ apiKey })(id));
  }
  return aiGateway(unifiedModule.createUnified({ apiKey: token })(modelID));
}

/** The `cf-aig-metadata` the gateway logs with each call: the option, else the header's JSON. */
function gatewayMetadata(options: Record<string, unknown>): unknown {
  if (options.metadata !== undefined) return options.metadata;
  const headers = options.headers as Record<string, unknown> | undefined;
  const raw = headers?.['cf-aig-metadata'];
  if (typeof raw !== 'string') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * `ai-gateway-provider` and its Workers AI client (a dependency of the server, as the reference
 * bundles it), loaded on first use.
 */
async function loadGatewayPackage(
  providerID: string,
): Promise<{ gatewayModule: GatewayModule; unifiedModule: UnifiedModule }> {
  const [gatewayModule, unifiedModule] = (await Promise.all([
    import(GATEWAY_PACKAGE),
    import(`${GATEWAY_PACKAGE}/providers/unified`),
  ])) as [Partial<GatewayModule>, Partial<UnifiedModule>];
  if (
    typeof gatewayModule.createAiGateway !== 'function' ||
    typeof gatewayModule.parseAiGatewayOptions !== 'function' ||
    typeof unifiedModule.createUnified !== 'function'
  ) {
    throw new ProviderInitError(providerID, `${GATEWAY_PACKAGE} exports no AI Gateway client`);
  }
  return {
    gatewayModule: gatewayModule as GatewayModule,
    unifiedModule: unifiedModule as UnifiedModule,
  };
}
