import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import type { Config, McpConfig } from '../config/config.schema';
import { openBrowser } from '../core/browser';
import { BusService } from '../core/bus/bus.service';
import { AppEnvironment } from '../core/config/app-environment';
import type { Instance } from '../core/instance/instance';
import type { ToolDefinition } from '../tool/tool.types';
import type { McpAuthRemoveDto, McpAuthStartDto } from './dto/mcp-auth.dto';
import type { McpResourceMap } from './dto/mcp-resource.dto';
import type { McpStatus, McpStatusMap } from './dto/mcp-status.dto';
import { McpAuthStore } from './mcp-auth.store';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  McpConnection,
  messageOf,
  type McpRemoteConfig,
  type McpServerConfig,
} from './mcp-connection';
import { McpOAuthCallbackService } from './mcp-oauth-callback.service';
import { McpOAuthFlow } from './mcp-oauth-flow';
import { mcpRedirectUrl, McpOAuthProvider, newOAuthState } from './mcp-oauth-provider';
import { mcpToolDefinition } from './mcp-tools';
import { McpOAuthError, McpServerNotFoundError, McpUnsupportedOAuthError } from './mcp.errors';

const MCP_STATE = Symbol('mcp');

/** A login just begun: pending until its code comes, or none needed. */
interface LoginStart {
  state: string;
  pending?: McpOAuthFlow;
}

/**
 * The MCP servers of a project directory: those of the config's `mcp` section and those added
 * with `POST /mcp`. Each instance connects its servers on first use and closes them (ending local
 * servers' processes) when it is disposed. Config edits are picked up on the next call: a server
 * whose entry changed is reconnected, one whose entry went away is closed.
 */
@Injectable()
export class McpService {
  private readonly logger = new Logger('Mcp');

  constructor(
    private readonly config: ConfigService,
    private readonly bus: BusService,
    private readonly env: AppEnvironment,
    private readonly store: McpAuthStore,
    private readonly callbacks: McpOAuthCallbackService,
  ) {}

  /** Every server's status, by name, once their connection attempts have settled. */
  async status(instance: Instance): Promise<McpStatusMap> {
    const { servers } = await this.servers(instance);
    return servers.statuses();
  }

  /**
   * Adds (or replaces) a server for this instance until it is disposed, waits for its connection
   * attempt, and answers every server's status: a server that fails to start is `failed`.
   */
  async add(instance: Instance, name: string, config: McpServerConfig): Promise<McpStatusMap> {
    const { servers } = await this.servers(instance);
    await servers.add(name, config);
    return servers.statuses();
  }

  /**
   * Connects the server again, even one the config disables or one connected already, and waits
   * for the attempt. `true` whatever its outcome, as the reference: the status tells.
   */
  async connect(instance: Instance, name: string): Promise<boolean> {
    const { servers } = await this.servers(instance);
    const entry = servers.find(name) ?? notFound(name);
    await servers.reopen(name, { ...entry.config, enabled: true }).ready;
    return true;
  }

  /** Closes the server (and ends a local one's process): `disabled` until connected again. */
  async disconnect(instance: Instance, name: string): Promise<boolean> {
    const { servers } = await this.servers(instance);
    const entry = servers.find(name) ?? notFound(name);
    await servers.reopen(name, { ...entry.config, enabled: false }).ready;
    return true;
  }

  /**
   * The tools of every connected server, as agent tools named `<server>_<tool>`. A server whose
   * tools cannot be listed is marked `failed` and left out; the turn goes on without it.
   */
  async tools(instance: Instance): Promise<ToolDefinition[]> {
    const { servers, config } = await this.servers(instance);
    const timeout = config.experimental?.mcp_timeout;
    const lists = await Promise.all(
      (await servers.connected()).map(async (connection) => {
        try {
          const tools = await connection.tools();
          return tools.map((tool) =>
            mcpToolDefinition(connection.name, tool, (args, signal) =>
              connection.callTool(tool.name, args, signal, timeout),
            ),
          );
        } catch (error) {
          this.logger.warn(
            `listing the tools of MCP server ${connection.name} failed: ${connection.redact(messageOf(error))}`,
          );
          return [];
        }
      }),
    );
    const byId = new Map<string, ToolDefinition>();
    for (const tool of lists.flat()) {
      // Two servers whose names sanitize alike: the first keeps the id.
      if (byId.has(tool.id)) this.logger.warn(`MCP tool ${tool.id} is defined twice; keeping one`);
      else byId.set(tool.id, tool);
    }
    return [...byId.values()];
  }

  /**
   * The resources of every connected server, keyed `<server>:<uri>` with `%` and `:` of the
   * server's name escaped (as the reference), only the documented fields. A server that cannot
   * list them is left out.
   */
  async resources(instance: Instance): Promise<McpResourceMap> {
    const { servers, config } = await this.servers(instance);
    const fallbackTimeout = config.experimental?.mcp_timeout;
    const lists = await Promise.all(
      (await servers.connected()).map(async (connection) => {
        const prefix = connection.name.replaceAll('%', '%25').replaceAll(':', '%3A');
        try {
          const resources = await connection.resources(
            connection.config.timeout ?? fallbackTimeout,
          );
          return resources.map(
            (resource) =>
              [
                `${prefix}:${resource.uri}`,
                {
                  name: resource.name,
                  uri: resource.uri,
                  ...(resource.description !== undefined && {
                    description: resource.description,
                  }),
                  ...(resource.mimeType !== undefined && { mimeType: resource.mimeType }),
                  client: connection.name,
                },
              ] as const,
          );
        } catch (error) {
          this.logger.warn(
            `listing the resources of MCP server ${connection.name} failed: ${connection.redact(messageOf(error))}`,
          );
          return [];
        }
      }),
    );
    return Object.fromEntries(lists.flat());
  }

  /**
   * Begins a login to a remote server: answers the page the user must open, and keeps the login
   * pending until `finishAuth` brings its code. An empty URL when stored credentials already work
   * (the server is then reconnected with them).
   */
  async startAuth(instance: Instance, name: string): Promise<McpAuthStartDto> {
    const { servers } = await this.servers(instance);
    const config = remoteWithOAuth(servers, name);
    const flow = await this.beginLogin(servers, name, config, newOAuthState());
    if (!flow.pending) return { authorizationUrl: '', oauthState: flow.state };
    return { authorizationUrl: flow.pending.authorizationUrl, oauthState: flow.state };
  }

  /**
   * Logs in and waits for it: begins the login, opens the page in this machine's browser (or,
   * without one, publishes `mcp.browser.open.failed` with the URL for a client to show), waits
   * up to five minutes for the browser to come back to the local callback listener, then
   * finishes as `finishAuth` does. Answers the server's status.
   */
  async authenticate(instance: Instance, name: string): Promise<McpStatus> {
    const { servers } = await this.servers(instance);
    const config = remoteWithOAuth(servers, name);
    const state = newOAuthState();
    // Listening first: a port that cannot be used fails the request before anything is started.
    const callback = await this.callbacks.expect(
      mcpRedirectUrl(config.oauth || undefined),
      state,
      name,
    );
    let flow: LoginStart;
    try {
      flow = await this.beginLogin(servers, name, config, state);
    } catch (error) {
      callback.cancel('The login could not start');
      throw error;
    }
    const pending = flow.pending;
    if (!pending) {
      callback.cancel('No login needed');
      return servers.find(name)?.connection.status ?? notFound(name);
    }
    this.showLoginPage(instance, name, pending.authorizationUrl);
    let code: string;
    try {
      code = await callback.code;
    } catch (error) {
      await servers.endLogin(name, pending);
      throw error;
    }
    return this.completeLogin(servers, name, pending, code);
  }

  /** Finishes the pending login with the code the browser brought back, then reconnects. */
  async finishAuth(instance: Instance, name: string, code: string): Promise<McpStatus> {
    const { servers } = await this.servers(instance);
    if (!servers.find(name)) notFound(name);
    const pending = servers.login(name);
    return this.completeLogin(servers, name, pending, code);
  }

  /**
   * Forgets the server's credentials (tokens, registered client, a login in progress) and
   * reconnects it without them. Deliberate difference: the reference keeps the open connection
   * until the next reconnect, so the server still looks logged in.
   */
  async removeAuth(instance: Instance, name: string): Promise<McpAuthRemoveDto> {
    const { servers } = await this.servers(instance);
    const entry = servers.find(name) ?? notFound(name);
    this.callbacks.cancel(name, 'The credentials were removed');
    await servers.endLogin(name);
    await this.store.remove(name);
    if (entry.connection.config.type === 'remote') {
      await servers.reopen(name, entry.connection.config).ready;
    }
    return { success: true };
  }

  private async beginLogin(
    servers: McpServers,
    name: string,
    config: McpRemoteConfig,
    state: string,
  ): Promise<LoginStart> {
    // A newer login replaces an older one, whose code could no longer be exchanged.
    this.callbacks.cancel(name, 'A newer login of this server was started', state);
    await servers.endLogin(name);
    const flow = await McpOAuthFlow.start({
      name,
      config,
      store: this.store,
      state,
      version: this.env.version,
      timeout: config.timeout ?? DEFAULT_CONNECT_TIMEOUT_MS,
    });
    if (!flow) {
      await servers.reopen(name, { ...config, enabled: true }).ready;
      return { state };
    }
    servers.beginLogin(name, flow);
    this.logger.log(`login to MCP server ${name} started`);
    return { state, pending: flow };
  }

  private async completeLogin(
    servers: McpServers,
    name: string,
    flow: McpOAuthFlow,
    code: string,
  ): Promise<McpStatus> {
    await flow.finish(code);
    await servers.endLogin(name, flow);
    this.logger.log(`login to MCP server ${name} complete`);
    const entry = servers.find(name) ?? notFound(name);
    const connection = servers.reopen(name, { ...entry.config, enabled: true });
    await connection.ready;
    return connection.status;
  }

  private showLoginPage(instance: Instance, name: string, url: string): void {
    const failed = () =>
      this.bus.publish(instance, 'mcp.browser.open.failed', { mcpName: name, url });
    if (!this.env.canOpenBrowser) {
      failed();
      return;
    }
    openBrowser(url).catch((error: unknown) => {
      this.logger.warn(`could not open a browser for MCP server ${name}: ${messageOf(error)}`);
      failed();
    });
  }

  private async servers(instance: Instance): Promise<{ servers: McpServers; config: Config }> {
    const config = await this.config.get(instance);
    const servers = instance.getOrCreate(
      MCP_STATE,
      () => new McpServers((name, serverConfig) => this.open(instance, name, serverConfig)),
      (created) => {
        // Logins of this instance waiting for their browser end with it.
        for (const state of created.loginStates()) {
          this.callbacks.settleState(state, 'The instance was disposed');
        }
        return created.closeAll();
      },
    );
    servers.sync(config.mcp ?? {}, this.logger);
    return { servers, config };
  }

  private open(instance: Instance, name: string, config: McpServerConfig): McpConnection {
    const connection = new McpConnection({
      name,
      config,
      directory: instance.directory,
      inheritedEnvironment: this.env.variables,
      version: this.env.version,
      signal: instance.signal,
      logger: this.logger,
      authProvider:
        config.type === 'remote' && config.oauth !== false
          ? new McpOAuthProvider({
              name,
              serverUrl: config.url,
              config: config.oauth,
              store: this.store,
            })
          : undefined,
      onToolsChanged: () => this.bus.publish(instance, 'mcp.tools.changed', { server: name }),
    });
    void connection.ready.then(() => this.announceLoginNeeded(instance, connection));
    return connection;
  }

  /** As the reference: a toast tells the user a server waits for a login or a client id. */
  private announceLoginNeeded(instance: Instance, connection: McpConnection): void {
    if (connection.closed) return;
    const { status } = connection.status;
    const name = connection.name;
    if (status !== 'needs_auth' && status !== 'needs_client_registration') return;
    this.bus.publish(instance, 'tui.toast.show', {
      title: 'MCP Authentication Required',
      message:
        status === 'needs_auth'
          ? `Server "${name}" requires authentication. Run: opencode mcp auth ${name}`
          : `Server "${name}" requires a pre-registered client ID. Add clientId to your config.`,
      variant: 'warning',
      duration: 8000,
    });
  }
}

function notFound(name: string): never {
  throw new McpServerNotFoundError(name);
}

/** The server's config when it can log in with OAuth: remote, and `oauth` not turned off. */
function remoteWithOAuth(servers: McpServers, name: string): McpRemoteConfig {
  const config = (servers.find(name) ?? notFound(name)).config;
  if (config.type !== 'remote' || config.oauth === false) {
    throw new McpUnsupportedOAuthError(name);
  }
  return config;
}

interface ServerEntry {
  connection: McpConnection;
  /** `runtime` servers came from `POST /mcp` and win over a config entry of the same name. */
  source: 'config' | 'runtime';
  /** The config entry (or added config) the server was made from. */
  config: McpServerConfig;
  /** `config` as JSON, to notice edits. */
  fingerprint: string;
}

/**
 * One instance's servers, by name, in config order then in the order they were added, and their
 * logins in progress.
 */
class McpServers {
  private readonly entries = new Map<string, ServerEntry>();
  private readonly logins = new Map<string, McpOAuthFlow>();
  /** Connections being closed after a replacement, awaited when the instance goes. */
  private readonly closing = new Set<Promise<void>>();
  /** Config entries already reported as unusable, so each is logged once. */
  private readonly ignored = new Set<string>();

  constructor(private readonly open: (name: string, config: McpServerConfig) => McpConnection) {}

  /**
   * Brings the config's servers in line with `configured`; runtime servers are left alone, and
   * so is a server connected or disconnected by hand while its config entry stays the same.
   */
  sync(configured: Record<string, McpConfig>, logger: Logger): void {
    for (const [name, entry] of this.entries) {
      if (entry.source === 'config' && !Object.hasOwn(configured, name)) {
        this.entries.delete(name);
        this.retire(entry.connection);
      }
    }
    for (const [name, config] of Object.entries(configured)) {
      const existing = this.entries.get(name);
      if (existing?.source === 'runtime') continue;
      if (!('type' in config)) {
        // An `{ enabled }` override whose server no config layer defines, as the reference does.
        if (!this.ignored.has(name)) logger.warn(`ignoring MCP server ${name}: it has no type`);
        this.ignored.add(name);
        continue;
      }
      const fingerprint = JSON.stringify(config);
      if (existing?.fingerprint === fingerprint) continue;
      if (existing) this.retire(existing.connection);
      this.entries.set(name, {
        connection: this.open(name, config),
        source: 'config',
        config,
        fingerprint,
      });
    }
  }

  find(name: string): ServerEntry | undefined {
    return this.entries.get(name);
  }

  async add(name: string, config: McpServerConfig): Promise<void> {
    const previous = this.entries.get(name);
    const connection = this.open(name, config);
    this.entries.set(name, {
      connection,
      source: 'runtime',
      config,
      fingerprint: JSON.stringify(config),
    });
    if (previous) this.retire(previous.connection);
    await connection.ready;
  }

  /** Replaces the server's connection by one made from `config`; the entry stays as it was. */
  reopen(name: string, config: McpServerConfig): McpConnection {
    const entry = this.entries.get(name);
    if (!entry) throw new McpServerNotFoundError(name);
    const previous = entry.connection;
    entry.connection = this.open(name, config);
    this.retire(previous);
    return entry.connection;
  }

  login(name: string): McpOAuthFlow {
    const flow = this.logins.get(name);
    if (!flow) {
      throw new McpOAuthError(
        `No login of MCP server ${name} is pending; start one with POST /mcp/${name}/auth`,
      );
    }
    return flow;
  }

  loginStates(): string[] {
    return [...this.logins.values()].map((flow) => flow.state);
  }

  beginLogin(name: string, flow: McpOAuthFlow): void {
    this.logins.set(name, flow);
  }

  /** Drops the server's login in progress (only `flow`, when given). */
  async endLogin(name: string, flow?: McpOAuthFlow): Promise<void> {
    const current = this.logins.get(name);
    if (!current || (flow && current !== flow)) return;
    this.logins.delete(name);
    await current.cancel();
  }

  async statuses(): Promise<McpStatusMap> {
    await Promise.all([...this.entries.values()].map((entry) => entry.connection.ready));
    // Own properties whatever the name (`__proto__` included), unlike assignments.
    return Object.fromEntries(
      [...this.entries].map(([name, { connection }]) => [name, connection.status]),
    );
  }

  async connected(): Promise<McpConnection[]> {
    const connections = [...this.entries.values()].map((entry) => entry.connection);
    await Promise.all(connections.map((connection) => connection.ready));
    return connections.filter((connection) => connection.status.status === 'connected');
  }

  async closeAll(): Promise<void> {
    const connections = [...this.entries.values()].map((entry) => entry.connection);
    const logins = [...this.logins.values()];
    this.entries.clear();
    this.logins.clear();
    await Promise.all([
      ...connections.map((connection) => connection.close()),
      ...logins.map((flow) => flow.cancel()),
      ...this.closing,
    ]);
  }

  private retire(connection: McpConnection): void {
    const closing = connection.close().finally(() => this.closing.delete(closing));
    this.closing.add(closing);
  }
}
