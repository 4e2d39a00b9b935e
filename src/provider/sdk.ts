import type { LanguageModelV3 } from '@ai-sdk/provider';
import { ProviderInitError } from './provider.errors';
import type { ProviderCredential } from './provider-registry';
import type { ModelInfo, ProviderInfo } from './provider.types';

/** Defaults of the reference's `headerTimeout` / `chunkTimeout` provider options. */
const DEFAULT_HEADER_TIMEOUT_MS = 300_000;
const DEFAULT_CHUNK_TIMEOUT_MS = 300_000;

/** The beta flag Anthropic requires on requests authenticated with an OAuth access token. */
const ANTHROPIC_OAUTH_BETA = 'oauth-2025-04-20';

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
]);

/**
 * Creates the AI SDK model for `model` of `provider`, through the package the catalog or config
 * names (`api.npm`). `@ai-sdk/anthropic` and `@ai-sdk/openai` (Responses API, as the reference)
 * are used natively; every other package is reached through `@ai-sdk/openai-compatible` at the
 * model's base URL, which is what those providers (Groq, Mistral, DeepSeek, xAI, OpenRouter,
 * Gemini's compatible endpoint, local servers) serve.
 *
 * The API key is always passed explicitly: the AI SDK packages would otherwise read
 * `ANTHROPIC_API_KEY` / `OPENAI_API_KEY` from the process and could send it to whatever base URL
 * a config names.
 *
 * The packages are loaded on first use: together they weigh tens of megabytes of memory that a
 * server which has not run a prompt yet does not need.
 */
export async function createLanguageModel(
  provider: ProviderInfo,
  model: ModelInfo,
  credential: ProviderCredential,
): Promise<LanguageModelV3> {
  const options = provider.options;
  const baseURL = stringValue(options.baseURL) ?? (model.api.url || undefined);
  const headers = { ...stringRecord(options.headers), ...model.headers };
  const fetch = timedFetch({
    total: timeoutOption(options.timeout, undefined),
    header: timeoutOption(options.headerTimeout, DEFAULT_HEADER_TIMEOUT_MS),
    chunk: timeoutOption(options.chunkTimeout, DEFAULT_CHUNK_TIMEOUT_MS),
  });
  const extra = Object.fromEntries(
    Object.entries(options).filter(([key]) => !SERVER_OPTIONS.has(key)),
  );
  const apiKey = credential.type === 'key' ? credential.apiKey : undefined;

  switch (model.api.npm) {
    case '@ai-sdk/anthropic': {
      const oauth = credential.type === 'oauth' ? credential.auth : undefined;
      const { createAnthropic } = await import('@ai-sdk/anthropic');
      return createAnthropic({
        ...extra,
        baseURL,
        ...(oauth
          ? {
              authToken: oauth.access,
              headers: { ...headers, 'anthropic-beta': mergeBeta(headers['anthropic-beta']) },
            }
          : { apiKey: apiKey ?? '', headers }),
        fetch,
      }).languageModel(model.api.id);
    }
    case '@ai-sdk/openai': {
      const { createOpenAI } = await import('@ai-sdk/openai');
      return createOpenAI({ ...extra, baseURL, apiKey: apiKey ?? '', headers, fetch }).responses(
        model.api.id,
      );
    }
    default: {
      if (!baseURL) {
        throw new ProviderInitError(
          provider.id,
          `Provider ${provider.id} has no base URL: set provider.${provider.id}.options.baseURL in the config`,
        );
      }
      const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
      return createOpenAICompatible({
        ...extra,
        name: provider.id,
        baseURL,
        apiKey,
        headers,
        includeUsage: options.includeUsage !== false,
        fetch,
      }).chatModel(model.api.id);
    }
  }
}

function mergeBeta(existing: string | undefined): string {
  const flags = new Set(
    (existing ?? '')
      .split(',')
      .map((flag) => flag.trim())
      .filter(Boolean),
  );
  flags.add(ANTHROPIC_OAUTH_BETA);
  return [...flags].join(',');
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
export function timedFetch(limits: {
  total?: number;
  header?: number;
  chunk?: number;
}): typeof globalThis.fetch {
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
      response = await globalThis.fetch(input, { ...init, signal });
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
