import { LoginFailed } from './login-method';

const REQUEST_TIMEOUT_MS = 30_000;

export interface OAuthRequest {
  method?: 'GET' | 'POST';
  /** Sent as `application/x-www-form-urlencoded`. */
  form?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface OAuthAnswer {
  status: number;
  ok: boolean;
  /** The JSON object answered, or undefined when the body is not one. */
  body: Record<string, unknown> | undefined;
}

/**
 * HTTP for the login flows. Every address passes through `url()`, which swaps a host for the
 * base URL `OPENCODE_OAUTH_HOSTS` gives it (tests run the flows against fakes on 127.0.0.1);
 * the addresses shown to users (authorize pages) pass through it too, so a fake can play the
 * provider's sign-in page as well.
 */
export class OAuthHttp {
  constructor(private readonly hosts: Readonly<Record<string, string>>) {}

  /** `address` with its host replaced when an override names it. */
  url(address: string): string {
    const url = new URL(address);
    const override = this.hosts[url.host];
    if (!override) return address;
    const base = new URL(override);
    const prefix = base.pathname.replace(/\/$/, '');
    return `${base.origin}${prefix}${url.pathname}${url.search}${url.hash}`;
  }

  /** Sends the request and reads a JSON answer; an unreachable host is a `LoginFailed`. */
  async request(address: string, request: OAuthRequest = {}): Promise<OAuthAnswer> {
    const target = this.url(address);
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    let body: string | undefined;
    if (request.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(request.form).toString();
    } else if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    }
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    let response: Response;
    try {
      response = await fetch(target, {
        method: request.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        body,
        signal: request.signal ? AbortSignal.any([request.signal, timeout]) : timeout,
      });
    } catch (error) {
      if (request.signal?.aborted) throw new LoginFailed('The login was cancelled');
      throw new LoginFailed(
        `Could not reach ${new URL(address).host}: ${(error as Error).message}`,
      );
    }
    const parsed: unknown = await response.json().catch(() => undefined);
    return {
      status: response.status,
      ok: response.ok,
      body:
        typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
          ? (parsed as Record<string, unknown>)
          : undefined,
    };
  }
}

/**
 * Why a provider refused a request, from its OAuth error fields (`error`, `error_description`),
 * short and free of anything but those fields: bodies can echo what was sent.
 */
export function refusal(answer: OAuthAnswer): string {
  const parts = [answer.body?.error, answer.body?.error_description].filter(
    (part): part is string => typeof part === 'string' && part.length > 0,
  );
  return parts.length > 0 ? parts.join(': ').slice(0, 200) : `HTTP ${answer.status}`;
}

/** A string field of an answer, or undefined. */
export function stringField(body: Record<string, unknown> | undefined, key: string) {
  const value = body?.[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A positive number field (numbers or numeric strings), or undefined. */
export function numberField(body: Record<string, unknown> | undefined, key: string) {
  const value = Number(body?.[key]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
