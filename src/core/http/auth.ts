import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NamedError, UnauthorizedError } from '../errors/named-error';
import { ticketOf } from './websocket';
import { isApiPath } from './v2/api-path';
import { V2ExceptionFilter } from './v2/v2-exception.filter';

export interface BasicCredentials {
  username: string;
  password: string;
}

/** Who may call the server: basic auth, bearer tokens, both, or neither (an open server). */
export interface AuthOptions {
  /** `OPENCODE_SERVER_USERNAME` / `OPENCODE_SERVER_PASSWORD`. */
  basic?: BasicCredentials;
  /** `OPENCODE_SERVER_TOKENS`: each accepted as `Authorization: Bearer <token>`. */
  tokens?: readonly string[];
  /** The failed-login limit; its defaults when absent. */
  throttle?: Partial<ThrottleOptions>;
}

export interface ThrottleOptions {
  /** Failed authentications an address may make within `windowMs`; one more blocks it. */
  maxFailures: number;
  windowMs: number;
  /** Addresses tracked at most; past it, the one tracked longest is forgotten. */
  maxAddresses: number;
  /** The clock (milliseconds), injectable so tests need not wait a whole window. */
  now: () => number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  maxFailures: 20,
  windowMs: 60_000,
  maxAddresses: 10_000,
  now: () => Date.now(),
};

/** An address refused for too many failed authentications; `retryAfter` in seconds. */
export class TooManyRequestsError extends NamedError {
  constructor(readonly retryAfter: number) {
    super('TooManyRequestsError', 429, {
      message: `Too many failed authentication attempts; retry in ${retryAfter} s`,
    });
  }
}

/**
 * The query parameter that carries credentials where a client cannot set headers (a browser's
 * EventSource and WebSocket): the basic-auth `base64(user:pass)`, or a bearer token as it is.
 */
export const AUTH_TOKEN_PARAMETER = 'auth_token';

/**
 * The share pages a share link opens: the share id in the path is their credential, so they
 * answer without the server's. Only these two shapes, and only for reading.
 */
const PUBLIC_SHARE_PATH = /^\/share\/[A-Za-z0-9_-]+(\/data)?$/;

/**
 * Auth for every route, Swagger's included (when basic credentials or tokens are set): it is a
 * Fastify `onRequest` hook because Swagger's routes are registered on Fastify directly, where
 * Nest guards never run, and because WebSocket upgrades and SSE requests go through it like any
 * other request. Accepted: `Authorization: Basic` (with a password), `Authorization: Bearer`
 * (with tokens), and `?auth_token=` carrying either. Preflight requests pass, since browsers send
 * them without credentials; so do `GET /share/:id` and `/share/:id/data`.
 *
 * `?auth_token=` is taken out of the parsed query once read, credentials or not: no route's DTO
 * has to allow it, and nothing after this hook can repeat it (`withoutAuthToken` keeps it out of
 * what quotes the raw URL). A WebSocket route that takes a single-use ticket instead
 * (`pty.connect`) is let through when the request carries one: its gateway checks the ticket
 * before the upgrade (`websocket.ts`), and refuses a bad one with 403.
 *
 * Wrong credentials are counted per address (`AuthThrottle`); an address over the limit is
 * answered 429 with `Retry-After` until its block ends, right credentials or not.
 */
export function registerAuth(fastify: FastifyInstance, options: AuthOptions = {}): void {
  const basic = options.basic && digest(`${options.basic.username}:${options.basic.password}`);
  const tokens = (options.tokens ?? []).map(digest);
  const enabled = basic !== undefined || tokens.length > 0;
  const challenge = basic ? 'Basic realm="opencode"' : 'Bearer realm="opencode"';
  const throttle = new AuthThrottle({ ...DEFAULT_THROTTLE, ...options.throttle });

  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    const query = request.query as Record<string, unknown> | undefined;
    const token = query?.[AUTH_TOKEN_PARAMETER];
    if (token !== undefined) delete query![AUTH_TOKEN_PARAMETER];
    if (!enabled || request.method === 'OPTIONS') {
      done();
      return;
    }
    const retryAfter = throttle.blockedFor(request.ip);
    if (retryAfter !== undefined) {
      void send(request, reply, new TooManyRequestsError(retryAfter), {
        'retry-after': String(retryAfter),
      });
      return;
    }
    if (isPublicShare(request) || ticketOf(request) !== undefined) {
      done();
      return;
    }
    const header = request.headers.authorization;
    const presented = header !== undefined || typeof token === 'string';
    if (
      (header !== undefined && headerMatches(header, basic, tokens)) ||
      (typeof token === 'string' && queryTokenMatches(token, basic, tokens))
    ) {
      done();
      return;
    }
    // Only wrong credentials count: a client that sent none (a browser's first request, before
    // it asks for a password) is not guessing.
    const blocked = presented ? throttle.fail(request.ip) : undefined;
    if (blocked !== undefined) {
      void send(request, reply, new TooManyRequestsError(blocked), {
        'retry-after': String(blocked),
      });
      return;
    }
    void send(request, reply, new UnauthorizedError(), { 'www-authenticate': challenge });
  });
}

/** Refusals under `/api` are in the v2 shape (`{ _tag, message }`), as every answer there. */
const v2Errors = new V2ExceptionFilter();

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  error: NamedError,
  headers: Record<string, string>,
) {
  return reply
    .code(error.status)
    .headers(headers)
    .header('content-type', 'application/json')
    .send(isApiPath(request.url) ? v2Errors.describe(error).body : error.toJSON());
}

function isPublicShare(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const query = request.url.indexOf('?');
  return PUBLIC_SHARE_PATH.test(query === -1 ? request.url : request.url.slice(0, query));
}

function headerMatches(header: string, basic: Buffer | undefined, tokens: Buffer[]): boolean {
  if (basic && header.startsWith('Basic ')) return basicMatches(header.slice(6).trim(), basic);
  const bearer = /^Bearer +(\S+) *$/i.exec(header);
  return bearer !== null && tokenMatches(bearer[1], tokens);
}

function queryTokenMatches(token: string, basic: Buffer | undefined, tokens: Buffer[]): boolean {
  // Both are tried (no early answer): which kind the value was is not told by the timing.
  const asBasic = basic !== undefined && basicMatches(token, basic);
  const asToken = tokenMatches(token, tokens);
  return asBasic || asToken;
}

function basicMatches(base64: string, expected: Buffer): boolean {
  const decoded = Buffer.from(base64, 'base64').toString('utf8');
  // Both sides are hashed to the same length first, so the comparison time says nothing about
  // the length or prefix of the secret.
  return timingSafeEqual(digest(decoded), expected);
}

/** Compared with every token, matching or not, so the time taken does not tell which matched. */
function tokenMatches(token: string, tokens: Buffer[]): boolean {
  const presented = digest(token);
  let matched = false;
  for (const expected of tokens) matched = timingSafeEqual(presented, expected) || matched;
  return matched;
}

interface AddressRecord {
  /** When the address's current window of failures began. */
  since: number;
  failures: number;
  /** Set once over the limit: refused until then. */
  blockedUntil?: number;
}

/**
 * Counts failed authentications per address. More than `maxFailures` within `windowMs` of the
 * first one blocks the address for `windowMs` from the failure that crossed the limit; then it
 * starts afresh. At most `maxAddresses` are tracked (a Map keeps insertion order, and an address
 * is re-inserted when its window restarts, so the first entry is the one tracked longest): an
 * attacker rotating addresses makes the server forget old ones, not grow without bound.
 */
export class AuthThrottle {
  private readonly addresses = new Map<string, AddressRecord>();

  constructor(private readonly options: ThrottleOptions) {}

  /** Seconds until `address` may try again; `undefined` when it is not blocked. */
  blockedFor(address: string): number | undefined {
    const record = this.addresses.get(address);
    if (record?.blockedUntil === undefined) return undefined;
    const left = record.blockedUntil - this.options.now();
    if (left > 0) return Math.ceil(left / 1000);
    this.addresses.delete(address);
    return undefined;
  }

  /** Records a failure; answers the seconds of the block when it crossed the limit. */
  fail(address: string): number | undefined {
    const now = this.options.now();
    let record = this.addresses.get(address);
    if (!record || now - record.since >= this.options.windowMs) {
      this.addresses.delete(address);
      record = { since: now, failures: 0 };
      this.addresses.set(address, record);
      this.evict();
    }
    record.failures++;
    if (record.failures <= this.options.maxFailures) return undefined;
    record.blockedUntil = now + this.options.windowMs;
    return Math.ceil(this.options.windowMs / 1000);
  }

  /** How many addresses are tracked (for tests of the bound). */
  get size(): number {
    return this.addresses.size;
  }

  private evict(): void {
    for (const oldest of this.addresses.keys()) {
      if (this.addresses.size <= this.options.maxAddresses) return;
      this.addresses.delete(oldest);
    }
  }
}

/** A request URL (path and query) without its `auth_token`, for log lines and links. */
export function withoutAuthToken(url: string): string {
  if (!url.includes(AUTH_TOKEN_PARAMETER)) return url;
  const parsed = new URL(url, 'http://server');
  parsed.searchParams.delete(AUTH_TOKEN_PARAMETER);
  return `${parsed.pathname}${parsed.search}`;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
