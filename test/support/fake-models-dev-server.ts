/**
 * A fake of models.dev on 127.0.0.1 (port from `listen(0)`): `GET /api.json` answers the catalog
 * set with `serve()`. Every request is recorded with its headers; `failNext(status)` answers the
 * next request with that status, `delayNext(ms)` answers it that much later, `redirectNext(path)`
 * sends it elsewhere. Point the server at it with `OPENCODE_MODELS_URL=<url>`.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ModelsDevRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

export interface FakeModelsDevServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly requests: ModelsDevRequest[];
  /** What `GET /api.json` answers from now on: an object (as JSON) or raw text. */
  serve(catalog: unknown): void;
  failNext(status: number): void;
  delayNext(ms: number): void;
  redirectNext(location: string): void;
  close(): Promise<void>;
}

type Next = { status: number } | { delay: number } | { location: string };

export async function startFakeModelsDevServer(): Promise<FakeModelsDevServer> {
  const requests: ModelsDevRequest[] = [];
  const queue: Next[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let body = '{}';

  const answer = (path: string, res: ServerResponse) => {
    if (path !== '/api.json') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    requests.push({ path, headers: req.headers });
    const next = queue.shift();
    if (next && 'delay' in next) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer(path, res);
      }, next.delay);
      timers.add(timer);
      return;
    }
    if (next && 'location' in next) {
      res.writeHead(302, { location: next.location }).end();
      return;
    }
    if (next) {
      res.writeHead(next.status).end();
      return;
    }
    answer(path, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    serve(catalog) {
      body = typeof catalog === 'string' ? catalog : JSON.stringify(catalog);
    },
    failNext(status) {
      queue.push({ status });
    },
    delayNext(delay) {
      queue.push({ delay });
    },
    redirectNext(location) {
      queue.push({ location });
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
