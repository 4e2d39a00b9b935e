import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { NpmInstaller } from '../core/npm/npm-installer';
import { ProviderInitError } from './provider.errors';
import { bedrockModelId } from './provider-credentials';

/** What every AI SDK provider package's `create*` answers: model factories by API flavour. */
export interface ProviderSdk {
  languageModel(modelID: string): LanguageModelV3;
  chat?(modelID: string): LanguageModelV3;
  responses?(modelID: string): LanguageModelV3;
  messages?(modelID: string): LanguageModelV3;
  /** GitLab Duo's chat through its AI gateway (`gitlab-ai-provider`). */
  agenticChat?(modelID: string, options: Record<string, unknown>): LanguageModelV3;
  /** GitLab Duo Agent Platform flows (`gitlab-ai-provider`). */
  workflowChat?(modelID: string, options: Record<string, unknown>): LanguageModelV3;
}

/** SAP AI Core's package answers a function that is called with the model id. */
type CallableSdk = ProviderSdk & ((modelID: string) => LanguageModelV3);

/** A package's `create*` function; settings differ per package, so they are passed as a record. */
export type ProviderFactory = (settings: Record<string, unknown>) => ProviderSdk;

const factory = (create: unknown) => create as ProviderFactory;

/**
 * The AI SDK packages the server bundles, by the npm name a model's `api.npm` gives, each loaded
 * on its first use (a server that has not called a model yet loads none of them): the same set as
 * the reference's bundled providers, less the ones it ships itself (GitLab, GitHub Copilot's
 * variant, Vercel, Alibaba, Venice), which are installed on demand like any other package.
 */
export const BUNDLED_PACKAGES: Readonly<Record<string, () => Promise<ProviderFactory>>> = {
  '@ai-sdk/amazon-bedrock': async () =>
    factory((await import('@ai-sdk/amazon-bedrock')).createAmazonBedrock),
  '@ai-sdk/amazon-bedrock/mantle': async () =>
    factory((await import('@ai-sdk/amazon-bedrock/mantle')).createBedrockMantle),
  '@ai-sdk/anthropic': async () => factory((await import('@ai-sdk/anthropic')).createAnthropic),
  '@ai-sdk/azure': async () => factory((await import('@ai-sdk/azure')).createAzure),
  '@ai-sdk/cerebras': async () => factory((await import('@ai-sdk/cerebras')).createCerebras),
  '@ai-sdk/cohere': async () => factory((await import('@ai-sdk/cohere')).createCohere),
  '@ai-sdk/deepinfra': async () => factory((await import('@ai-sdk/deepinfra')).createDeepInfra),
  '@ai-sdk/deepseek': async () => factory((await import('@ai-sdk/deepseek')).createDeepSeek),
  '@ai-sdk/gateway': async () => factory((await import('@ai-sdk/gateway')).createGateway),
  '@ai-sdk/github-copilot': async () => (await import('./copilot-sdk')).createGitHubCopilot,
  '@ai-sdk/google': async () => factory((await import('@ai-sdk/google')).createGoogleGenerativeAI),
  '@ai-sdk/google-vertex': async () =>
    factory((await import('@ai-sdk/google-vertex')).createVertex),
  '@ai-sdk/google-vertex/anthropic': async () =>
    factory((await import('@ai-sdk/google-vertex/anthropic')).createVertexAnthropic),
  '@ai-sdk/groq': async () => factory((await import('@ai-sdk/groq')).createGroq),
  '@ai-sdk/mistral': async () => factory((await import('@ai-sdk/mistral')).createMistral),
  '@ai-sdk/openai': async () => factory((await import('@ai-sdk/openai')).createOpenAI),
  '@ai-sdk/openai-compatible': async () =>
    factory((await import('@ai-sdk/openai-compatible')).createOpenAICompatible),
  '@ai-sdk/perplexity': async () => factory((await import('@ai-sdk/perplexity')).createPerplexity),
  '@ai-sdk/togetherai': async () => factory((await import('@ai-sdk/togetherai')).createTogetherAI),
  '@ai-sdk/xai': async () => factory((await import('@ai-sdk/xai')).createXai),
  '@openrouter/ai-sdk-provider': async () =>
    factory((await import('@openrouter/ai-sdk-provider')).createOpenRouter),
};

/**
 * The `create*` function of package `npm`: a bundled one, else the package installed on demand
 * into the cache (its first export named `create...`, as the reference takes it).
 */
export async function loadProviderFactory(
  providerID: string,
  npm: string,
  installer: NpmInstaller,
): Promise<ProviderFactory> {
  const bundled = BUNDLED_PACKAGES[npm];
  if (bundled) return bundled();
  const module = await installer.load<Record<string, unknown>>(npm);
  const create = Object.entries(module).find(
    ([name, value]) => name.startsWith('create') && typeof value === 'function',
  );
  if (!create) {
    throw new ProviderInitError(providerID, `Package ${npm} exports no create... function`);
  }
  return factory(create[1]);
}

/**
 * The model of `sdk` to call, as the reference picks it per provider: OpenAI's and xAI's
 * Responses API; Azure's Responses API unless `useCompletionUrls` asks for chat completions;
 * Bedrock's cross-region inference profile for the region (and Mantle's Responses API); every
 * other provider the package's default model.
 */
export function selectLanguageModel(
  sdk: ProviderSdk,
  providerID: string,
  npm: string,
  modelID: string,
  options: Record<string, unknown>,
): LanguageModelV3 {
  switch (providerID) {
    case 'openai':
    case 'xai':
    case 'meta':
      return firstFlavour(sdk, modelID, ['responses']);
    case 'azure':
    case 'azure-cognitive-services':
      return options.useCompletionUrls === true
        ? firstFlavour(sdk, modelID, ['chat', 'responses', 'messages'])
        : firstFlavour(sdk, modelID, ['responses', 'messages', 'chat']);
    case 'amazon-bedrock': {
      if (npm === '@ai-sdk/amazon-bedrock/mantle') {
        // The gpt-oss safeguard models are served through chat completions only.
        const chatOnly = /^openai\.gpt-oss-safeguard-(?:20|120)b$/.test(modelID);
        return firstFlavour(sdk, modelID, [chatOnly ? 'chat' : 'responses']);
      }
      const region = typeof options.region === 'string' ? options.region : 'us-east-1';
      return sdk.languageModel(bedrockModelId(modelID, region));
    }
    case 'google-vertex':
    case 'google-vertex-anthropic':
      return sdk.languageModel(modelID.trim());
    case 'github-copilot':
      return copilotModel(sdk, modelID, options.endpoint);
    case 'gitlab':
      return gitlabModel(sdk, providerID, modelID, options);
    case 'sap-ai-core':
      return typeof sdk === 'function' ? (sdk as CallableSdk)(modelID) : sdk.languageModel(modelID);
    default:
      return sdk.languageModel(modelID);
  }
}

/**
 * Copilot's API flavour for a model, as the reference picks it: the one the model names
 * (`endpoint`), else the Responses API for GPT-5 and later (but GPT-5 mini), else chat.
 */
function copilotModel(sdk: ProviderSdk, modelID: string, endpoint: unknown): LanguageModelV3 {
  if (!sdk.responses && !sdk.chat) return sdk.languageModel(modelID);
  if (endpoint === 'responses' && sdk.responses) return sdk.responses(modelID);
  if (endpoint === 'chat' && sdk.chat) return sdk.chat(modelID);
  const generation = /^gpt-(\d+)/.exec(modelID);
  const responses = generation && Number(generation[1]) >= 5 && !modelID.startsWith('gpt-5-mini');
  return firstFlavour(sdk, modelID, responses ? ['responses'] : ['chat']);
}

/**
 * GitLab Duo's models, as the reference's loader calls them: Agent Platform flows
 * (`duo-workflow-*`, a discovered flow by its `workflowRef`) through `workflowChat`, every other
 * model through `agenticChat` with the gateway headers and feature flags.
 */
function gitlabModel(
  sdk: ProviderSdk,
  providerID: string,
  modelID: string,
  options: Record<string, unknown>,
): LanguageModelV3 {
  const featureFlags = options.featureFlags;
  if (modelID.startsWith('duo-workflow-') && sdk.workflowChat) {
    const definition = options.workflowDefinition;
    const ref = typeof options.workflowRef === 'string' ? options.workflowRef : undefined;
    // A flow the package knows is called by its id; one discovered on the instance (it carries
    // its `workflowRef`) through the generic flow, pointed at that ref.
    const model = sdk.workflowChat(ref ? 'duo-workflow' : modelID, {
      featureFlags,
      ...(typeof definition === 'string' && { workflowDefinition: definition }),
    });
    if (ref) (model as { selectedModelRef?: string }).selectedModelRef = ref;
    return model;
  }
  if (!sdk.agenticChat) {
    throw new ProviderInitError(providerID, 'The GitLab package offers no agentic chat');
  }
  return sdk.agenticChat(modelID, { aiGatewayHeaders: options.aiGatewayHeaders, featureFlags });
}

/** The model of the first API flavour of `flavours` the package offers, else its default. */
function firstFlavour(
  sdk: ProviderSdk,
  modelID: string,
  flavours: ReadonlyArray<'chat' | 'responses' | 'messages'>,
): LanguageModelV3 {
  for (const flavour of flavours) {
    const model = sdk[flavour]?.(modelID);
    if (model) return model;
  }
  return sdk.languageModel(modelID);
}
