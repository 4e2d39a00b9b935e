import { Injectable } from '@nestjs/common';
import { errorMessage } from '../errors/error-message';
import { NamedError } from '../errors/named-error';
import type { Instance } from '../instance/instance';

/**
 * The hooks one plugin returned: callbacks `(input, output) => Promise<void>` that change
 * `output` in place, and the object-shaped `tool`, `auth`, `provider`. Kept as loose records:
 * they are the user's code, checked where they are used.
 */
export type PluginHookSet = Record<string, unknown>;

/** A plugin once loaded and called: what it is called in logs and errors, and its hooks. */
export interface LoadedPlugin {
  /** The plugin's spec or file URL (what a failure names). */
  name: string;
  hooks: PluginHookSet;
}

/** The callbacks of `Hooks` that run in order and change their `output` (not `event`/`config`/`dispose`). */
export type TriggeredHook =
  | 'chat.message'
  | 'chat.params'
  | 'chat.headers'
  | 'permission.ask'
  | 'command.execute.before'
  | 'tool.execute.before'
  | 'tool.execute.after'
  | 'tool.definition'
  | 'shell.env'
  | 'experimental.chat.messages.transform'
  | 'experimental.chat.system.transform'
  | 'experimental.provider.small_model'
  | 'experimental.session.compacting'
  | 'experimental.compaction.autocontinue'
  | 'experimental.text.complete';

/** The plugins of an instance, in hook order (registered by the plugin area at start-up). */
export type PluginSource = (instance: Instance) => Promise<readonly LoadedPlugin[]>;

/** A hook threw: fails only what it was called for, naming the plugin and the hook. */
export class PluginHookError extends NamedError<{ message: string; plugin: string; hook: string }> {
  constructor(plugin: string, hook: string, cause: unknown) {
    super('PluginHookError', 500, {
      message: `Plugin ${plugin} failed in its "${hook}" hook: ${errorMessage(cause)}`,
      plugin,
      hook,
    });
  }
}

/**
 * Runs the plugins' hooks where the server's areas call them. It sits in `core` because the areas
 * that call hooks span every layer (permissions, terminals, model calls, tools, prompts); the
 * plugin area, above them, loads the plugins and registers itself as the source here.
 *
 * With no plugin area registered (unit tests of other areas) every hook is a no-op.
 */
@Injectable()
export class PluginHooks {
  private source: PluginSource | undefined;

  /** Called once by the plugin area at start-up. */
  registerSource(source: PluginSource): void {
    this.source = source;
  }

  /**
   * Whether plugins are loaded at all (the plugin area registered): lets a caller whose work is
   * otherwise synchronous stay so when nothing could hook it.
   */
  get active(): boolean {
    return this.source !== undefined;
  }

  /** The instance's plugins, loaded on first use; every caller of one instance waits for the same load. */
  async plugins(instance: Instance): Promise<readonly LoadedPlugin[]> {
    return this.source ? this.source(instance) : [];
  }

  /**
   * Calls `name` of every plugin that has it, one after the other in plugin order, with the same
   * `input` and `output` (so a plugin sees what earlier ones changed), and answers `output`.
   * A hook that throws stops there with a `PluginHookError`.
   */
  async trigger<O extends object>(
    instance: Instance,
    name: TriggeredHook,
    input: object,
    output: O,
  ): Promise<O> {
    const plugins = await this.plugins(instance);
    for (const plugin of plugins) {
      const hook = plugin.hooks[name];
      if (typeof hook !== 'function') continue;
      try {
        await (hook as (input: object, output: O) => unknown).call(plugin.hooks, input, output);
      } catch (error) {
        throw new PluginHookError(plugin.name, name, error);
      }
    }
    return output;
  }

  /** Whether any plugin of the instance has `name` (lets a caller skip building a costly input). */
  async has(instance: Instance, name: TriggeredHook): Promise<boolean> {
    const plugins = await this.plugins(instance);
    return plugins.some((plugin) => typeof plugin.hooks[name] === 'function');
  }

  /** The object-shaped `key` member (`tool`, `auth`, `provider`) of every plugin that has one, in order. */
  async objects(
    instance: Instance,
    key: 'tool' | 'auth' | 'provider',
  ): Promise<Array<{ plugin: string; value: Record<string, unknown> }>> {
    const plugins = await this.plugins(instance);
    return plugins.flatMap((plugin) => {
      const value = plugin.hooks[key];
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? [{ plugin: plugin.name, value: value as Record<string, unknown> }]
        : [];
    });
  }
}
