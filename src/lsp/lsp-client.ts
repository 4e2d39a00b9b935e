import { errorMessage } from '../core/errors/error-message';
import type { Logger } from '@nestjs/common';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  NotificationType,
  RequestType,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
// Types only: `vscode-languageserver-protocol` ships its typings behind `exports`, which this
// project's `moduleResolution: node` cannot see; the types package it re-exports can be read.
import type {
  Diagnostic,
  Range,
  SymbolInformation,
  WorkspaceSymbol,
} from 'vscode-languageserver-types';
import { languageIdOf } from './language-ids';
import type { LspLaunch } from './lsp-servers';
import { extensionKey } from './lsp-servers';

/** The reference waits this long for a server's `initialize` answer (big projects index first). */
const INITIALIZE_TIMEOUT_MS = 45_000;
/** How long a `shutdown` request, then the process's exit, may take before it is killed. */
const SHUTDOWN_TIMEOUT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 5_000;
/** Diagnostics often come in bursts (syntax, then semantic): wait this long for the last one. */
const DIAGNOSTICS_DEBOUNCE_MS = 150;
const DIAGNOSTICS_TIMEOUT_MS = 5_000;
const STDERR_LOG_LIMIT = 1000;

/** A workspace symbol as the reference answers it: LSP `SymbolInformation` without container. */
export interface LspSymbol {
  name: string;
  kind: number;
  location: { uri: string; range: Range };
}

/** The symbol kinds worth answering (as the reference): declarations, not every local. */
const SYMBOL_KINDS = new Set([
  5, // Class
  6, // Method
  10, // Enum
  11, // Interface
  12, // Function
  13, // Variable
  14, // Constant
  23, // Struct
]);
/** Per server, as the reference: the best few, since servers rank their matches. */
const SYMBOLS_PER_SERVER = 10;

interface PublishDiagnosticsParams {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

const Initialize = new RequestType<object, { capabilities?: unknown }, unknown>('initialize');
const Shutdown = new RequestType<null, null, unknown>('shutdown');
const WorkspaceSymbols = new RequestType<
  { query: string },
  Array<SymbolInformation | WorkspaceSymbol> | null,
  unknown
>('workspace/symbol');
const PublishDiagnostics = new NotificationType<PublishDiagnosticsParams>(
  'textDocument/publishDiagnostics',
);

export interface LspClientOptions {
  serverID: string;
  root: string;
  launch: LspLaunch;
  /** The environment the server starts with, before `launch.env`. */
  env: NodeJS.ProcessEnv;
  clientVersion: string;
  logger: Logger;
  /** Aborting stops a server that is still starting (the instance is going away). */
  signal: AbortSignal;
  /** The server process ended without being asked to. */
  onUnexpectedExit: (client: LspClient, reason: string) => void;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One language server process and the JSON-RPC connection to it over stdio: the
 * initialize/initialized handshake, documents opened and changed as files are touched,
 * diagnostics as the server publishes them, workspace symbols, and shutdown/exit. The process
 * runs in its own process group so that stopping it also stops what it spawned.
 */
export class LspClient {
  /** Diagnostics by absolute path, as last published. */
  private readonly published = new Map<string, Diagnostic[]>();
  /** Document versions by absolute path, for the files opened so far. */
  private readonly versions = new Map<string, number>();
  private readonly diagnosticListeners = new Set<(file: string) => void>();
  private readonly closeListeners = new Set<() => void>();
  private stopping?: Promise<void>;
  private exitedAt?: Exit;
  private initialized = false;

  private constructor(
    readonly serverID: string,
    readonly root: string,
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly connection: MessageConnection,
    private readonly exited: Promise<Exit>,
    private readonly logger: Logger,
  ) {
    void exited.then((exit) => (this.exitedAt = exit));
  }

  /**
   * Starts the server in `root` and completes the handshake. Rejects (with the process gone)
   * when the command cannot start, the process exits first, the handshake fails or times out,
   * or `signal` aborts.
   */
  static async start(options: LspClientOptions): Promise<LspClient> {
    const { launch, root, serverID, logger, signal } = options;
    if (signal.aborted) throw new Error('the instance is being disposed');
    const child = spawn(launch.command, launch.args, {
      cwd: root,
      env: { ...options.env, ...launch.env },
      stdio: 'pipe',
      detached: true,
    });
    const exited = new Promise<Exit>((resolve) =>
      child.once('exit', (code, exitSignal) => resolve({ code, signal: exitSignal })),
    );
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    // Later errors (a kill of a process already gone) are reported through `exit` instead.
    child.on('error', (error) => logger.debug(`${serverID}: ${error.message}`));
    // A server that exits closes its stdin under a pending write: that is its exit, not ours.
    child.stdin.on('error', () => undefined);
    let stderr = 0;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      // Always read stderr (a full pipe would block the server); log a little of it.
      if (stderr >= STDERR_LOG_LIMIT) return;
      stderr += chunk.length;
      const text = chunk.trim().slice(0, STDERR_LOG_LIMIT);
      if (text) logger.debug(`${serverID} stderr: ${text}`);
    });

    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout),
      new StreamMessageWriter(child.stdin),
    );
    const client = new LspClient(serverID, root, child, connection, exited, logger);
    client.handleServerMessages(launch.initialization);
    connection.listen();

    try {
      await client.initialize(launch, options.clientVersion, signal);
    } catch (error) {
      await client.shutdown();
      throw error;
    }
    void exited.then(({ code, signal: exitSignal }) => {
      if (client.stopping) return;
      options.onUnexpectedExit(client, `exited with ${code ?? exitSignal}`);
      void client.shutdown();
    });
    return client;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process is running and has not been asked to stop. */
  get alive(): boolean {
    return !this.stopping && !this.exitedAt;
  }

  /** Diagnostics by absolute path, as last published by the server. */
  get diagnostics(): ReadonlyMap<string, Diagnostic[]> {
    return this.published;
  }

  /**
   * Tells the server about the file's current content: `didOpen` the first time, `didChange`
   * (the whole text, which every sync kind accepts) after.
   */
  async open(file: string): Promise<void> {
    const text = await readFile(file, 'utf8');
    const uri = pathToFileURL(file).href;
    const previous = this.versions.get(file);
    if (previous === undefined) {
      this.versions.set(file, 0);
      await this.notify('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 1 }] });
      await this.notify('textDocument/didOpen', {
        textDocument: { uri, languageId: languageIdOf(extensionKey(file)), version: 0, text },
      });
      return;
    }
    const version = previous + 1;
    this.versions.set(file, version);
    await this.notify('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 2 }] });
    await this.notify('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
  }

  /**
   * Resolves once the server has published diagnostics for `file` (and then nothing more for a
   * moment), or after `timeoutMs`, or when the client stops. Start waiting before `open`.
   */
  waitForDiagnostics(file: string, timeoutMs = DIAGNOSTICS_TIMEOUT_MS): Promise<void> {
    return new Promise((resolve) => {
      let debounce: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        clearTimeout(debounce);
        this.diagnosticListeners.delete(onPublish);
        this.closeListeners.delete(done);
        resolve();
      };
      const onPublish = (published: string) => {
        if (published !== file) return;
        clearTimeout(debounce);
        debounce = setTimeout(done, DIAGNOSTICS_DEBOUNCE_MS);
      };
      const timer = setTimeout(done, timeoutMs);
      this.diagnosticListeners.add(onPublish);
      this.closeListeners.add(done);
    });
  }

  /** The server's declarations matching `query`, best first; none when it fails or is slow. */
  async workspaceSymbols(query: string): Promise<LspSymbol[]> {
    if (!this.alive) return [];
    try {
      const found = await withTimeout(
        this.connection.sendRequest(WorkspaceSymbols, { query }),
        REQUEST_TIMEOUT_MS,
        'workspace/symbol',
      );
      return (found ?? [])
        .filter((symbol) => SYMBOL_KINDS.has(symbol.kind) && 'range' in symbol.location)
        .slice(0, SYMBOLS_PER_SERVER)
        .map((symbol) => ({
          name: symbol.name,
          kind: symbol.kind,
          location: {
            uri: symbol.location.uri,
            range: (symbol as SymbolInformation).location.range,
          },
        }));
    } catch (error) {
      this.logger.debug(`${this.serverID}: workspace/symbol failed: ${errorMessage(error)}`);
      return [];
    }
  }

  /**
   * Stops the server: `shutdown` then `exit` as the protocol asks, and the process group killed
   * if it has not exited in time. Resolves once the process is gone. Safe to call repeatedly.
   */
  shutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async stop(): Promise<void> {
    // A server still starting has not been asked anything it must finish: stop it at once.
    if (!this.initialized) killGroup(this.child.pid);
    else if (!this.exitedAt) {
      try {
        await withTimeout(
          this.connection.sendRequest(Shutdown, null),
          SHUTDOWN_TIMEOUT_MS,
          'shutdown',
        );
        await this.connection.sendNotification('exit');
      } catch (error) {
        this.logger.debug(`${this.serverID}: no clean shutdown: ${errorMessage(error)}`);
      }
      const exited = await withTimeout(this.exited, SHUTDOWN_TIMEOUT_MS, 'exit').catch(
        () => undefined,
      );
      if (!exited) {
        killGroup(this.child.pid);
        await this.exited;
      }
    }
    // What the server spawned itself (tsserver under typescript-language-server) goes too.
    killGroup(this.child.pid);
    this.connection.dispose();
    for (const listener of [...this.closeListeners]) listener();
  }

  private async initialize(launch: LspLaunch, version: string, signal: AbortSignal) {
    if (signal.aborted) throw new Error('the instance was disposed');
    const rootUri = pathToFileURL(this.root).href;
    const failed = this.exited.then(({ code, signal: exitSignal }) => {
      throw new Error(`exited with ${code ?? exitSignal} before initializing`);
    });
    let onAbort: () => void = () => undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new Error('the instance was disposed'));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    // The race's losers must not surface as unhandled rejections later.
    failed.catch(() => undefined);
    aborted.catch(() => undefined);
    try {
      await withTimeout(
        Promise.race([
          this.connection.sendRequest(Initialize, {
            // The parent's pid (this server): servers watch it and exit if the parent dies.
            processId: process.pid,
            clientInfo: { name: 'opencode', version },
            rootUri,
            rootPath: this.root,
            workspaceFolders: [{ name: 'workspace', uri: rootUri }],
            initializationOptions: { ...launch.initialization },
            capabilities: {
              window: { workDoneProgress: true },
              workspace: {
                configuration: true,
                workspaceFolders: true,
                didChangeWatchedFiles: { dynamicRegistration: true },
                symbol: { dynamicRegistration: false },
              },
              textDocument: {
                synchronization: { didOpen: true, didChange: true },
                publishDiagnostics: { versionSupport: false },
              },
            },
          }),
          failed,
          aborted,
        ]),
        INITIALIZE_TIMEOUT_MS,
        'initialize',
      );
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    this.initialized = true;
    await this.notify('initialized', {});
    if (launch.initialization) {
      await this.notify('workspace/didChangeConfiguration', {
        settings: launch.initialization,
      });
    }
  }

  /** Requests and notifications the server sends us. */
  private handleServerMessages(initialization: Record<string, unknown> | undefined): void {
    const connection = this.connection;
    connection.onNotification(PublishDiagnostics, (params) => {
      if (!params.uri.startsWith('file:')) return;
      const file = fileURLToPath(params.uri);
      this.published.set(file, params.diagnostics ?? []);
      for (const listener of [...this.diagnosticListeners]) listener(file);
    });
    connection.onRequest('workspace/configuration', (params: { items?: { section?: string }[] }) =>
      (params.items ?? []).map((item) => configurationValue(initialization, item.section)),
    );
    connection.onRequest('workspace/workspaceFolders', () => [
      { name: 'workspace', uri: pathToFileURL(this.root).href },
    ]);
    // Requests a headless client acknowledges and otherwise ignores.
    for (const method of [
      'client/registerCapability',
      'client/unregisterCapability',
      'window/workDoneProgress/create',
      'window/showMessageRequest',
      'workspace/diagnostic/refresh',
      'workspace/semanticTokens/refresh',
      'workspace/inlayHint/refresh',
      'workspace/codeLens/refresh',
    ]) {
      connection.onRequest(method, () => null);
    }
    connection.onNotification('window/logMessage', (params: { message?: string }) =>
      this.logger.debug(`${this.serverID}: ${String(params.message).slice(0, STDERR_LOG_LIMIT)}`),
    );
    connection.onError(([error]) => this.logger.debug(`${this.serverID}: ${error.message}`));
  }

  private async notify(method: string, params: object): Promise<void> {
    if (!this.alive) return;
    await this.connection.sendNotification(method, params);
  }
}

/** The part of the server's settings a `workspace/configuration` item asks for. */
function configurationValue(settings: Record<string, unknown> | undefined, section?: string) {
  if (!section) return settings ?? null;
  let value: unknown = settings;
  for (const key of section.split('.')) {
    if (typeof value !== 'object' || value === null || !(key in value)) return null;
    value = (value as Record<string, unknown>)[key];
  }
  return value ?? null;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Kills a detached process's whole group; one already gone is fine. */
function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // No such group any more.
  }
}
