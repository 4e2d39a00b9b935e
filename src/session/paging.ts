import type { FastifyReply } from 'fastify';
import { withoutAuthToken } from '../core/http/auth';

/**
 * Tells the client a list was cut and how to get the next page, as the reference does for
 * messages: `Link: <url>; rel="next"` and `X-Next-Cursor`, both exposed to browsers.
 */
export function announceNextPage(reply: FastifyReply, parameter: string, value: string): void {
  // The link leaves out an `auth_token`: credentials never travel back in an answer.
  const url = new URL(withoutAuthToken(reply.request.url), 'http://server');
  url.searchParams.set(parameter, value);
  void reply
    .header('link', `<${url.pathname}${url.search}>; rel="next"`)
    .header('x-next-cursor', value)
    .header('access-control-expose-headers', 'Link, X-Next-Cursor');
}
