import { Injectable, Logger } from '@nestjs/common';
import { resolve } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-types';
import { ConfigService } from '../config/config.service';
import { BusService } from '../core/bus/bus.service';
import { AppEnvironment } from '../core/config/app-environment';
import type { Instance } from '../core/instance/instance';
import { isInsideProject } from '../core/fs/jail';
import type { LspStatusDto } from './dto/lsp-status.dto';
import { errorMessage } from '../core/errors/error-message';
import type { LspSymbol } from './lsp-client';
import { errorReport } from './lsp-diagnostics';
import { LspWorkspace } from './lsp-workspace';

const LSP_STATE = Symbol('lsp');

export interface TouchOptions {
  /**
   * Wait until the servers have published diagnostics for the file (or a few seconds passed),
   * so `diagnostics()` reflects the content just written.
   */
  waitForDiagnostics?: boolean;
}

/**
 * Language servers per instance: started lazily (one per server and root) when a file they
 * handle is touched, fed the files' content, asked for workspace symbols, and stopped with the
 * instance. Which servers exist comes from the `lsp` config (built-ins only where installed).
 */
@Injectable()
export class LspService {
  private readonly logger = new Logger('LSP');

  constructor(
    private readonly config: ConfigService,
    private readonly bus: BusService,
    private readonly env: AppEnvironment,
  ) {}

  /**
   * The servers started so far for the instance, connected or failed. The config is applied
   * first, so servers a config edit removed are gone from the list (and stopped).
   */
  async status(instance: Instance): Promise<LspStatusDto[]> {
    const workspace = this.workspace(instance);
    await this.configure(instance, workspace);
    return workspace.status();
  }

  /**
   * Tells the servers that handle `file` (absolute, or relative to the instance directory) about
   * its current content, starting them first if needed. Files outside the project are ignored.
   * Never throws: a server that cannot start is logged and shown as `error` by `GET /lsp`.
   */
  async touchFile(instance: Instance, file: string, options: TouchOptions = {}): Promise<void> {
    if (instance.disposed) return;
    const path = resolve(instance.directory, file);
    if (!isInsideProject(instance, path)) return;
    try {
      const workspace = this.workspace(instance);
      await this.configure(instance, workspace);
      const clients = await workspace.clientsFor(path);
      await Promise.all(
        clients.map(async (client) => {
          const published = options.waitForDiagnostics
            ? client.waitForDiagnostics(path)
            : undefined;
          await client.open(path);
          await published;
        }),
      );
    } catch (error) {
      this.logger.warn(`touching ${path} failed: ${errorMessage(error)}`);
    }
  }

  /** The diagnostics every running server published, by absolute path. */
  diagnostics(instance: Instance): Record<string, Diagnostic[]> {
    const result: Record<string, Diagnostic[]> = {};
    for (const client of this.workspace(instance).connected()) {
      for (const [path, items] of client.diagnostics) {
        (result[path] ??= []).push(...items);
      }
    }
    return result;
  }

  /**
   * What the `write` / `edit` tools append to their output (as the reference) when the servers
   * report errors in `file` (absolute): empty without errors. Touch the file first, waiting for
   * diagnostics, so they describe the content just written.
   */
  errorReport(instance: Instance, file: string): string {
    return errorReport(file, this.diagnostics(instance)[file] ?? []);
  }

  /** Whether a language server is running for the instance (so symbols can come from one). */
  hasClients(instance: Instance): boolean {
    return this.workspace(instance).connected().length > 0;
  }

  /**
   * Declarations matching `query` from every running server (the best few of each, as the
   * reference). Empty when no server runs: this does not start any.
   */
  async workspaceSymbols(instance: Instance, query: string): Promise<LspSymbol[]> {
    const clients = this.workspace(instance).connected();
    const results = await Promise.all(clients.map((client) => client.workspaceSymbols(query)));
    return results.flat();
  }

  /**
   * Applies the instance's current config. A config that does not load (a syntax error being
   * typed) keeps the servers as they are: the config routes report that error, not this area.
   */
  private async configure(instance: Instance, workspace: LspWorkspace): Promise<void> {
    const config = await this.config.get(instance).catch((error) => {
      this.logger.debug(`config not applied: ${errorMessage(error)}`);
      return undefined;
    });
    if (config) workspace.configure(config);
  }

  private workspace(instance: Instance): LspWorkspace {
    return instance.getOrCreate(
      LSP_STATE,
      () =>
        new LspWorkspace({
          context: {
            directory: instance.directory,
            worktree: instance.worktree,
            path: this.env.variables.PATH,
            env: { ...this.env.variables },
          },
          clientVersion: this.env.version,
          logger: this.logger,
          signal: instance.signal,
          onChange: () => this.bus.publish(instance, 'lsp.updated', {}),
        }),
      (workspace) => workspace.close(),
    );
  }
}
