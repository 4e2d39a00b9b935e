import type { FastifyInstance } from 'fastify';

/**
 * The API reads JSON bodies only: the text and form parsers that Fastify and Nest install are
 * removed, so such a body is a 415 as in the reference. A form post (`x-www-form-urlencoded`)
 * was parsed into an object that passed DTO validation, and a browser sends one cross-origin
 * without a CORS preflight: any web page could have created sessions or run `POST
 * /session/:id/shell` on a local server. Called after `app.init()` (Nest adds its parsers
 * there) and before the server starts.
 */
export function acceptJsonBodiesOnly(fastify: FastifyInstance): void {
  for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
    if (fastify.hasContentTypeParser(type)) fastify.removeContentTypeParser(type);
  }
}
