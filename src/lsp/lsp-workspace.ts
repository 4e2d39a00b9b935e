import type { Logger } from '@nestjs/common';
import { relative } from 'node:path';
import type { Config } from '../config/config.schema';
import type { LspStatusDto } from './dto/lsp-status.dto';
import { errorMessage } from '../core/errors/error-message';
import type { LspClient } from './lsp-client';
import {
  extensionKey,
  resolveServers,
  type LspContext,
  type LspServerDefinition,
} from './lsp-servers';

/** A server started (or tried) for one root. */
interface ServerEntry {
  serverID: string;
  root: string;
  /** The definition it was started from; a config edit that changes it restarts the server. */
  signature: string;
  status: 'connected' | 'error';
  client?: LspClient;
}

export interface LspWorkspaceOptions {
  context: LspContext;
  clientVersion: string;
  logger: Logger;
  /** Aborted when the instance is disposed. */
  signal: AbortSignal;
  /** The set of servers (or one's status) changed: `lsp.updated`. */
  onChange: () => void;
}

/**
 * The language servers of one instance: which servers the config enables, the ones started so
 * far (one per server and root, started lazily when a file they handle is touched), and those
 * that failed. Closing it stops every server process.
 */
export class LspWorkspace {
  private servers: LspServerDefinition[] = [];
  private config?: Config;
  /** By `serverID` + root, in the order they were started. */
  private readonly entries = new Map<string, ServerEntry>();
  /** Built-ins that are not installed, by key: looked for once, not on every touch. */
  private readonly unavailable = new Set<string>();
  private readonly starting = new Map<string, Promise<LspClient | undefined>>();
  private readonly stopping = new Set<Promise<void>>();

  constructor(private readonly options: LspWorkspaceOptions) {}

  private get closed(): boolean {
    return this.options.signal.aborted;
  }

  /**
   * Adopts the instance's current config. Servers whose definition changed or went away are
   * stopped, so the next touch starts them as configured now.
   */
  configure(config: Config): void {
    if (config === this.config) return;
    this.config = config;
    this.servers = resolveServers(config.lsp);
    this.unavailable.clear();
    const signatures = new Map(this.servers.map((server) => [server.id, server.signature]));
    let changed = false;
    for (const [key, entry] of this.entries) {
      if (signatures.get(entry.serverID) === entry.signature) continue;
      this.entries.delete(key);
      changed = true;
      if (entry.client) this.track(entry.client.shutdown());
    }
    if (changed) this.options.onChange();
  }

  /** The connected clients that handle `file` (absolute), starting those not started yet. */
  async clientsFor(file: string): Promise<LspClient[]> {
    const extension = extensionKey(file);
    const clients: LspClient[] = [];
    for (const server of this.servers) {
      if (this.closed) break;
      if (server.extensions.length && !server.extensions.includes(extension)) continue;
      const root = await server.root(file, this.options.context).catch((error) => {
        this.options.logger.warn(`${server.id}: no root for ${file}: ${errorMessage(error)}`);
        return undefined;
      });
      if (!root) continue;
      const key = `${server.id}\0${root}`;
      if (this.unavailable.has(key)) continue;
      const entry = this.entries.get(key);
      if (entry) {
        if (entry.client?.alive) clients.push(entry.client);
        continue;
      }
      let pending = this.starting.get(key);
      if (!pending) {
        pending = this.start(server, root, key);
        this.starting.set(key, pending);
        void pending.finally(() => this.starting.delete(key));
      }
      const client = await pending;
      if (client) clients.push(client);
    }
    return clients;
  }

  /** Every connected client. */
  connected(): LspClient[] {
    return [...this.entries.values()].flatMap((entry) =>
      entry.client?.alive ? [entry.client] : [],
    );
  }

  /** The servers started so far, as `GET /lsp` lists them. */
  status(): LspStatusDto[] {
    return [...this.entries.values()].map((entry) => ({
      id: entry.serverID,
      name: entry.serverID,
      root: relative(this.options.context.directory, entry.root),
      status: entry.status,
    }));
  }

  /** Stops every server, including those still starting; resolves when all processes are gone. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.starting.values()]);
    const clients = [...this.entries.values()].flatMap((entry) => entry.client ?? []);
    this.entries.clear();
    await Promise.allSettled([...clients.map((client) => client.shutdown()), ...this.stopping]);
  }

  private async start(
    server: LspServerDefinition,
    root: string,
    key: string,
  ): Promise<LspClient | undefined> {
    const { logger, context } = this.options;
    const launch = await server.launch(root, context).catch((error) => {
      logger.warn(`${server.id}: cannot launch: ${errorMessage(error)}`);
      return undefined;
    });
    if (!launch) {
      // A built-in without its binary is simply not there; a configured one is broken.
      if (server.configured) this.record(key, server, root, undefined);
      else this.unavailable.add(key);
      return undefined;
    }
    try {
      // Loaded on first use: the JSON-RPC stack is not needed until a server starts.
      const { LspClient } = await import('./lsp-client');
      const client = await LspClient.start({
        serverID: server.id,
        root,
        launch,
        env: context.env,
        clientVersion: this.options.clientVersion,
        logger,
        signal: this.options.signal,
        onUnexpectedExit: (exited, reason) => {
          logger.warn(`${server.id} (${root}) stopped: ${reason}`);
          const entry = this.entries.get(key);
          if (entry?.client !== exited) return;
          entry.status = 'error';
          entry.client = undefined;
          this.options.onChange();
        },
      });
      // Disposed, or reconfigured, while it started: nobody would stop it later.
      const current = this.servers.find((candidate) => candidate.id === server.id);
      if (this.closed || current?.signature !== server.signature) {
        await client.shutdown();
        return undefined;
      }
      logger.log(`${server.id} started in ${root} (pid ${client.pid})`);
      this.record(key, server, root, client);
      return client;
    } catch (error) {
      if (this.closed) return undefined;
      logger.warn(`${server.id} failed to start in ${root}: ${errorMessage(error)}`);
      this.record(key, server, root, undefined);
      return undefined;
    }
  }

  private record(
    key: string,
    server: LspServerDefinition,
    root: string,
    client: LspClient | undefined,
  ): void {
    this.entries.set(key, {
      serverID: server.id,
      root,
      signature: server.signature,
      status: client ? 'connected' : 'error',
      client,
    });
    this.options.onChange();
  }

  private track(stopping: Promise<void>): void {
    this.stopping.add(stopping);
    void stopping.finally(() => this.stopping.delete(stopping));
  }
}
