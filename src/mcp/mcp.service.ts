import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import type { Config, McpConfig } from '../config/config.schema';
import { BusService } from '../core/bus/bus.service';
import { AppEnvironment } from '../core/config/app-environment';
import type { Instance } from '../core/instance/instance';
import type { ToolDefinition } from '../tool/tool.types';
import type { McpStatusMap } from './dto/mcp-status.dto';
import { McpConnection, messageOf, type McpServerConfig } from './mcp-connection';
import { mcpToolDefinition } from './mcp-tools';
import './mcp.events';

const MCP_STATE = Symbol('mcp');

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

  private async servers(instance: Instance): Promise<{ servers: McpServers; config: Config }> {
    const config = await this.config.get(instance);
    const servers = instance.getOrCreate(
      MCP_STATE,
      () => new McpServers((name, serverConfig) => this.connect(instance, name, serverConfig)),
      (created) => created.closeAll(),
    );
    servers.sync(config.mcp ?? {}, this.logger);
    return { servers, config };
  }

  private connect(instance: Instance, name: string, config: McpServerConfig): McpConnection {
    return new McpConnection({
      name,
      config,
      directory: instance.directory,
      inheritedEnvironment: this.env.variables,
      version: this.env.version,
      signal: instance.signal,
      logger: this.logger,
      onToolsChanged: () => this.bus.publish(instance, 'mcp.tools.changed', { server: name }),
    });
  }
}

interface ServerEntry {
  connection: McpConnection;
  /** `runtime` servers came from `POST /mcp` and win over a config entry of the same name. */
  source: 'config' | 'runtime';
  /** The config entry the connection was made from, to notice edits. */
  fingerprint: string;
}

/** One instance's servers, by name, in config order then in the order they were added. */
class McpServers {
  private readonly entries = new Map<string, ServerEntry>();
  /** Connections being closed after a replacement, awaited when the instance goes. */
  private readonly closing = new Set<Promise<void>>();
  /** Config entries already reported as unusable, so each is logged once. */
  private readonly ignored = new Set<string>();

  constructor(private readonly open: (name: string, config: McpServerConfig) => McpConnection) {}

  /** Brings the config's servers in line with `configured`; runtime servers are left alone. */
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
        fingerprint,
      });
    }
  }

  async add(name: string, config: McpServerConfig): Promise<void> {
    const previous = this.entries.get(name);
    const connection = this.open(name, config);
    this.entries.set(name, { connection, source: 'runtime', fingerprint: JSON.stringify(config) });
    if (previous) this.retire(previous.connection);
    await connection.ready;
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
    this.entries.clear();
    await Promise.all([...connections.map((connection) => connection.close()), ...this.closing]);
  }

  private retire(connection: McpConnection): void {
    const closing = connection.close().finally(() => this.closing.delete(closing));
    this.closing.add(closing);
  }
}
