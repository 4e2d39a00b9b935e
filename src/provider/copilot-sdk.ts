import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { wrapLanguageModel } from 'ai';
import type { ProviderSdk } from './provider-packages';

/** The `providerOptions` key calls to Copilot carry their options under (as the reference). */
const OPTIONS_KEY = 'copilot';

interface CopilotSettings {
  baseURL?: string;
  apiKey?: string;
  headers?: Record<string, string>;
  fetch?: typeof globalThis.fetch;
}

/**
 * The package the reference names `@ai-sdk/github-copilot` (a build of its own, bundled): GitHub
 * Copilot's API speaks OpenAI's chat completions and Responses API on one base URL. Built here
 * from the two AI SDK packages that speak them: chat through the OpenAI-compatible client
 * (whose options key is the provider's name, `copilot`), Responses through OpenAI's, with the
 * `copilot` options handed over under the key that package reads.
 */
export function createGitHubCopilot(settings: Record<string, unknown>): ProviderSdk {
  const { baseURL, apiKey, headers, fetch } = settings as CopilotSettings;
  const common = { baseURL, apiKey, headers, fetch };
  const compatible = createOpenAICompatible({
    ...common,
    baseURL: baseURL ?? '',
    name: OPTIONS_KEY,
    includeUsage: true,
  });
  const openai = createOpenAI({ ...common, name: OPTIONS_KEY });
  const chat = (modelID: string) => compatible.chatModel(modelID);
  return {
    languageModel: chat,
    chat,
    responses: (modelID: string): LanguageModelV3 =>
      wrapLanguageModel({
        model: openai.responses(modelID),
        middleware: {
          specificationVersion: 'v3',
          transformParams: ({ params }) => {
            const options = params.providerOptions?.[OPTIONS_KEY];
            if (!options) return Promise.resolve(params);
            return Promise.resolve({
              ...params,
              providerOptions: {
                ...params.providerOptions,
                openai: { ...options, ...params.providerOptions?.openai },
              },
            });
          },
        },
      }),
  };
}
