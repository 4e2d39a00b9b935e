import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LoginFailed } from './login-method';

export interface LoopbackOptions {
  /** The host the redirect URI names, as the provider registered it; bound on 127.0.0.1 either way. */
  host: 'localhost' | '127.0.0.1';
  /** The port the provider registered (0: any free port). */
  port: number;
  /** The redirect's path (`/auth/callback`). */
  path: string;
  /** Shown on the page the browser lands on. */
  provider: string;
  /**
   * For implicit grants, whose token comes in the URL fragment the browser never sends: the
   * landing page posts the fragment's parameters as JSON to this path.
   */
  fragmentPostPath?: string;
}

export interface LoopbackReceiver {
  readonly redirectUri: string;
  /** The parameters of the first redirect (query, or the posted fragment). */
  readonly result: Promise<URLSearchParams>;
  /** Takes parameters the user pasted (the redirect URL of a browser on another machine). */
  deliver(params: URLSearchParams): void;
  close(): void;
}

/**
 * Starts a one-shot receiver for a browser redirect on 127.0.0.1. Deliberate difference: the
 * reference binds some of these (ChatGPT's 1455, DigitalOcean's 1456) on every interface; here
 * nothing outside this machine can reach them.
 */
export async function startLoopback(options: LoopbackOptions): Promise<LoopbackReceiver> {
  let settle!: (params: URLSearchParams) => void;
  const result = new Promise<URLSearchParams>((resolve) => (settle = resolve));
  let done = false;
  const finish = (params: URLSearchParams) => {
    if (done) return;
    done = true;
    settle(params);
  };
  const server = createServer((request, response) => {
    handle(request, response, options, finish);
  });
  await listen(server, options.port);
  const port = (server.address() as AddressInfo).port;
  return {
    redirectUri: `http://${options.host}:${port}${options.path}`,
    result,
    deliver: finish,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new LoginFailed(
          error.code === 'EADDRINUSE'
            ? `Port ${port} is in use (another login in progress?): the browser's redirect cannot be received`
            : `Cannot receive the browser's redirect: ${error.message}`,
        ),
      );
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

function handle(
  request: IncomingMessage,
  response: ServerResponse,
  options: LoopbackOptions,
  finish: (params: URLSearchParams) => void,
): void {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (request.method === 'GET' && url.pathname === options.path) {
    if (options.fragmentPostPath) {
      page(response, 200, fragmentPage(options.provider, options.fragmentPostPath));
      return;
    }
    const failed = url.searchParams.get('error');
    finish(url.searchParams);
    page(
      response,
      failed ? 400 : 200,
      landingPage(
        failed ? 'Login failed' : `Connected to ${options.provider}`,
        failed ?? undefined,
      ),
    );
    return;
  }
  if (request.method === 'POST' && url.pathname === options.fragmentPostPath) {
    readJson(request)
      .then((fields) => {
        finish(new URLSearchParams(fields));
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"ok":true}');
      })
      .catch(() => {
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end('{"error":"invalid_request"}');
      });
    return;
  }
  response.writeHead(404);
  response.end('Not found');
}

const MAX_BODY_BYTES = 64 * 1024;

async function readJson(request: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('too large');
    chunks.push(chunk);
  }
  const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('not an object');
  }
  return Object.fromEntries(
    Object.entries(parsed).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

function page(response: ServerResponse, status: number, html: string): void {
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  response.end(html);
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function landingPage(title: string, detail?: string): string {
  return [
    '<!DOCTYPE html><html><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family:system-ui,sans-serif;text-align:center;margin-top:20vh">',
    `<h1>${escapeHtml(title)}</h1>`,
    detail ? `<p>${escapeHtml(detail)}</p>` : '',
    '<p>You can close this tab and return to opencode.</p></body></html>',
  ].join('');
}

/** Posts the fragment (`#access_token=...&state=...`) to the receiver, then clears it from the address bar. */
function fragmentPage(provider: string, postPath: string): string {
  const script = [
    'const fields = Object.fromEntries(new URLSearchParams(location.hash.slice(1)));',
    "history.replaceState(null, '', location.pathname);",
    `fetch(${JSON.stringify(postPath)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fields) })`,
    "  .then((r) => { document.getElementById('s').textContent = r.ok ? 'Connected. You can close this tab and return to opencode.' : 'Login failed.'; });",
  ].join('\n');
  return [
    '<!DOCTYPE html><html><head><meta charset="utf-8">',
    `<title>${escapeHtml(provider)}</title></head>`,
    '<body style="font-family:system-ui,sans-serif;text-align:center;margin-top:20vh">',
    `<h1>${escapeHtml(provider)}</h1><p id="s">Finishing the login...</p>`,
    `<script>${script}</script></body></html>`,
  ].join('');
}
