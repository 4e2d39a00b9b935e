import type { OAuthInfo } from '../auth/auth.types';
import { ProviderInitError } from './provider.errors';
import { OAUTH_PLACEHOLDER_KEY } from './provider-loaders';

type Fetch = typeof globalThis.fetch;

/**
 * What calls authenticated by a login need at each request: the stored tokens (refreshed when
 * they are about to expire), Azure CLI tokens, and the address a request really goes to.
 * `ProviderAuthService` provides it.
 */
export interface CallCredentials {
  /**
   * The provider's stored OAuth tokens, refreshed and stored first when they expire within
   * `marginMs` (or at once with `force`); undefined when the login was removed since.
   */
  oauth(providerID: string, marginMs: number, force?: boolean): Promise<OAuthInfo | undefined>;
  /** An Azure CLI access token for `scope`, reused until a minute before it expires. */
  azureToken(scope: string): Promise<string>;
  /** `address` with its host replaced as `OPENCODE_OAUTH_HOSTS` says (tests run on fakes). */
  url(address: string): string;
  /** `opencode/<version>`, as the reference identifies itself to these providers. */
  userAgent: string;
}

/** How a model is created and called for a provider logged in with OAuth. */
export interface OAuthCallSetup {
  apiKey: string;
  /** Settings for the package besides the key (GitLab's instance). */
  settings?: Record<string, unknown>;
  /** Set when the login decides the base URL (Snowflake's account). */
  baseURL?: string;
  /** Puts the credential into each request. */
  wrapFetch?: (fetch: Fetch) => Fetch;
}

/** ChatGPT's Codex endpoint, which serves ChatGPT subscriptions in place of the OpenAI API. */
const CODEX_RESPONSES_URL = 'https://chatgpt.com/backend-api/codex/responses';
/** The text of the user message the reference adds after tool results that carry media. */
const SYNTHETIC_ATTACHMENT_PROMPT = 'Attached media from tool result:';
const AZURE_COGNITIVE_SCOPE = 'https://cognitiveservices.azure.com/.default';
const AZURE_AI_FOUNDRY_SCOPE = 'https://ai.azure.com/.default';
/** Refresh xAI and Snowflake tokens this long before they expire, as the reference. */
const EARLY_REFRESH_MS = 120_000;

/**
 * The key, settings and per-request credential for a provider connected by a login, as the
 * reference's auth plugins' loaders do it:
 *
 * - GitHub Copilot: the GitHub token as a bearer with Copilot's headers (`Openai-Intent`,
 *   `x-initiator` from who wrote the last message, `Copilot-Vision-Request` for images).
 * - OpenAI (ChatGPT): the access token (refreshed when expired) with `ChatGPT-Account-Id`, and
 *   every Responses or chat call sent to ChatGPT's Codex endpoint instead.
 * - Poe: the stored key.
 * - Azure (Entra ID): an Azure CLI token per request.
 * - xAI, Snowflake: the access token as a bearer, refreshed two minutes before it expires (and
 *   for Snowflake once more after a 401).
 * - GitLab: the access token as the key, for the login's instance.
 *
 * Tokens are read from `auth.json` at each request, so a refresh by another call (or a new
 * login) is used at once. Undefined for providers without such a login.
 */
export function oauthCallSetup(
  providerID: string,
  auth: OAuthInfo,
  credentials: CallCredentials,
): OAuthCallSetup | undefined {
  switch (providerID) {
    case 'github-copilot':
      return { apiKey: '', wrapFetch: (fetch) => copilotFetch(fetch, providerID, credentials) };
    case 'openai':
      return {
        apiKey: OAUTH_PLACEHOLDER_KEY,
        wrapFetch: (fetch) => chatgptFetch(fetch, providerID, credentials),
      };
    case 'poe':
      if (auth.expires < Date.now()) {
        // Deliberate difference: the reference fails every GET /provider with this; here only
        // calls to Poe fail.
        throw new ProviderInitError(
          providerID,
          'Poe API key expired. Run `opencode providers login` again.',
        );
      }
      return { apiKey: auth.access };
    case 'azure':
      return {
        apiKey: OAUTH_PLACEHOLDER_KEY,
        wrapFetch: (fetch) => azureFetch(fetch, credentials),
      };
    case 'xai':
      return {
        apiKey: OAUTH_PLACEHOLDER_KEY,
        wrapFetch: (fetch) => bearerFetch(fetch, providerID, credentials, expiresSoon),
      };
    case 'snowflake-cortex':
      if (!auth.accountId) {
        throw new ProviderInitError(providerID, 'Snowflake OAuth auth is missing accountId');
      }
      return {
        apiKey: OAUTH_PLACEHOLDER_KEY,
        baseURL: snowflakeBaseURL(auth.accountId),
        wrapFetch: (fetch) =>
          snowflakeCompatibleFetch(bearerFetch(fetch, providerID, credentials, expiresSoon, true)),
      };
    case 'gitlab':
      return {
        apiKey: auth.access,
        ...(auth.enterpriseUrl && { settings: { instanceUrl: auth.enterpriseUrl } }),
      };
    default:
      return undefined;
  }
}

/** Snowflake Cortex's OpenAI-compatible API of an account. */
export function snowflakeBaseURL(account: string): string {
  return `https://${account}.snowflakecomputing.com/api/v2/cortex/v1`;
}

function copilotFetch(fetch: Fetch, providerID: string, credentials: CallCredentials): Fetch {
  return async (input, init) => {
    const auth = await credentials.oauth(providerID, 0);
    if (!auth) return fetch(input, init);
    const url = requestUrl(input);
    const { vision, agent } = copilotInitiator(url, init?.body);
    const headers = new Headers(init?.headers);
    if (!headers.has('x-initiator')) headers.set('x-initiator', agent ? 'agent' : 'user');
    headers.delete('x-api-key');
    headers.set('User-Agent', credentials.userAgent);
    headers.set('Authorization', `Bearer ${auth.refresh}`);
    headers.set('Openai-Intent', 'conversation-edits');
    if (vision) headers.set('Copilot-Vision-Request', 'true');
    return fetch(credentials.url(url.href), { ...init, headers });
  };
}

/**
 * Whether a Copilot request carries images, and whether the agent (not the user) sent its last
 * message (a tool result, an assistant turn, or media the loop attached): Copilot bills user
 * requests only. Read from the body of each API flavour (chat, Responses, Messages).
 */
export function copilotInitiator(url: URL, body: unknown): { vision: boolean; agent: boolean } {
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = typeof body === 'string' ? (JSON.parse(body) as Record<string, unknown>) : undefined;
  } catch {
    parsed = undefined;
  }
  const parts = (item: unknown): Array<Record<string, unknown>> => {
    const content = (item as { content?: unknown } | null)?.content;
    return Array.isArray(content) ? (content as Array<Record<string, unknown>>) : [];
  };
  const userMessage = (item: unknown) => (item as { role?: unknown } | null)?.role === 'user';
  const messages = Array.isArray(parsed?.messages) ? (parsed.messages as unknown[]) : undefined;
  const input = Array.isArray(parsed?.input) ? (parsed.input as unknown[]) : undefined;
  if (messages && url.pathname.includes('completions')) {
    const last = messages.at(-1);
    return {
      vision: messages.some((message) => parts(message).some((p) => p.type === 'image_url')),
      agent: !userMessage(last) || syntheticAttachment(last),
    };
  }
  if (input) {
    const last = input.at(-1);
    return {
      vision: input.some((item) => parts(item).some((p) => p.type === 'input_image')),
      agent: !userMessage(last) || syntheticAttachment(last),
    };
  }
  if (messages) {
    const last = messages.at(-1);
    const written = parts(last).some((p) => p.type !== 'tool_result');
    return {
      vision: messages.some((message) =>
        parts(message).some(
          (p) =>
            p.type === 'image' ||
            (p.type === 'tool_result' && parts(p).some((inner) => inner.type === 'image')),
        ),
      ),
      agent: !(userMessage(last) && written) || syntheticAttachment(last),
    };
  }
  return { vision: false, agent: false };
}

function syntheticAttachment(message: unknown): boolean {
  if (!message || (message as { role?: unknown }).role !== 'user') return false;
  const content = (message as { content?: unknown }).content;
  if (typeof content === 'string') return content === SYNTHETIC_ATTACHMENT_PROMPT;
  if (!Array.isArray(content)) return false;
  return content.some(
    (part: { type?: unknown; text?: unknown } | null) =>
      (part?.type === 'text' || part?.type === 'input_text') &&
      part.text === SYNTHETIC_ATTACHMENT_PROMPT,
  );
}

function chatgptFetch(fetch: Fetch, providerID: string, credentials: CallCredentials): Fetch {
  return async (input, init) => {
    const auth = await credentials.oauth(providerID, 0);
    const headers = new Headers(init?.headers);
    headers.delete('authorization');
    if (!auth) return fetch(input, { ...init, headers });
    headers.set('authorization', `Bearer ${auth.access}`);
    if (auth.accountId) headers.set('ChatGPT-Account-Id', auth.accountId);
    const url = requestUrl(input);
    const codex =
      url.pathname.includes('/v1/responses') || url.pathname.includes('/chat/completions');
    if (codex) {
      const residency = computeResidency(auth.access);
      if (residency) headers.set('x-openai-internal-codex-residency', residency);
    }
    const target = codex ? CODEX_RESPONSES_URL : url.href;
    return fetch(credentials.url(target), { ...init, headers });
  };
}

/** Where the ChatGPT account's requests must be served, when its token says. */
function computeResidency(token: string): string | undefined {
  const claims = jwtClaims(token) as
    | {
        chatgpt_compute_residency?: unknown;
        'https://api.openai.com/auth'?: { chatgpt_compute_residency?: unknown };
      }
    | undefined;
  const residency =
    claims?.['https://api.openai.com/auth']?.chatgpt_compute_residency ??
    claims?.chatgpt_compute_residency;
  return typeof residency === 'string' && residency && residency !== 'no_constraint'
    ? residency
    : undefined;
}

function azureFetch(fetch: Fetch, credentials: CallCredentials): Fetch {
  return async (input, init) => {
    const url = requestUrl(input);
    const headers = new Headers(input instanceof Request ? input.headers : undefined);
    new Headers(init?.headers).forEach((value, key) => headers.set(key, value));
    headers.delete('api-key');
    headers.delete('x-api-key');
    // AI Foundry project endpoints take tokens of their own audience, except the models API.
    const foundry =
      url.hostname.endsWith('.services.ai.azure.com') && !url.pathname.startsWith('/models');
    const scope = foundry ? AZURE_AI_FOUNDRY_SCOPE : AZURE_COGNITIVE_SCOPE;
    headers.set('authorization', `Bearer ${await credentials.azureToken(scope)}`);
    headers.set('User-Agent', credentials.userAgent);
    return fetch(input, { ...init, headers });
  };
}

/** Whether tokens must be refreshed before the next request (xAI's and Snowflake's rule). */
function expiresSoon(auth: OAuthInfo): boolean {
  if (!auth.expires || !auth.access || auth.expires - Date.now() <= EARLY_REFRESH_MS) return true;
  const exp = (jwtClaims(auth.access) as { exp?: unknown } | undefined)?.exp;
  return typeof exp === 'number' && exp * 1000 <= Date.now() + EARLY_REFRESH_MS;
}

/**
 * The access token as a bearer, refreshed first when `stale` says so; with `retryUnauthorized`
 * a 401 refreshes once more and repeats the request (Snowflake revokes tokens early).
 */
function bearerFetch(
  fetch: Fetch,
  providerID: string,
  credentials: CallCredentials,
  stale: (auth: OAuthInfo) => boolean,
  retryUnauthorized = false,
): Fetch {
  return async (input, init) => {
    let auth = await credentials.oauth(providerID, 0);
    if (!auth) return fetch(input, init);
    if (stale(auth)) auth = (await credentials.oauth(providerID, 0, true)) ?? auth;
    const send = (token: string) => {
      const headers = new Headers(input instanceof Request ? input.headers : undefined);
      new Headers(init?.headers).forEach((value, key) => headers.set(key, value));
      headers.set('authorization', `Bearer ${token}`);
      headers.set('User-Agent', credentials.userAgent);
      return fetch(credentials.url(requestUrl(input).href), { ...init, headers });
    };
    const response = await send(auth.access);
    if (!retryUnauthorized || response.status !== 401) return response;
    await response.body?.cancel();
    const fresh = await credentials.oauth(providerID, 0, true);
    return fresh ? send(fresh.access) : response;
  };
}

/**
 * Snowflake Cortex's differences from the OpenAI API, smoothed as the reference does: it takes
 * `max_completion_tokens` (not `max_tokens`), refuses a conversation that is already complete
 * with a 400 (answered as an empty stop), and streams assistant deltas with an empty role.
 */
export function snowflakeCompatibleFetch(fetch: Fetch): Fetch {
  return async (input, init) => {
    let request = init;
    if (typeof init?.body === 'string') {
      try {
        const body = JSON.parse(init.body) as Record<string, unknown>;
        if ('max_tokens' in body) {
          body.max_completion_tokens = body.max_tokens;
          delete body.max_tokens;
          request = { ...init, body: JSON.stringify(body) };
        }
      } catch {
        // Not JSON: sent as it is.
      }
    }
    const response = await fetch(input, request);
    if (response.status === 400) {
      const error = (await response
        .clone()
        .json()
        .catch(() => undefined)) as { message?: unknown; error?: unknown } | undefined;
      const reason = [error?.message, error?.error].find((value) => typeof value === 'string');
      const text = (reason ?? '').toLowerCase();
      if (text.includes('conversation complete')) {
        return new Response(
          JSON.stringify({
            choices: [{ finish_reason: 'stop', message: { content: '', role: 'assistant' } }],
          }),
          { status: 200, headers: { 'content-type': 'application/json' } },
        );
      }
    }
    if (!response.body || !response.headers.get('content-type')?.includes('text/event-stream')) {
      return response;
    }
    const decoder = new TextDecoder();
    const encoder = new TextEncoder();
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          const text = decoder.decode(chunk, { stream: true });
          controller.enqueue(
            encoder.encode(text.replace(/"role"\s*:\s*""/g, '"role":"assistant"')),
          );
        },
      }),
    );
    return new Response(body, { status: response.status, headers: response.headers });
  };
}

function requestUrl(input: Parameters<Fetch>[0]): URL {
  if (input instanceof URL) return input;
  return new URL(typeof input === 'string' ? input : input.url);
}

function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length < 2) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
