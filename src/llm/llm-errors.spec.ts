import { APICallError } from 'ai';
import {
  isContextOverflowError,
  isTransientError,
  retryDelayMs,
  toMessageError,
} from './llm-errors';

function apiError(statusCode: number, headers: Record<string, string> = {}): APICallError {
  return new APICallError({
    message: `status ${statusCode}`,
    url: 'http://127.0.0.1/v1/chat/completions',
    requestBodyValues: { secret: 'do-not-leak' },
    statusCode,
    responseHeaders: headers,
    isRetryable: statusCode === 429 || statusCode >= 500,
  });
}

describe('llm errors', () => {
  it('retries rate limits, server errors and dropped connections, not client errors', () => {
    expect(isTransientError(apiError(429))).toBe(true);
    expect(isTransientError(apiError(503))).toBe(true);
    expect(isTransientError(apiError(400))).toBe(false);
    const dropped = Object.assign(new TypeError('terminated'), {
      cause: { code: 'UND_ERR_SOCKET' },
    });
    expect(isTransientError(dropped)).toBe(true);
    expect(isTransientError(new TypeError('fetch failed'))).toBe(true);
    expect(isTransientError(new Error('schema mismatch'))).toBe(false);
  });

  it('honours retry-after (seconds, milliseconds, date) within the cap, else backs off', () => {
    expect(retryDelayMs(apiError(429, { 'retry-after': '3' }), 1, 30_000)).toBe(3_000);
    expect(retryDelayMs(apiError(429, { 'retry-after-ms': '250' }), 1, 30_000)).toBe(250);
    expect(retryDelayMs(apiError(429, { 'retry-after': '3600' }), 1, 30_000)).toBe(30_000);
    expect(retryDelayMs(apiError(500), 1, 30_000)).toBe(2_000);
    expect(retryDelayMs(apiError(500), 3, 30_000)).toBe(8_000);
  });

  it('stores API errors without the request that was sent', () => {
    const stored = toMessageError(apiError(500), 'fake');
    expect(stored).toMatchObject({
      name: 'APIError',
      data: { statusCode: 500, isRetryable: true },
    });
    expect(JSON.stringify(stored)).not.toContain('do-not-leak');
    expect(toMessageError(apiError(401), 'fake').name).toBe('ProviderAuthError');
    expect(toMessageError(Object.assign(new Error('x'), { name: 'AbortError' }), 'fake').name).toBe(
      'MessageAbortedError',
    );
  });

  it('keeps the message of an error a provider sent inside the stream', () => {
    const overloaded = { message: 'model overloaded', type: 'overloaded_error' };
    expect(toMessageError(overloaded, 'fake')).toEqual({
      name: 'APIError',
      data: { message: 'model overloaded', isRetryable: true },
    });
    expect(isTransientError(overloaded)).toBe(true);
    const invalid = { error: { message: 'bad tool schema', type: 'invalid_request_error' } };
    expect(toMessageError(invalid, 'fake')).toEqual({
      name: 'APIError',
      data: { message: 'bad tool schema', isRetryable: false },
    });
    expect(isTransientError(invalid)).toBe(false);
  });

  it('recognises a prompt too long for the context, from an HTTP error or inside the stream', () => {
    const refused = (message: string, statusCode = 400, responseBody?: string) =>
      new APICallError({
        message,
        url: 'http://127.0.0.1/v1',
        requestBodyValues: {},
        statusCode,
        ...(responseBody !== undefined && { responseBody }),
      });
    const openai = refused(
      "This model's maximum context length is 128000 tokens.",
      400,
      '{"error":{"code":"context_length_exceeded"}}',
    );
    expect(isContextOverflowError(openai)).toBe(true);
    expect(
      isContextOverflowError(refused('prompt is too long: 210000 tokens > 200000 maximum')),
    ).toBe(true);
    expect(
      isContextOverflowError(refused('Bad Request', 400, '{"code":"context_length_exceeded"}')),
    ).toBe(true);
    expect(
      isContextOverflowError({
        message: 'Input is too long for the model',
        type: 'invalid_request_error',
      }),
    ).toBe(true);
    // A server error mentioning tokens is not a refusal of the prompt's size.
    expect(isContextOverflowError(refused('too many tokens in flight', 503))).toBe(false);
    expect(isContextOverflowError(refused('invalid tool schema'))).toBe(false);

    expect(toMessageError(openai, 'fake')).toEqual({
      name: 'ContextOverflowError',
      data: {
        message: "This model's maximum context length is 128000 tokens.",
        responseBody: '{"error":{"code":"context_length_exceeded"}}',
      },
    });
  });
});
