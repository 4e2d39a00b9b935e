import { Injectable, Logger } from '@nestjs/common';
import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { AppEnvironment } from '../../core/config/app-environment';
import { errorMessage } from '../../core/errors/error-message';
import type { Instance } from '../../core/instance/instance';
import { loadModule } from '../../core/modules/module-loader';
import { PluginHooks } from '../../core/plugin/plugin-hooks';
import { projectDirectories } from '../../config/config-loader';
import type { ToolDefinition } from '../tool.types';
import { customTool, customToolsOfModule, isCustomToolSpec } from './custom-tool';

const CUSTOM_TOOLS = Symbol('custom-tools');
/** Where a config directory keeps its tool files (not recursive), as the reference. */
const TOOL_DIRS = ['tool', 'tools'];
const TOOL_FILE = /\.(?:js|ts)$/;

/**
 * The custom tools of an instance, loaded once per instance: first those of its tool files,
 * `{tool,tools}/*.{js,ts}` in each config directory (the global one, then `.opencode` from the
 * worktree root down to the instance's directory, the order config layers load in), then the
 * entries of its plugins' `tool` hooks, in plugin order, each named by its key (as the
 * reference). A tool id defined twice is the later one.
 *
 * Deliberate difference: a file that fails to import, or a plugin `tool` entry that is not a
 * tool, is skipped and logged with its origin and the error, the other tools load; in the
 * reference one such file fails the whole tool registry, so every prompt answers 500.
 */
@Injectable()
export class CustomToolService {
  private readonly logger = new Logger('CustomTool');

  constructor(
    private readonly env: AppEnvironment,
    private readonly plugins: PluginHooks,
  ) {}

  tools(instance: Instance): Promise<ToolDefinition[]> {
    return instance.getOrCreate(CUSTOM_TOOLS, () => this.load(instance));
  }

  private async load(instance: Instance): Promise<ToolDefinition[]> {
    const byId = new Map<string, ToolDefinition>();
    const add = (tool: ToolDefinition): void => {
      byId.delete(tool.id);
      byId.set(tool.id, tool);
    };
    for (const file of await this.toolFiles(instance)) {
      for (const tool of await this.loadFile(file)) add(tool);
    }
    for (const tool of await this.pluginTools(instance)) add(tool);
    return [...byId.values()];
  }

  /** The entries of the plugins' `tool` hooks, in plugin order. */
  private async pluginTools(instance: Instance): Promise<ToolDefinition[]> {
    const tools: ToolDefinition[] = [];
    for (const { plugin, value } of await this.plugins.objects(instance, 'tool')) {
      for (const [id, spec] of Object.entries(value)) {
        if (!isCustomToolSpec(spec)) {
          this.logger.error(
            `skipped tool ${id} of plugin ${plugin}: not a tool (description, args and execute)`,
          );
          continue;
        }
        try {
          tools.push(customTool(id, spec, { origin: plugin, logger: this.logger }));
        } catch (error) {
          this.logger.error(`skipped tool ${id} of plugin ${plugin}: ${errorMessage(error)}`);
        }
      }
    }
    return tools;
  }

  private async loadFile(file: string): Promise<ToolDefinition[]> {
    try {
      const exports = await loadModule(file);
      return customToolsOfModule(basename(file, extname(file)), exports, {
        origin: file,
        logger: this.logger,
      });
    } catch (error) {
      this.logger.error(`skipped tool file ${file}: ${errorMessage(error)}`);
      return [];
    }
  }

  private async toolFiles(instance: Instance): Promise<string[]> {
    const configDirs = [
      this.env.paths.config,
      ...projectDirectories(instance.directory, instance.worktree).map((dir) =>
        join(dir, '.opencode'),
      ),
    ];
    const files: string[] = [];
    for (const configDir of configDirs) {
      for (const name of TOOL_DIRS) {
        const dir = join(configDir, name);
        const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
        const names = entries
          .filter((entry) => !entry.isDirectory() && TOOL_FILE.test(entry.name))
          .map((entry) => entry.name)
          .sort();
        files.push(...names.map((entry) => join(dir, entry)));
      }
    }
    return files;
  }
}
