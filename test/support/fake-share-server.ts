/**
 * A fake of the share service (the reference's `opncd.ai` API) on 127.0.0.1, port from
 * `listen(0)`:
 *
 * - `POST /api/share` `{ sessionID }` → `{ id, url, secret }` (a fresh secret per share)
 * - `POST /api/share/:id/sync` `{ secret, data: [...] }` → `{}`; 403 on a wrong secret
 * - `DELETE /api/share/:id` `{ secret }` → `{}`; 403 on a wrong secret, 404 for an unknown share
 *
 * Every request is recorded; `failNext(status)` makes the next request answer that status.
 * Point the server at it with `OPENCODE_SHARE_URL=<url>`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ShareRequest {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

export interface FakeShare {
  id: string;
  sessionID: string;
  secret: string;
  url: string;
  /** Every item synced, in order (`{ type, data }`). */
  data: Array<{ type: string; data: unknown }>;
  removed: boolean;
}

export interface FakeShareServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly requests: ShareRequest[];
  /** Shares by id, removed ones included (`removed: true`). */
  readonly shares: Map<string, FakeShare>;
  /** The next request is answered with this status (and no body). */
  failNext(status: number): void;
  /** The share of a session (the latest, when it was shared twice). */
  shareOf(sessionID: string): FakeShare | undefined;
  /** Resolves once `count` sync requests for share `shareID` have arrived. */
  waitForSyncs(shareID: string, count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeShareServer(): Promise<FakeShareServer> {
  const requests: ShareRequest[] = [];
  const shares = new Map<string, FakeShare>();
  const failures: number[] = [];
  const waiters: Array<() => void> = [];
  let origin = '';

  const syncCount = (shareID: string) =>
    requests.filter((request) => request.path === `/api/share/${shareID}/sync`).length;

  const server = createServer((req, res) => {
    void readJson(req).then((body) => {
      const path = (req.url ?? '/').split('?')[0];
      requests.push({ method: req.method ?? 'GET', path, body });
      const failure = failures.shift();
      if (failure !== undefined) return send(res, failure, undefined);
      handle(req.method ?? 'GET', path, body, res);
      for (const wake of waiters.splice(0)) wake();
    });
  });

  function handle(
    method: string,
    path: string,
    body: Record<string, unknown>,
    res: ServerResponse,
  ): void {
    if (method === 'POST' && path === '/api/share') {
      const id = randomBytes(6).toString('hex');
      const share: FakeShare = {
        id,
        sessionID: String(body.sessionID),
        secret: randomBytes(16).toString('hex'),
        url: `${origin}/share/${id}`,
        data: [],
        removed: false,
      };
      shares.set(id, share);
      return send(res, 200, { id, url: share.url, secret: share.secret });
    }
    const match = /^\/api\/share\/([^/]+)(\/sync)?$/.exec(path);
    const share = match ? shares.get(decodeURIComponent(match[1])) : undefined;
    if (!match || !share || share.removed) return send(res, 404, { error: 'not found' });
    if (body.secret !== share.secret) return send(res, 403, { error: 'bad secret' });
    if (method === 'POST' && match[2]) {
      share.data.push(...(body.data as FakeShare['data']));
      return send(res, 200, {});
    }
    if (method === 'DELETE' && !match[2]) {
      share.removed = true;
      return send(res, 200, {});
    }
    send(res, 405, { error: 'method not allowed' });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    requests,
    shares,
    failNext(status) {
      failures.push(status);
    },
    shareOf(sessionID) {
      return [...shares.values()].filter((share) => share.sessionID === sessionID).at(-1);
    },
    async waitForSyncs(shareID, count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (syncCount(shareID) < count) {
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} sync requests, got ${syncCount(shareID)}`);
        }
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const value = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
        resolve(
          typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {},
        );
      } catch {
        resolve({});
      }
    });
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(text);
}
