import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { filter, type Subscription } from 'rxjs';
import type { BusEnvelope } from '../core/bus/bus-event';
import { BusService } from '../core/bus/bus.service';
import { AppEnvironment } from '../core/config/app-environment';
import { errorMessage } from '../core/errors/error-message';
import type { Instance } from '../core/instance/instance';
import { InstanceService } from '../core/instance/instance.service';
import { ProjectRepository } from '../core/instance/project.repository';
import { createShell } from '../core/modules/bun-shell';
import { loadModule } from '../core/modules/module-loader';
import { NpmInstaller } from '../core/npm/npm-installer';
import { PluginHooks, type LoadedPlugin } from '../core/plugin/plugin-hooks';
import { ConfigService } from '../config/config.service';
import { createPluginClient, serverUrlOf } from './plugin-client';
import {
  packageEntry,
  pathEntryFile,
  PluginEntry,
  pluginEntries,
  PluginIncompatibleError,
  pluginFunctions,
  type PluginFunction,
} from './plugin-entry';

const PLUGINS = Symbol('plugins');

/** What an instance keeps of its plugins. */
interface InstancePlugins {
  loading?: Promise<readonly LoadedPlugin[]>;
  loaded: LoadedPlugin[];
  events?: Subscription;
}

/** A module that could be imported, or why not. */
type Imported =
  | { entry: PluginEntry; functions: PluginFunction[] }
  | { entry: PluginEntry; skipped: true }
  | { entry: PluginEntry; error: string; incompatible?: boolean };

/**
 * The plugins of each project instance (the opencode plugin API): loaded when the instance is
 * created, from the merged config's `plugin` list (packages installed once into the cache, paths
 * and the config directories' `plugin/` files as `file://` URLs, see the config loader), called
 * one after another in that order with the `PluginInput`, and kept in that order, which is the
 * order every hook runs in. Hooks are run through `PluginHooks` (in `core`), for which this
 * service is the source.
 *
 * A plugin that cannot be installed, imported or called is skipped, logged with its spec and the
 * error, and reported as a `session.error` without a session (as the reference); the others load.
 */
@Injectable()
export class PluginService implements OnModuleInit {
  private readonly logger = new Logger('Plugin');

  constructor(
    private readonly hooks: PluginHooks,
    private readonly config: ConfigService,
    private readonly instances: InstanceService,
    private readonly bus: BusService,
    private readonly npm: NpmInstaller,
    private readonly env: AppEnvironment,
    private readonly projects: ProjectRepository,
    private readonly http: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    this.hooks.registerSource((instance) => this.plugins(instance));
    // Started with the instance (as the reference), so that the `event` hook sees the events of
    // the first requests; every hook waits for the same load.
    this.instances.onCreated((instance) => {
      this.plugins(instance).catch((error: unknown) =>
        this.logger.warn(`plugins of ${instance.directory} not loaded: ${errorMessage(error)}`),
      );
    });
  }

  /** The instance's plugins in hook order, loading them on first use. */
  plugins(instance: Instance): Promise<readonly LoadedPlugin[]> {
    const state = instance.getOrCreate<InstancePlugins>(
      PLUGINS,
      () => ({ loaded: [] }),
      (plugins) => this.dispose(plugins),
    );
    state.loading ??= this.load(instance, state).catch((error: unknown) => {
      // A broken config file: the next hook tries again once it is fixed.
      state.loading = undefined;
      throw error;
    });
    return state.loading;
  }

  private async load(instance: Instance, state: InstancePlugins): Promise<readonly LoadedPlugin[]> {
    // Events published while the plugins load (the session a first request creates) are kept
    // and handed to the `event` hooks once they exist, as the reference's requests wait for it.
    const early: BusEnvelope[] = [];
    const listening = this.bus.events$
      .pipe(filter((envelope) => envelope.directory === instance.directory))
      .subscribe((envelope) => early.push(envelope));
    try {
      return await this.loadPlugins(instance, state, early);
    } finally {
      listening.unsubscribe();
    }
  }

  private async loadPlugins(
    instance: Instance,
    state: InstancePlugins,
    early: BusEnvelope[],
  ): Promise<readonly LoadedPlugin[]> {
    const config = await this.config.get(instance);
    const entries = pluginEntries(config.plugin, instance.directory);
    if (entries.length === 0) return state.loaded;
    const input = await this.pluginInput(instance);
    // Installed and imported concurrently, called one after another in list order.
    const imported = await Promise.all(entries.map((entry) => this.import(entry)));
    for (const item of imported) {
      if ('skipped' in item) continue;
      if ('error' in item) {
        this.reportLoadFailure(instance, item.entry, item.error, item.incompatible);
        continue;
      }
      for (const plugin of item.functions) {
        try {
          const hooks: unknown = await plugin(input, item.entry.options);
          state.loaded.push({ name: item.entry.spec, hooks: isRecord(hooks) ? hooks : {} });
        } catch (error) {
          this.logger.error(
            `failed to load plugin path=${item.entry.spec} error=${errorMessage(error)}`,
          );
        }
      }
    }
    if (instance.disposed) {
      await this.dispose(state);
      return state.loaded;
    }
    await this.runConfigHooks(state.loaded, config);
    state.events = this.deliverEvents(instance, state.loaded, early);
    this.logger.log(`${state.loaded.length} plugin(s) loaded for ${instance.directory}`);
    return state.loaded;
  }

  private async import(entry: PluginEntry): Promise<Imported> {
    try {
      const file = await this.entryFile(entry);
      if (!file) return { entry, skipped: true };
      const module = await loadModule(file);
      return { entry, functions: pluginFunctions(module, entry) };
    } catch (error) {
      const incompatible = error instanceof PluginIncompatibleError;
      return { entry, error: errorMessage(error), ...(incompatible && { incompatible }) };
    }
  }

  /** The file to import; undefined for a package without a server entry (skipped silently). */
  private async entryFile(entry: PluginEntry): Promise<string | undefined> {
    if (entry.kind === 'path') return pathEntryFile(entry.spec);
    const installed = await this.npm.install(entry.spec);
    return packageEntry(join(installed.root, 'node_modules', installed.name));
  }

  private reportLoadFailure(
    instance: Instance,
    entry: PluginEntry,
    message: string,
    incompatible = false,
  ): void {
    const text = incompatible
      ? `Plugin ${entry.spec} skipped: ${message}`
      : `Failed to load plugin ${entry.spec}: ${message}`;
    this.logger.error(text);
    this.bus.publish(instance, 'session.error', {
      error: { name: 'UnknownError', data: { message: text } },
    });
  }

  /** The `PluginInput` every plugin of the instance is called with. */
  private async pluginInput(instance: Instance): Promise<Record<string, unknown>> {
    const server = this.http.httpAdapter?.getHttpServer() as Server | undefined;
    const serverUrl = serverUrlOf(server?.address());
    const password = this.env.serverPassword;
    const client = await createPluginClient({
      baseUrl: serverUrl.href,
      directory: instance.directory,
      ...(password && { credentials: { username: this.env.serverUsername, password } }),
    });
    return {
      client,
      project: this.projects.get(instance.projectID) ?? this.projects.touch(instance.project),
      directory: instance.directory,
      worktree: instance.worktree,
      serverUrl,
      $: createShell({ cwd: instance.directory }),
      experimental_workspace: {
        // Cloud workspaces do not exist on this server: an adapter has nothing to serve.
        register: (type: string) =>
          this.logger.debug(`workspace adapter "${type}" registered; workspaces are not served`),
      },
    };
  }

  /** The `config` hooks, on the live merged config; a failure is logged and ignored. */
  private async runConfigHooks(plugins: LoadedPlugin[], config: object): Promise<void> {
    for (const plugin of plugins) {
      const hook = plugin.hooks.config;
      if (typeof hook !== 'function') continue;
      try {
        await (hook as (config: object) => unknown).call(plugin.hooks, config);
      } catch (error) {
        this.logger.error(
          `plugin ${plugin.name} failed in its config hook: ${errorMessage(error)}`,
        );
      }
    }
  }

  /**
   * Hands every event of the instance to each `event` hook, not awaited: a slow or failing hook
   * never holds up the bus, and a rejection is only logged.
   */
  private deliverEvents(
    instance: Instance,
    plugins: LoadedPlugin[],
    early: BusEnvelope[],
  ): Subscription | undefined {
    const listeners = plugins.filter((plugin) => typeof plugin.hooks.event === 'function');
    if (listeners.length === 0) return undefined;
    const deliver = (envelope: BusEnvelope) => {
      for (const plugin of listeners) {
        const hook = plugin.hooks.event as (input: { event: unknown }) => unknown;
        void Promise.resolve()
          .then(() => hook.call(plugin.hooks, { event: envelope.payload }))
          .catch((error: unknown) =>
            this.logger.warn(
              `plugin ${plugin.name} failed in its event hook: ${errorMessage(error)}`,
            ),
          );
      }
    };
    for (const envelope of early.splice(0)) deliver(envelope);
    return this.bus.events$
      .pipe(filter((envelope) => envelope.directory === instance.directory))
      .subscribe(deliver);
  }

  /** The `dispose` hooks, when the instance goes away; failures are logged and ignored. */
  private async dispose(state: InstancePlugins): Promise<void> {
    state.events?.unsubscribe();
    const plugins = state.loaded.splice(0);
    for (const plugin of plugins) {
      const hook = plugin.hooks.dispose;
      if (typeof hook !== 'function') continue;
      try {
        await (hook as () => unknown).call(plugin.hooks);
      } catch (error) {
        this.logger.error(
          `plugin ${plugin.name} failed in its dispose hook: ${errorMessage(error)}`,
        );
      }
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
