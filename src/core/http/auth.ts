import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../errors/named-error';
import { ticketOf } from './websocket';

export interface BasicCredentials {
  username: string;
  password: string;
}

/**
 * The query parameter that carries the basic-auth credentials (`base64(user:pass)`) where a
 * client cannot set headers: a browser's EventSource and WebSocket.
 */
export const AUTH_TOKEN_PARAMETER = 'auth_token';

/**
 * HTTP basic auth for every route, Swagger's included (when `credentials` are set): it is a
 * Fastify `onRequest` hook because Swagger's routes are registered on Fastify directly, where
 * Nest guards never run. Preflight requests pass, since browsers send them without credentials.
 * `?auth_token=` is accepted like the header, and taken out of the parsed query once read,
 * password or not: no route's DTO has to allow it, and nothing after this hook can repeat it
 * (`withoutAuthToken` keeps it out of what quotes the raw URL). A WebSocket route that takes a
 * single-use ticket instead (`pty.connect`) is let through when the request carries one: its
 * gateway checks the ticket before the upgrade (`websocket.ts`), and refuses a bad one with 403.
 */
export function registerAuth(
  fastify: FastifyInstance,
  credentials: BasicCredentials | undefined,
): void {
  const expected = credentials && digest(`${credentials.username}:${credentials.password}`);
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    const query = request.query as Record<string, unknown> | undefined;
    const token = query?.[AUTH_TOKEN_PARAMETER];
    if (token !== undefined) delete query![AUTH_TOKEN_PARAMETER];
    if (
      !expected ||
      request.method === 'OPTIONS' ||
      isAuthorized(request.headers.authorization, expected) ||
      (typeof token === 'string' && matches(token, expected)) ||
      ticketOf(request) !== undefined
    ) {
      done();
      return;
    }
    void reply
      .code(401)
      .header('www-authenticate', 'Basic realm="opencode"')
      .header('content-type', 'application/json')
      .send(new UnauthorizedError().toJSON());
  });
}

function isAuthorized(header: string | undefined, expected: Buffer): boolean {
  if (!header?.startsWith('Basic ')) return false;
  return matches(header.slice(6).trim(), expected);
}

function matches(base64: string, expected: Buffer): boolean {
  const decoded = Buffer.from(base64, 'base64').toString('utf8');
  // Both sides are hashed to the same length first, so the comparison time says nothing about
  // the length or prefix of the secret.
  return timingSafeEqual(digest(decoded), expected);
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
