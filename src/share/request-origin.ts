import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';

/** A host as a `Host` header carries it: a name or IPv4 address, or a bracketed IPv6 one, and a port. */
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * The origin the client reached this server at (`http://host:port`), for links it is handed
 * (a local share's URL): `X-Forwarded-Host` / `X-Forwarded-Proto` when a reverse proxy sets them,
 * else the `Host` header, over `http`. `undefined` when none is a well-formed host: the caller
 * falls back to the listening address. Only the client that asks is told the result, so a
 * client naming another host only misleads itself.
 */
export function requestOrigin(headers: IncomingHttpHeaders): string | undefined {
  const host = firstValue(headers['x-forwarded-host']) ?? headers.host;
  if (!host || !HOST.test(host)) return undefined;
  const protocol = firstValue(headers['x-forwarded-proto']) === 'https' ? 'https' : 'http';
  try {
    return new URL(`${protocol}://${host}`).origin;
  } catch {
    return undefined;
  }
}

/** A proxy chain's headers may list several values; the first is the client's. */
function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0].trim() || undefined;
}

/** The request's origin (see {@link requestOrigin}). */
export const RequestOrigin = createParamDecorator(
  (_: unknown, context: ExecutionContext): string | undefined =>
    requestOrigin(context.switchToHttp().getRequest<FastifyRequest>().headers),
);
