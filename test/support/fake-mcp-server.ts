import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';

/** The stdio MCP server script (plain CommonJS): tools `echo` and `add`; see its header. */
export const FAKE_MCP_STDIO_SCRIPT = join(__dirname, 'fake-mcp-stdio.js');

/** A `command` for a local MCP server config that runs the fake stdio server with this Node. */
export function fakeMcpStdioCommand(): string[] {
  return [process.execPath, FAKE_MCP_STDIO_SCRIPT];
}

/** The pid a fake stdio server wrote to its `FAKE_MCP_PID_FILE`, once it has. */
export async function readPid(file: string, timeoutMs = 5000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8').trim();
      if (text) return Number(text);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no pid in ${file}`);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until the process is gone (it may take the client a moment to end it). */
export async function waitForExit(pid: number, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!processAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return !processAlive(pid);
}

export interface FakeRemoteMcpOptions {
  /**
   * Answer 401 to every MCP request, with OAuth metadata whose authorization server does or does
   * not offer dynamic client registration (`POST /register`, which accepts any client).
   */
  unauthorized?: { registration: boolean };
  /**
   * Speak only the older HTTP+SSE transport: `GET /mcp` opens the event stream, messages are
   * POSTed to `/messages`, and a POST to `/mcp` is refused with 405.
   */
  sseOnly?: boolean;
}

export interface FakeRemoteMcp {
  /** The MCP endpoint (`http://127.0.0.1:<port>/mcp`). */
  url: string;
  /** Headers of every request to the MCP endpoint, in order. */
  requests: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/**
 * An in-process MCP server over Streamable HTTP on 127.0.0.1 (stateless: one SDK server per
 * request), with the tool `shout` ({ text } → upper case).
 */
export async function startFakeRemoteMcp(
  options: FakeRemoteMcpOptions = {},
): Promise<FakeRemoteMcp> {
  const requests: IncomingHttpHeaders[] = [];
  const sseSessions = new Map<string, SSEServerTransport>();
  let origin = '';
  const http = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (
      path === '/.well-known/oauth-protected-resource' ||
      path.startsWith('/.well-known/oauth-protected-resource/')
    ) {
      return sendJson(res, 200, { resource: `${origin}/mcp`, authorization_servers: [origin] });
    }
    if (path === '/.well-known/oauth-authorization-server') {
      return sendJson(res, 200, {
        issuer: origin,
        authorization_endpoint: `${origin}/authorize`,
        token_endpoint: `${origin}/token`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        ...(options.unauthorized?.registration && { registration_endpoint: `${origin}/register` }),
      });
    }
    if (path === '/register' && req.method === 'POST' && options.unauthorized?.registration) {
      // Dynamic client registration: the client then builds an authorization URL and stops.
      return sendJson(res, 201, { client_id: 'fake-client', redirect_uris: [] });
    }
    if (options.sseOnly && path === '/messages') {
      const session = sseSessions.get(
        new URL(req.url ?? '/', 'http://x').searchParams.get('sessionId') ?? '',
      );
      if (!session) return sendJson(res, 404, { error: 'unknown session' });
      void session.handlePostMessage(req, res);
      return;
    }
    if (path !== '/mcp') return sendJson(res, 404, { error: 'not found' });
    requests.push(req.headers);
    if (options.unauthorized) {
      res.setHeader(
        'www-authenticate',
        `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource"`,
      );
      return sendJson(res, 401, { error: 'unauthorized' });
    }
    if (options.sseOnly) {
      if (req.method !== 'GET') return sendJson(res, 405, { error: 'method not allowed' });
      const server = buildRemoteServer();
      const transport = new SSEServerTransport('/messages', res);
      sseSessions.set(transport.sessionId, transport);
      res.on('close', () => {
        sseSessions.delete(transport.sessionId);
        void server.close();
      });
      void server.connect(transport);
      return;
    }
    // Stateless servers have no stream to offer on GET.
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' });
    const server = buildRemoteServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    server
      .connect(transport)
      .then(() => transport.handleRequest(req, res))
      .catch(() => {
        if (!res.headersSent) sendJson(res, 500, { error: 'server error' });
      });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url: `${origin}/mcp`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

function buildRemoteServer(): McpServer {
  const server = new McpServer({ name: 'fake-remote-mcp', version: '1.0.0' });
  server.registerTool(
    'shout',
    { description: 'Answers the text in upper case', inputSchema: { text: z.string() } },
    ({ text }) => ({ content: [{ type: 'text', text: text.toUpperCase() }] }),
  );
  return server;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
