import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { McpOAuthCallbackPortInUseError, McpOAuthError } from './mcp.errors';

/** How long a login may take in the browser, as the reference. */
export const OAUTH_CALLBACK_TIMEOUT_MS = 5 * 60_000;
/** Host names a local listener can answer for; the listener binds 127.0.0.1 as the reference. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A browser redirect being waited for; `code` settles once. */
export interface PendingCallback {
  /** The authorization code, or a `McpOAuthError` (declined, timed out, cancelled). */
  readonly code: Promise<string>;
  cancel(reason: string): void;
}

interface Waiter {
  name: string;
  port: number;
  path: string;
  resolve(code: string): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * The local HTTP listener the authorization server sends the browser back to during
 * `POST /mcp/:name/auth/authenticate`: it hands the code to the login waiting for that `state`
 * and answers the browser with a short page. One listener per port, started on demand and
 * stopped once no login waits on it. Codes and states are never logged.
 */
@Injectable()
export class McpOAuthCallbackService implements OnModuleDestroy {
  private readonly logger = new Logger('McpOAuth');
  private readonly listeners = new Map<number, Promise<Server>>();
  /** By OAuth `state`. */
  private readonly waiters = new Map<string, Waiter>();

  /**
   * Starts listening for `redirectUrl` (a loopback http URL) and waits for the redirect carrying
   * `state`. Fails at once when the URL is not one a local listener can serve or the port is
   * taken.
   */
  async expect(
    redirectUrl: string,
    state: string,
    name: string,
    timeoutMs = OAUTH_CALLBACK_TIMEOUT_MS,
  ): Promise<PendingCallback> {
    const url = new URL(redirectUrl);
    if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) {
      throw new McpOAuthError(
        `The redirect URI ${redirectUrl} is not on this machine, so the login cannot be awaited here; use POST /mcp/${name}/auth and /mcp/${name}/auth/callback`,
      );
    }
    const port = Number(url.port || 80);
    await this.listen(port);
    const code = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => this.settle(state, new McpOAuthError('The login took too long; start it again')),
        timeoutMs,
      );
      this.waiters.set(state, { name, port, path: url.pathname, resolve, reject, timer });
    });
    // Settled before anyone awaits it (cancelled at once): not an unhandled rejection.
    code.catch(() => undefined);
    return { code, cancel: (reason) => this.settle(state, new McpOAuthError(reason)) };
  }

  /** Ends every login of `name` still waiting for its browser (but the one of `except`). */
  cancel(name: string, reason: string, except?: string): void {
    for (const [state, waiter] of this.waiters) {
      if (waiter.name === name && state !== except) this.settle(state, new McpOAuthError(reason));
    }
  }

  /** Ends the login waiting for `state`, if one is. */
  settleState(state: string, reason: string): void {
    this.settle(state, new McpOAuthError(reason));
  }

  async onModuleDestroy(): Promise<void> {
    for (const state of [...this.waiters.keys()]) {
      this.settle(state, new McpOAuthError('The server is shutting down'));
    }
    await Promise.all([...this.listeners.keys()].map((port) => this.stop(port)));
  }

  private listen(port: number): Promise<Server> {
    let listening = this.listeners.get(port);
    if (!listening) {
      listening = new Promise<Server>((resolve, reject) => {
        const server = createServer((req, res) => this.handle(port, req, res));
        server.once('error', (error: NodeJS.ErrnoException) => {
          this.listeners.delete(port);
          reject(
            error.code === 'EADDRINUSE' || error.code === 'EACCES'
              ? new McpOAuthCallbackPortInUseError(port)
              : error,
          );
        });
        server.listen(port, '127.0.0.1', () => resolve(server));
      });
      this.listeners.set(port, listening);
    }
    return listening;
  }

  private handle(port: number, req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const paths = [...this.waiters.values()].filter((w) => w.port === port).map((w) => w.path);
    if (req.method !== 'GET' || !paths.includes(url.pathname)) {
      return page(res, 404, 'Not found', 'Nothing is served here.');
    }
    const state = url.searchParams.get('state');
    const waiter = state ? this.waiters.get(state) : undefined;
    if (!state || !waiter || waiter.port !== port || waiter.path !== url.pathname) {
      return page(
        res,
        400,
        'Login failed',
        'This link does not belong to a login in progress (missing, invalid or expired state). Start the login again.',
      );
    }
    const error = url.searchParams.get('error');
    if (error) {
      const reason = url.searchParams.get('error_description') || error;
      this.settle(
        state,
        new McpOAuthError(`The authorization server refused the login: ${reason}`),
      );
      return page(res, 200, 'Login failed', `The authorization server answered: ${reason}`);
    }
    const code = url.searchParams.get('code');
    if (!code) return page(res, 400, 'Login failed', 'The answer carries no authorization code.');
    this.settle(state, code);
    page(res, 200, 'Login complete', 'You can close this window and return to opencode.');
  }

  /** Hands `state`'s waiter its code or error, once, and stops an idle listener. */
  private settle(state: string, outcome: string | Error): void {
    const waiter = this.waiters.get(state);
    if (!waiter) return;
    this.waiters.delete(state);
    clearTimeout(waiter.timer);
    if (typeof outcome === 'string') waiter.resolve(outcome);
    else waiter.reject(outcome);
    if (![...this.waiters.values()].some((w) => w.port === waiter.port)) {
      void this.stop(waiter.port);
    }
  }

  private async stop(port: number): Promise<void> {
    const listening = this.listeners.get(port);
    if (!listening) return;
    this.listeners.delete(port);
    const server = await listening.catch(() => undefined);
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    this.logger.debug(`stopped the OAuth callback listener on port ${port}`);
  }
}

function page(res: ServerResponse, status: number, title: string, text: string): void {
  const body = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // The page shows text only.
    'content-security-policy': "default-src 'none'",
  });
  res.end(body);
}

/** The error description comes from the redirect's query: never markup. */
function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
