import type { ProviderCredential } from './provider-registry';
import type { ModelInfo, ProviderInfo } from './provider.types';

/**
 * What the reference's login plugins hand the AI SDK package as the key where the real
 * credential goes into each request's headers (ChatGPT, Azure Entra ID, xAI, Snowflake): the
 * package wants some key, and this one is never a secret.
 */
export const OAUTH_PLACEHOLDER_KEY = 'opencode-oauth-dummy-key';

/** The key OpenCode Zen takes for its free models, when the user has none of their own. */
export const OPENCODE_PUBLIC_KEY = 'public';

/** The package the reference calls GitHub Copilot's API with once logged in. */
export const COPILOT_NPM = '@ai-sdk/github-copilot';

/** GitHub Copilot's API: github.com's, or the one of a GitHub Enterprise domain. */
export function copilotBaseURL(enterpriseUrl: string | undefined): string {
  if (!enterpriseUrl) return 'https://api.githubcopilot.com';
  return `https://copilot-api.${enterpriseUrl.replace(/^https?:\/\//, '').replace(/\/$/, '')}`;
}

/** The ChatGPT models the Codex endpoint serves by name, whatever their number. */
const CODEX_MODELS = new Set([
  'gpt-5.5',
  'gpt-5.3-codex-spark',
  'gpt-5.4',
  'gpt-5.4-mini',
  'gpt-6-sol',
  'gpt-6-luna',
]);
const NOT_CODEX_MODELS = new Set(['gpt-5.5-pro', 'gpt-5.6']);
/** The context the Codex endpoint gives GPT-5.5 and GPT-5.6 models (less than the API's). */
const CODEX_LIMIT = { context: 400_000, input: 272_000, output: 128_000 };

/** DigitalOcean's inference endpoint, which serves an account's routers like models. */
const DIGITALOCEAN_INFERENCE_URL = 'https://inference.do-ai.run/v1';

/**
 * A connected provider's models as the reference's plugins and loaders change them for the
 * credential it connected with (its `provider.models` hooks and the `opencode` loader):
 *
 * - GitHub Copilot logged in: every model through Copilot's own package, at github.com's or the
 *   enterprise's API. Deliberate difference: the reference first asks Copilot's `/models` for
 *   the account's own list (5 s, at every registry build) and falls back to these when that
 *   fails; here the catalog's list is used without asking.
 * - OpenAI through a ChatGPT login: only the models the Codex endpoint serves, free of charge,
 *   with the context Codex gives GPT-5.5 and GPT-5.6.
 * - DigitalOcean logged in: the account's inference routers stored with the token, as models
 *   `router:<name>`.
 * - OpenCode Zen without a key: its free models only.
 */
export function loaderModels(provider: ProviderInfo, credential: ProviderCredential): ProviderInfo {
  switch (provider.id) {
    case 'github-copilot':
      return credential.type === 'oauth'
        ? mapModels(provider, (model) =>
            copilotModel(model, copilotBaseURL(credential.auth.enterpriseUrl)),
          )
        : provider;
    case 'openai':
      return credential.type === 'oauth' ? chatgptModels(provider) : provider;
    case 'digitalocean':
      return credential.type === 'key' && credential.metadata?.routers
        ? withRouters(provider, credential.metadata.routers)
        : provider;
    case 'opencode':
      return credential.type === 'key' && credential.anonymous
        ? {
            ...provider,
            models: Object.fromEntries(
              Object.entries(provider.models).filter(([, model]) => model.cost.input === 0),
            ),
          }
        : provider;
    default:
      return provider;
  }
}

/**
 * A Copilot model through Copilot's package. Models the config points elsewhere (another
 * package, another address) keep theirs.
 */
function copilotModel(model: ModelInfo, baseURL: string): ModelInfo {
  if (model.api.npm !== '@ai-sdk/openai-compatible') return model;
  if (model.api.url && model.api.url !== copilotBaseURL(undefined)) return model;
  return { ...model, api: { ...model.api, url: baseURL, npm: COPILOT_NPM } };
}

function chatgptModels(provider: ProviderInfo): ProviderInfo {
  const models: Record<string, ModelInfo> = {};
  for (const [id, model] of Object.entries(provider.models)) {
    if (!servedByCodex(model)) continue;
    models[id] = {
      ...model,
      cost: { input: 0, output: 0, cache: { read: 0, write: 0 } },
      limit: id.includes('gpt-5.5') || id.includes('gpt-5.6') ? CODEX_LIMIT : model.limit,
    };
  }
  return { ...provider, models };
}

/** Whether ChatGPT's Codex endpoint serves `model`, as the reference decides it. */
function servedByCodex(model: ModelInfo): boolean {
  if (model.options.reasoningMode === 'pro') return false;
  const id = model.api.id;
  if (CODEX_MODELS.has(id)) return true;
  if (NOT_CODEX_MODELS.has(id)) return false;
  const version = /^gpt-(\d+)(?:\.(\d+))?/.exec(id);
  if (!version) return false;
  const major = Number(version[1]);
  const minor = Number(version[2] ?? 0);
  return major > 5 || (major === 5 && minor > 4);
}

/** The routers stored with a DigitalOcean login (a JSON list), each as a model. */
function withRouters(provider: ProviderInfo, stored: string): ProviderInfo {
  const models = { ...provider.models };
  for (const name of routerNames(stored)) {
    const id = `router:${name}`;
    models[id] ??= {
      id,
      providerID: provider.id,
      api: { id, url: DIGITALOCEAN_INFERENCE_URL, npm: '@ai-sdk/openai-compatible' },
      name,
      family: 'digitalocean-inference-routers',
      capabilities: {
        temperature: true,
        reasoning: false,
        attachment: false,
        toolcall: true,
        input: { text: true, audio: false, image: false, video: false, pdf: false },
        output: { text: true, audio: false, image: false, video: false, pdf: false },
        interleaved: false,
      },
      cost: { input: 0, output: 0, cache: { read: 0, write: 0 } },
      limit: { context: 128_000, output: 8192 },
      status: 'active',
      options: {},
      headers: {},
      release_date: '',
      variants: {},
    };
  }
  return { ...provider, models };
}

function routerNames(stored: string): string[] {
  try {
    const parsed: unknown = JSON.parse(stored);
    if (!Array.isArray(parsed)) return [];
    return parsed.flatMap((entry: unknown) => {
      const name = (entry as { name?: unknown } | null)?.name;
      return typeof name === 'string' && name ? [name] : [];
    });
  } catch {
    return [];
  }
}

function mapModels(provider: ProviderInfo, map: (model: ModelInfo) => ModelInfo): ProviderInfo {
  const models: Record<string, ModelInfo> = {};
  for (const [id, model] of Object.entries(provider.models)) models[id] = map(model);
  return { ...provider, models };
}
