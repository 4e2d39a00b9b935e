import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../errors/named-error';

/** Where the browser client is served: the page only, its script and styles are inlined. */
export const WEB_CLIENT_PATH = '/';

/**
 * Where the built client (`vite build`, see web/vite.config.ts) is looked for: `dist/web` beside
 * the compiled server (dist/core/http -> dist/web), or, when the server runs from its TypeScript
 * sources (ts-node), the one the last build left in dist/.
 */
const DEFAULT_DIRECTORIES = [
  join(__dirname, '..', '..', 'web'),
  join(__dirname, '..', '..', '..', 'dist', 'web'),
];

/**
 * Everything the page may load comes from this server: no CDN, no font or image from elsewhere.
 * Inline script and styles because the build inlines them (one request, so `?auth_token=` in the
 * page URL is all a browser without stored credentials needs) and xterm.js positions its rows
 * with style attributes.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the browser client at `/`, through Fastify so the auth hook guards it like every route
 * (a 401 without credentials). Only `/` answers the page: it keeps its state in the URL's hash,
 * so no fallback route is needed and unknown API paths still get the JSON 404. Not a Nest
 * controller, hence not in /doc (the reference documents no such route). The page is read on
 * first request, not at start-up, and kept: it changes only with a new build.
 */
export function mountWebClient(
  fastify: FastifyInstance,
  directories: readonly string[] = DEFAULT_DIRECTORIES,
): void {
  let page: Buffer | undefined;
  fastify.get(WEB_CLIENT_PATH, (_request, reply) => {
    page ??= readPage(directories);
    if (!page) {
      const error = new NotFoundError('The browser client is not built: run `npm run build`');
      return reply.code(error.status).send(error.toJSON());
    }
    return (
      reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', CONTENT_SECURITY_POLICY)
        // The page URL may carry `?auth_token=`: never hand it on as a referrer.
        .header('referrer-policy', 'no-referrer')
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-cache')
        .send(page)
    );
  });
}

function readPage(directories: readonly string[]): Buffer | undefined {
  for (const directory of directories) {
    const file = join(directory, 'index.html');
    if (existsSync(file)) return readFileSync(file);
  }
  return undefined;
}
