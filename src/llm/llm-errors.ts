import { errorMessage } from '../core/errors/error-message';
import { APICallError } from '@ai-sdk/provider';

/** An error stored on an assistant message and sent in `session.error`, as the reference. */
export type MessageError =
  | { name: 'MessageAbortedError'; data: { message: string } }
  | { name: 'MessageOutputLengthError'; data: Record<string, never> }
  | { name: 'ProviderAuthError'; data: { providerID: string; message: string } }
  | {
      name: 'APIError';
      data: {
        message: string;
        statusCode?: number;
        isRetryable: boolean;
        responseHeaders?: Record<string, string>;
        responseBody?: string;
      };
    }
  | { name: 'ContextOverflowError'; data: { message: string; responseBody?: string } }
  | { name: 'ContentFilterError'; data: { message: string } }
  | { name: 'UnknownError'; data: { message: string } };

export const ABORTED_ERROR: MessageError = {
  name: 'MessageAbortedError',
  data: { message: 'Aborted' },
};

/** Socket-level failures that are worth another attempt. */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

export function isAbortError(error: unknown): boolean {
  return (
    error instanceof Error && (error.name === 'AbortError' || error.name === 'ResponseAborted')
  );
}

/**
 * Whether a failed model call may succeed if tried again: rate limits, server errors and dropped
 * connections. `APICallError.isRetryable` alone is not enough: a stream cut mid-way arrives as a
 * 200 whose cause is a socket error, and under some runtimes network failures are bare
 * `TypeError('fetch failed')`s, so the cause chain is inspected too.
 */
export function isTransientError(error: unknown): boolean {
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    if (status === 429 || (status !== undefined && status >= 500)) return true;
    if (error.isRetryable) return true;
  }
  if (isTransientProviderError(error)) return true;
  return hasTransientCause(error, 0);
}

/** Error kinds a provider reports inside a stream (as `{ message, type, code }`) that pass. */
const TRANSIENT_PROVIDER_ERROR_KINDS = new Set([
  'server_error',
  'overloaded_error',
  'api_error',
  'rate_limit_exceeded',
  'rate_limit_error',
]);

function isTransientProviderError(error: unknown): boolean {
  const data = providerErrorData(error);
  return (
    data !== undefined &&
    [data.type, data.code].some(
      (kind) => typeof kind === 'string' && TRANSIENT_PROVIDER_ERROR_KINDS.has(kind),
    )
  );
}

/**
 * An error a provider sent inside an otherwise successful stream: the SDK passes the provider's
 * JSON on as is (`{ message, type, code }`, sometimes wrapped in `{ error }`), not an `Error`.
 */
function providerErrorData(
  error: unknown,
): { message: string; type?: unknown; code?: unknown } | undefined {
  if (typeof error !== 'object' || error === null || error instanceof Error) return undefined;
  const candidate = 'error' in error ? error.error : error;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const { message, type, code } = candidate as {
    message?: unknown;
    type?: unknown;
    code?: unknown;
  };
  return typeof message === 'string' ? { message, type, code } : undefined;
}

function hasTransientCause(error: unknown, depth: number): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) return true;
  if (error instanceof TypeError && (message === 'fetch failed' || message === 'terminated'))
    return true;
  return hasTransientCause(cause, depth + 1);
}

/** How long to wait before attempt `attempt` (1-based): the server's `retry-after`, else backoff. */
export function retryDelayMs(error: unknown, attempt: number, maxDelayMs: number): number {
  const headers = APICallError.isInstance(error) ? error.responseHeaders : undefined;
  const fromHeaders = parseRetryAfter(headers);
  if (fromHeaders !== undefined) return Math.min(fromHeaders, maxDelayMs);
  return Math.min(2_000 * 2 ** (attempt - 1), maxDelayMs);
}

function parseRetryAfter(headers: Record<string, string> | undefined): number | undefined {
  if (!headers) return undefined;
  const milliseconds = Number(headers['retry-after-ms']);
  if (headers['retry-after-ms'] && Number.isFinite(milliseconds)) return Math.max(0, milliseconds);
  const value = headers['retry-after'];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * How providers say a prompt does not fit the model's context: OpenAI and compatible servers
 * (`context_length_exceeded`, "maximum context length"), Anthropic ("prompt is too long"),
 * Gemini ("exceeds the maximum number of tokens"), and local servers' variants.
 */
const CONTEXT_OVERFLOW_PATTERN =
  /context_length_exceeded|maximum context length|context window|prompt is too long|input is too long|too many (input )?tokens|exceeds the (maximum|max) (number of )?(input )?tokens|reduce the length of the (messages|prompt)/i;

/** Whether the provider refused the call because the prompt does not fit the context. */
export function isContextOverflowError(error: unknown): boolean {
  if (APICallError.isInstance(error)) {
    if (error.statusCode !== undefined && ![400, 413, 422].includes(error.statusCode)) return false;
    return CONTEXT_OVERFLOW_PATTERN.test(`${error.message} ${error.responseBody ?? ''}`);
  }
  const streamed = providerErrorData(error);
  return (
    streamed !== undefined &&
    CONTEXT_OVERFLOW_PATTERN.test(
      `${streamed.message} ${typeof streamed.code === 'string' ? streamed.code : ''}`,
    )
  );
}

/** The stored form of a failure, with nothing secret in it (no request bodies or headers sent). */
export function toMessageError(error: unknown, providerID: string): MessageError {
  if (isAbortError(error)) return ABORTED_ERROR;
  if (isContextOverflowError(error)) {
    const responseBody = APICallError.isInstance(error) ? error.responseBody : undefined;
    return {
      name: 'ContextOverflowError',
      data: {
        message: APICallError.isInstance(error)
          ? error.message
          : (providerErrorData(error)?.message ?? errorMessage(error)),
        ...(responseBody !== undefined && { responseBody: responseBody.slice(0, 2_000) }),
      },
    };
  }
  if (APICallError.isInstance(error)) {
    if (error.statusCode === 401 || error.statusCode === 403) {
      return { name: 'ProviderAuthError', data: { providerID, message: error.message } };
    }
    return {
      name: 'APIError',
      data: {
        message: error.message,
        ...(error.statusCode !== undefined && { statusCode: error.statusCode }),
        isRetryable: isTransientError(error),
        ...(error.responseBody !== undefined && {
          responseBody: error.responseBody.slice(0, 2_000),
        }),
      },
    };
  }
  const streamed = providerErrorData(error);
  if (streamed) {
    return {
      name: 'APIError',
      data: { message: streamed.message, isRetryable: isTransientProviderError(error) },
    };
  }
  const message = errorMessage(error);
  if (isTransientError(error)) return { name: 'APIError', data: { message, isRetryable: true } };
  return { name: 'UnknownError', data: { message } };
}
