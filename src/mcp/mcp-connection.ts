import type { Logger } from '@nestjs/common';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Resource, Tool } from '@modelcontextprotocol/sdk/types.js';
import { resolve } from 'node:path';
import type { z } from 'zod';
import type { McpLocalConfigSchema, McpRemoteConfigSchema } from '../config/config.schema';
import type { McpStatus } from './dto/mcp-status.dto';
import { loadMcpSdk, type McpSdk } from './mcp-sdk';

export type McpLocalConfig = z.infer<typeof McpLocalConfigSchema>;
export type McpRemoteConfig = z.infer<typeof McpRemoteConfigSchema>;
export type McpServerConfig = McpLocalConfig | McpRemoteConfig;

/** How long a server may take to start and answer `initialize` when its config says nothing. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
/** The reference's text for a server whose authorization server cannot register clients. */
export const CLIENT_REGISTRATION_NEEDED =
  'Server does not support dynamic client registration. Please provide clientId in config.';
/** How much of a local server's last stderr output a failure message quotes. */
const STDERR_TAIL_CHARS = 500;
/** A server that pages its tool or resource list forever is cut off here. */
const MAX_LIST_PAGES = 100;
/** What the MCP SDK says when an authorization server offers no client registration. */
const NO_REGISTRATION_ERROR = /does not support dynamic client registration/i;

export interface McpConnectionOptions {
  name: string;
  config: McpServerConfig;
  /** The project directory: the working directory of local servers (their `cwd` is relative to it). */
  directory: string;
  /** The server's own environment, which local servers inherit under their configured one. */
  inheritedEnvironment: Readonly<Record<string, string | undefined>>;
  /** Sent to servers as the client version. */
  version: string;
  /** The instance's lifetime: nothing is started once it is aborted. */
  signal: AbortSignal;
  /**
   * A remote server's OAuth client (absent with `oauth: false`): stored tokens are sent and
   * refreshed; a server that wants a login it has no tokens for is `needs_auth`.
   */
  authProvider?: OAuthClientProvider;
  logger: Logger;
  /** The server announced a new tool list. */
  onToolsChanged(): void;
}

/**
 * One MCP server of an instance: connects on creation (`ready` settles when the attempt is over,
 * never rejecting: failures become the `failed` status), lists and calls its tools, and closes it
 * (ending a local server's process) on `close()`.
 */
export class McpConnection {
  status: McpStatus = { status: 'failed', error: 'Not connected yet' };
  readonly ready: Promise<void>;
  private client: Client | undefined;
  private toolList: Promise<Tool[]> | undefined;
  private readonly lifetime = new AbortController();
  private readonly secrets: string[];
  private stderrTail = '';
  /** Failed attempts still shutting down. */
  private readonly cleanup: Promise<void>[] = [];

  constructor(private readonly options: McpConnectionOptions) {
    this.secrets = secretsOf(options.config);
    // Starts at once: a local server's process is spawned before the constructor returns, so a
    // `close()` that follows always finds it.
    this.ready = this.connect();
  }

  get name(): string {
    return this.options.name;
  }

  /** The config this connection was made from (`enabled` as connect/disconnect set it). */
  get config(): McpServerConfig {
    return this.options.config;
  }

  get closed(): boolean {
    return this.lifetime.signal.aborted;
  }

  /** The server's tools, listed once and again after it announces a change. */
  async tools(): Promise<Tool[]> {
    const client = this.client;
    if (!client || this.status.status !== 'connected') return [];
    if (!client.getServerCapabilities()?.tools) return [];
    this.toolList ??= this.listTools(client).catch((error: unknown) => {
      this.toolList = undefined;
      // The reference drops a server it cannot list: its tools are gone until it reconnects.
      if (this.client === client) this.client = undefined;
      this.fail(error);
      this.cleanup.push(this.closeClient(client));
      throw error;
    });
    return this.toolList;
  }

  /** Calls a tool; `signal` is the turn's, so aborting the turn cancels the call on the server. */
  async callTool(
    tool: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
    timeout?: number,
  ): Promise<CallToolResult> {
    const client = this.client;
    if (!client) throw new Error(`MCP server ${this.name} is not connected`);
    const { CallToolResultSchema } = await loadMcpSdk();
    const result = await client.callTool({ name: tool, arguments: args }, CallToolResultSchema, {
      signal,
      ...(timeout !== undefined && { timeout }),
      resetTimeoutOnProgress: true,
    });
    return CallToolResultSchema.parse(result);
  }

  /** The server's resources (none when it offers none), every page, each request within `timeout`. */
  async resources(timeout?: number): Promise<Resource[]> {
    const client = this.client;
    if (!client || this.status.status !== 'connected') return [];
    if (!client.getServerCapabilities()?.resources) return [];
    const resources: Resource[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const result = await client.listResources(cursor ? { cursor } : undefined, {
        signal: this.lifetime.signal,
        ...(timeout !== undefined && { timeout }),
      });
      resources.push(...result.resources);
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    return resources;
  }

  /** Ends the connection (and a local server's process); a connection in progress is cut short. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.lifetime.abort();
    await this.ready;
    const client = this.client;
    this.client = undefined;
    this.toolList = undefined;
    if (client) this.cleanup.push(this.closeClient(client));
    await Promise.all(this.cleanup);
  }

  /** `text` without any configured secret (environment values, header values, client secret). */
  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }

  private async connect(): Promise<void> {
    const { config, logger, name } = this.options;
    if (config.enabled === false) {
      this.status = { status: 'disabled' };
      return;
    }
    if (this.options.signal.aborted) {
      this.status = { status: 'failed', error: 'The instance was disposed' };
      return;
    }
    const timeout = config.timeout ?? DEFAULT_CONNECT_TIMEOUT_MS;
    try {
      this.status =
        config.type === 'local'
          ? await this.connectLocal(config, timeout)
          : await this.connectRemote(config, timeout);
    } catch (error) {
      this.status = { status: 'failed', error: this.describeFailure(error) };
    }
    // Closed while connecting (replaced, or the instance went): nothing worth reporting.
    if (this.closed) return;
    const status = this.status;
    if (status.status === 'connected') logger.log(`MCP server ${name} connected`);
    else if (status.status === 'failed' || status.status === 'needs_client_registration') {
      logger.warn(`MCP server ${name}: ${status.status}: ${status.error}`);
    } else logger.warn(`MCP server ${name}: ${status.status}`);
  }

  private async connectLocal(config: McpLocalConfig, timeout: number): Promise<McpStatus> {
    const [command, ...args] = config.command;
    if (!command) throw new Error('The command is empty');
    const { StdioClientTransport } = await loadMcpSdk();
    const transport = new StdioClientTransport({
      command,
      args,
      cwd: resolve(this.options.directory, config.cwd ?? '.'),
      env: { ...definedOnly(this.options.inheritedEnvironment), ...config.environment },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => this.recordStderr(chunk.toString('utf8')));
    this.client = await this.attempt(transport, timeout);
    return { status: 'connected' };
  }

  /** Streamable HTTP first; servers that refuse it over HTTP get the older SSE transport. */
  private async connectRemote(config: McpRemoteConfig, timeout: number): Promise<McpStatus> {
    let url: URL;
    try {
      url = new URL(config.url);
    } catch {
      throw new Error('The url is not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`The url must be http or https, not ${url.protocol}`);
    }
    const requestInit = config.headers ? { headers: config.headers } : undefined;
    const authProvider = this.options.authProvider;
    const sdk = await loadMcpSdk();
    const { StreamableHTTPClientTransport, StreamableHTTPError, SSEClientTransport } = sdk;
    let streamableError: unknown;
    try {
      this.client = await this.attempt(
        new StreamableHTTPClientTransport(url, { requestInit, authProvider }),
        timeout,
      );
      return { status: 'connected' };
    } catch (error) {
      const status = authorizationStatus(sdk, error, authProvider !== undefined);
      if (status) return status;
      // Timeouts and network errors would fail the same way over SSE: only an HTTP answer that
      // refuses Streamable HTTP (404, 405, an unexpected content type) is worth the fallback.
      if (!(error instanceof StreamableHTTPError) || this.closed) throw error;
      streamableError = error;
    }
    try {
      this.client = await this.attempt(
        new SSEClientTransport(url, { requestInit, authProvider }),
        timeout,
      );
      return { status: 'connected' };
    } catch (error) {
      const status = authorizationStatus(sdk, error, authProvider !== undefined);
      if (status) return status;
      throw new Error(`${messageOf(streamableError)} (SSE fallback: ${messageOf(error)})`);
    }
  }

  /**
   * Connects `transport`, within `timeout` and for as long as the connection is not closed; a
   * failed attempt closes its transport, so no process or HTTP session is left behind.
   */
  private async attempt(transport: Transport, timeout: number): Promise<Client> {
    const { Client, ToolListChangedNotificationSchema } = await loadMcpSdk();
    const client = new Client({ name: 'opencode', version: this.options.version });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      this.toolList = undefined;
      this.options.onToolsChanged();
    });
    try {
      await withDeadline(
        client.connect(transport, { timeout, signal: this.lifetime.signal }),
        timeout,
        this.lifetime.signal,
      );
      if (this.closed) throw new Error('The connection was closed');
    } catch (error) {
      // Not awaited: a server that ignores the end of its input gets seconds to exit before it is
      // killed, and the status need not wait for that. `close()` does.
      this.cleanup.push(
        this.closeClient(client),
        transport.close().catch(() => undefined),
      );
      throw error;
    }
    client.onerror = (error) =>
      this.options.logger.debug(`MCP server ${this.name}: ${this.redact(messageOf(error))}`);
    client.onclose = () => {
      if (this.closed || this.client !== client) return;
      this.client = undefined;
      this.toolList = undefined;
      this.fail(new Error('The MCP server closed the connection'));
    };
    return client;
  }

  private async listTools(client: Client): Promise<Tool[]> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const result = await client.listTools(cursor ? { cursor } : undefined, {
        signal: this.lifetime.signal,
      });
      tools.push(...result.tools);
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    return tools;
  }

  private fail(error: unknown): void {
    if (this.closed) return;
    this.status = { status: 'failed', error: this.describeFailure(error) };
    this.options.logger.warn(`MCP server ${this.name} failed: ${this.status.error}`);
  }

  /** The error's message, with what a local server last wrote to stderr, secrets removed. */
  private describeFailure(error: unknown): string {
    const tail = this.stderrTail.trim();
    const message = tail ? `${messageOf(error)} (stderr: ${tail})` : messageOf(error);
    return this.redact(message);
  }

  private recordStderr(text: string): void {
    this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
    for (const line of text.split('\n')) {
      if (line.trim())
        this.options.logger.debug(`MCP server ${this.name} stderr: ${this.redact(line)}`);
    }
  }

  private async closeClient(client: Client): Promise<void> {
    try {
      await client.close();
    } catch (error) {
      this.options.logger.debug(
        `closing MCP server ${this.name}: ${this.redact(messageOf(error))}`,
      );
    }
  }
}

/** Rejects when `work` outlives `ms` or `signal` aborts. */
function withDeadline<T>(work: Promise<T>, ms: number, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = () => reject(new Error('The connection was closed'));
    const timer = setTimeout(() => reject(new Error(`Connection timed out after ${ms} ms`)), ms);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolvePromise, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
}

/**
 * What a failed attempt says about authorization, when it says something: no tokens for a server
 * that wants them (`needs_auth`), an authorization server that cannot register this client
 * (`needs_client_registration`, the reference's text), a 401 with OAuth turned off (an error).
 * Deliberate difference: the reference reports an authorization server without registration as
 * `failed` with the SDK's message, though its status union has a state for it.
 */
function authorizationStatus(
  sdk: McpSdk,
  error: unknown,
  withOAuth: boolean,
): McpStatus | undefined {
  const { UnauthorizedError, StreamableHTTPError, SseError } = sdk;
  if (error instanceof UnauthorizedError) return { status: 'needs_auth' };
  if (withOAuth && NO_REGISTRATION_ERROR.test(messageOf(error))) {
    return { status: 'needs_client_registration', error: CLIENT_REGISTRATION_NEEDED };
  }
  const is401 =
    (error instanceof StreamableHTTPError || error instanceof SseError) && error.code === 401;
  if (is401 && !withOAuth) {
    throw new Error('The server requires authorization (HTTP 401) and OAuth is disabled for it');
  }
  return undefined;
}

/** Values a log line or status must never show: the configured environment and headers. */
function secretsOf(config: McpServerConfig): string[] {
  const values =
    config.type === 'local'
      ? Object.values(config.environment ?? {})
      : [
          ...Object.values(config.headers ?? {}),
          ...(config.oauth && config.oauth.clientSecret ? [config.oauth.clientSecret] : []),
        ];
  // A header such as `Bearer <token>` hides its token even where it appears alone.
  const pieces = values.flatMap((value) => [
    value,
    ...value.split(/\s+/).filter((p) => p.length >= 8),
  ]);
  // Longest first, so a value is removed whole before any part of it.
  return [...new Set(pieces.filter((value) => value.length >= 4))].sort(
    (a, b) => b.length - a.length,
  );
}

function definedOnly(environment: Readonly<Record<string, string | undefined>>) {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(environment)) {
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Not `instanceof Error`: errors of Node's own modules may come from another realm (jest). */
export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
