import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../errors/named-error';

export interface BasicCredentials {
  username: string;
  password: string;
}

/**
 * HTTP basic auth for every route, Swagger's included: it is a Fastify `onRequest` hook because
 * Swagger's routes are registered on Fastify directly, where Nest guards never run. Preflight
 * requests pass, since browsers send them without credentials.
 */
export function registerBasicAuth(fastify: FastifyInstance, credentials: BasicCredentials): void {
  const expected = digest(`${credentials.username}:${credentials.password}`);
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    if (request.method === 'OPTIONS' || isAuthorized(request.headers.authorization, expected)) {
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
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  // Both sides are hashed to the same length first, so the comparison time says nothing about
  // the length or prefix of the secret.
  return timingSafeEqual(digest(decoded), expected);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
