import { Injectable, Logger } from '@nestjs/common';
import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { AppEnvironment } from '../../core/config/app-environment';
import { errorMessage } from '../../core/errors/error-message';
import type { Instance } from '../../core/instance/instance';
import { loadModule } from '../../core/modules/module-loader';
import { projectDirectories } from '../../config/config-loader';
import type { ToolDefinition } from '../tool.types';
import { customToolsOfModule } from './custom-tool';

const FILE_TOOLS = Symbol('file-tools');
/** Where a config directory keeps its tool files (not recursive), as the reference. */
const TOOL_DIRS = ['tool', 'tools'];
const TOOL_FILE = /\.(?:js|ts)$/;

/**
 * The custom tools of an instance's tool files: `{tool,tools}/*.{js,ts}` in each config
 * directory (the global one, then `.opencode` from the worktree root down to the instance's
 * directory, the order config layers load in), loaded once per instance. A tool id defined twice
 * is the one of the later directory.
 *
 * Deliberate difference: a file that fails to import is skipped and logged with its path and the
 * error, the other tools load; in the reference one such file fails the whole tool registry, so
 * every prompt answers 500.
 */
@Injectable()
export class CustomToolService {
  private readonly logger = new Logger('CustomTool');

  constructor(private readonly env: AppEnvironment) {}

  tools(instance: Instance): Promise<ToolDefinition[]> {
    return instance.getOrCreate(FILE_TOOLS, () => this.load(instance));
  }

  private async load(instance: Instance): Promise<ToolDefinition[]> {
    const byId = new Map<string, ToolDefinition>();
    for (const file of await this.toolFiles(instance)) {
      for (const tool of await this.loadFile(file)) {
        byId.delete(tool.id);
        byId.set(tool.id, tool);
      }
    }
    return [...byId.values()];
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
