import { applyDecorators, Logger } from '@nestjs/common';
import { ApiHeader, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import type { OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { errorMessage } from '../errors/error-message';
import { BadRequestError } from '../errors/named-error';
import type { Instance } from '../instance/instance';
import type {
  IdempotencyKeyRepository,
  StoredResponse,
} from '../storage/idempotency-key.repository';
import { IdempotencyKeyReusedError, IdempotencyKeyReusedErrorDto } from './idempotency.errors';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set on a response that is a replay of the first one, so a client can tell (as Stripe's API). */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';
/** How long a key's first response is kept and replayed. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_KEY_LENGTH = 255;
/** Visible ASCII and spaces: what every HTTP client sends unchanged in a header. */
const KEY_PATTERN = /^[\x20-\x7e]+$/;

/**
 * Route config flag (set by `@Endpoint({ idempotent: true })`): the route honours an
 * `Idempotency-Key` header.
 */
export interface IdempotentRouteConfig {
  idempotent?: boolean;
}

/** Documents the optional `Idempotency-Key` header (and its 422) on a route of `/doc`. */
export function IdempotencyKeyHeader(): MethodDecorator {
  const header = ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'A key of your choosing (1-255 visible ASCII characters) that makes retrying this request safe: the same key with the same request (method, route, directory, body) within 24 hours answers the first response again (status, body, content type, with `Idempotent-Replayed: true`) and runs nothing. A second request arriving while the first still runs waits for it and gets its response. The same key with another request is a 422 `IdempotencyKeyReusedError`. 5xx answers and the transient 408, 409, 425 and 429 are not kept, so a retry runs again.',
    schema: { type: 'string', minLength: 1, maxLength: MAX_KEY_LENGTH },
  });
  return applyDecorators(
    header,
    ApiUnprocessableEntityResponse({
      description: 'The Idempotency-Key was used for a different request',
      type: IdempotencyKeyReusedErrorDto,
    }),
  );
}

/**
 * Whether a response is kept for its key. A 5xx (the server failed) and the transient refusals
 * (timeout, a busy session, too early, too many requests) are not: a retry may well succeed, and
 * replaying the failure would make the key useless. Other 4xx are answers about the request
 * itself, which the same request would get again.
 */
export function isKeptStatus(status: number): boolean {
  if (status >= 500) return false;
  return status !== 408 && status !== 409 && status !== 425 && status !== 429;
}

/** What to do with a request carrying a key. */
export type IdempotencyClaim =
  | { kind: 'replay'; response: StoredResponse }
  | {
      kind: 'run';
      /** Called once with the response sent, or `undefined` when none was completed. */
      settle(response: StoredResponse | undefined): void;
    };

interface Running {
  fingerprint: string;
  done: Promise<void>;
}

/**
 * The rules of `Idempotency-Key`: the first request with a key runs, its response is kept
 * (`IdempotencyKeyRepository`, so it outlives a restart) and every later request with the same
 * key and fingerprint gets that response. A request arriving while the first is still running
 * (a retry after a dropped connection during a long turn) waits for it rather than being
 * refused: the client gets the answer it was after. When the first ends without a kept response
 * (a 5xx, a connection closed before any answer), a waiting request runs in its place.
 */
export class IdempotencyKeys {
  private readonly logger = new Logger('Idempotency');
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly repository: IdempotencyKeyRepository,
    private readonly now: () => number = Date.now,
  ) {
    repository.prune(this.expiredAt());
  }

  /** Throws `IdempotencyKeyReusedError` when the key belongs to a different request. */
  async claim(key: string, fingerprint: string): Promise<IdempotencyClaim> {
    for (;;) {
      const running = this.running.get(key);
      if (running) {
        if (running.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
        await running.done;
        continue;
      }
      const stored = this.repository.find(key, this.expiredAt());
      if (stored) {
        if (stored.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
        return { kind: 'replay', response: stored.response };
      }
      return this.start(key, fingerprint);
    }
  }

  private start(key: string, fingerprint: string): IdempotencyClaim {
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    this.running.set(key, { fingerprint, done });
    let settled = false;
    return {
      kind: 'run',
      settle: (response) => {
        if (settled) return;
        settled = true;
        try {
          if (response && isKeptStatus(response.status)) {
            const now = this.now();
            const expiredAt = now - IDEMPOTENCY_KEY_TTL_MS;
            // Expired rows go as new ones come: the table holds about a day of keys.
            this.repository.prune(expiredAt);
            this.repository.save(key, fingerprint, response, now, expiredAt);
          }
        } catch (error) {
          // Called from the response's end: the answer has gone out and must not fail now. A
          // retry will then run again, as if the key were new.
          this.logger.warn(`could not keep an Idempotency-Key's response: ${errorMessage(error)}`);
        } finally {
          this.running.delete(key);
          finished();
        }
      },
    };
  }

  private expiredAt(): number {
    return this.now() - IDEMPOTENCY_KEY_TTL_MS;
  }
}

type IdempotentRequest = FastifyRequest & { instance?: Instance };

/**
 * What makes two requests "the same" for a key: method, route, path parameters, the project
 * directory (from the query or the header alike), the other query parameters and the body, with
 * object keys sorted so that key order does not matter.
 */
export function requestFingerprint(request: IdempotentRequest): string {
  const { directory: _directory, ...query } = (request.query ?? {}) as Record<string, unknown>;
  const subject = {
    method: request.method,
    route: request.routeOptions.url,
    params: request.params ?? {},
    directory: request.instance?.directory ?? null,
    query,
    body: request.body ?? null,
  };
  return createHash('sha256').update(canonicalJson(subject)).digest('hex');
}

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Honours `Idempotency-Key` on the routes marked idempotent, as a Fastify `preHandler` hook
 * registered after the request-context one (it needs the request's directory) and before the
 * handler: a replay is answered from here and the handler never runs.
 */
export function registerIdempotency(
  fastify: FastifyInstance,
  keys: IdempotencyKeys,
  describe: (error: unknown) => { status: number; body: unknown },
): void {
  fastify.addHook('preHandler', async (request: IdempotentRequest, reply: FastifyReply) => {
    const config = request.routeOptions.config as IdempotentRouteConfig | undefined;
    if (!config?.idempotent) return;
    const key = readKey(request);
    if (key === undefined) return;
    let claim: IdempotencyClaim;
    try {
      if (key instanceof BadRequestError) throw key;
      claim = await keys.claim(key, requestFingerprint(request));
    } catch (error) {
      const { status, body } = describe(error);
      return reply.code(status).header('content-type', 'application/json').send(body);
    }
    if (claim.kind === 'replay') {
      const { status, contentType, body } = claim.response;
      reply.code(status).header(IDEMPOTENT_REPLAYED_HEADER, 'true');
      if (contentType) reply.header('content-type', contentType);
      return reply.send(status === 204 ? undefined : Buffer.from(body, 'utf8'));
    }
    captureResponse(reply, (response) => claim.settle(response));
  });
}

function readKey(request: FastifyRequest): string | BadRequestError | undefined {
  const value = request.headers[IDEMPOTENCY_KEY_HEADER];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    return new BadRequestError('Idempotency-Key must be given once', 'Headers', 'Idempotency-Key');
  }
  if (value.length === 0 || value.length > MAX_KEY_LENGTH || !KEY_PATTERN.test(value)) {
    return new BadRequestError(
      `Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} visible ASCII characters`,
      'Headers',
      'Idempotency-Key',
    );
  }
  return value;
}

/**
 * Records what is written to the raw response and hands it to `settle` once it ends. The raw
 * writes are the one place every response passes: the prompt routes hijack the reply (headers
 * at once, the JSON when the turn ends), so Fastify's `onSend` never sees their bodies. A
 * connection closed before the response ended settles with nothing kept, except on a hijacked
 * reply: its handler still ends it when the turn does (a retry after a dropped connection then
 * gets the turn's answer instead of starting a second turn).
 */
function captureResponse(
  reply: FastifyReply,
  settle: (response: StoredResponse | undefined) => void,
): void {
  const raw = reply.raw;
  const chunks: Buffer[] = [];
  let contentType: string | undefined;
  let ended = false;
  const add = (chunk: unknown, encoding: unknown) => {
    if (typeof chunk === 'string') {
      const known = typeof encoding === 'string' && Buffer.isEncoding(encoding);
      chunks.push(Buffer.from(chunk, known ? encoding : 'utf8'));
    } else if (chunk instanceof Uint8Array) {
      chunks.push(Buffer.from(chunk));
    }
  };
  const writeHead = raw.writeHead.bind(raw);
  const write = raw.write.bind(raw) as (...args: unknown[]) => boolean;
  const end = raw.end.bind(raw) as (...args: unknown[]) => ServerResponse;
  raw.writeHead = (...args: unknown[]) => {
    const headers = args.find(
      (arg): arg is OutgoingHttpHeaders => typeof arg === 'object' && arg !== null,
    );
    contentType = headerText(findHeader(headers, 'content-type')) ?? contentType;
    return (writeHead as (...args: unknown[]) => ServerResponse)(...args);
  };
  raw.write = ((...args: unknown[]) => {
    add(args[0], args[1]);
    return write(...args);
  }) as ServerResponse['write'];
  raw.end = ((...args: unknown[]) => {
    if (typeof args[0] !== 'function') add(args[0], args[1]);
    const result = end(...args);
    if (!ended) {
      ended = true;
      contentType ??= headerText(raw.getHeader('content-type'));
      settle({
        status: raw.statusCode,
        ...(contentType !== undefined && { contentType }),
        body: Buffer.concat(chunks).toString('utf8'),
      });
    }
    return result;
  }) as ServerResponse['end'];
  raw.once('close', () => {
    if (!ended && !reply.sent) settle(undefined);
  });
}

function findHeader(
  headers: OutgoingHttpHeaders | undefined,
  name: string,
): OutgoingHttpHeader | undefined {
  if (!headers || Array.isArray(headers)) return undefined;
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return entry?.[1];
}

function headerText(value: OutgoingHttpHeader | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}
