import { userInfo } from 'node:os';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { relativeInside } from '../core/fs/jail';
import { parseConfigSource, SubstitutionContext } from './config-source';
import { isPlainObject } from './config-writer';
import type { Config, ConfigInput } from './config.schema';
import { loadMarkdownLayer, MarkdownProblem } from './markdown';

/** Where the layers of one instance's config come from. */
export interface ConfigLocations {
  /** The global config directory (`~/.config/opencode`). */
  globalDir: string;
  /** `OPENCODE_CONFIG`: one more file, after the global ones. */
  configFile?: string;
  /** `OPENCODE_CONFIG_CONTENT`: inline JSON, the last layer. */
  configContent?: string;
  /** The request's directory and its project's worktree root. */
  directory: string;
  worktree: string;
}

/** The name the inline layer is reported under in errors. */
export const CONFIG_CONTENT_SOURCE = 'OPENCODE_CONFIG_CONTENT';

const GLOBAL_FILES = ['config.json', 'opencode.json', 'opencode.jsonc'];
const PROJECT_FILES = ['opencode.jsonc', 'opencode.json'];
/** Where a config directory keeps its plugin files. */
const PLUGIN_DIRS = ['plugin', 'plugins'];
/** Arrays that accumulate across layers instead of being replaced, as the reference. */
const CONCATENATED_KEYS = new Set(['plugin', 'instructions']);

/**
 * Loads and merges every config layer, later layers winning:
 * 1. the global directory: `config.json`, `opencode.json`, `opencode.jsonc`, then its
 *    `agent/`, `mode/` and `command/` markdown files;
 * 2. the `OPENCODE_CONFIG` file;
 * 3. for each directory from the worktree root down to the request's directory:
 *    `opencode.jsonc`, `opencode.json`, `.opencode/opencode.jsonc`, `.opencode/opencode.json`,
 *    then `.opencode`'s markdown files (so the directory nearest the request wins);
 * 4. `OPENCODE_CONFIG_CONTENT`.
 *
 * `watched` receives every path whose change should reload the config (files that exist or not,
 * markdown directories), even when loading fails, so the cache notices the fix.
 */
export async function loadConfig(
  locations: ConfigLocations,
  context: SubstitutionContext,
  problems: MarkdownProblem[],
  watched: string[],
): Promise<Config> {
  let merged: Record<string, unknown> = {};
  const addFile = async (file: string): Promise<void> => {
    const layer = await fileLayer(file, context, watched);
    if (layer) merged = mergeConfig(merged, layer);
  };
  const addMarkdown = async (configDir: string): Promise<void> => {
    const layer = await loadMarkdownLayer(configDir, problems);
    watched.push(...layer.watched);
    const plugin = await pluginFiles(configDir, watched);
    merged = mergeConfig(merged, {
      agent: layer.agent,
      command: layer.command,
      ...(plugin.length > 0 && { plugin }),
    });
  };

  for (const name of GLOBAL_FILES) await addFile(join(locations.globalDir, name));
  await addMarkdown(locations.globalDir);
  if (locations.configFile) await addFile(resolve(locations.configFile));
  for (const dir of projectDirectories(locations.directory, locations.worktree)) {
    for (const file of projectFilesOf(dir)) {
      await addFile(file);
    }
    await addMarkdown(join(dir, '.opencode'));
  }
  if (locations.configContent) {
    const layer = await parseConfigSource(
      { path: CONFIG_CONTENT_SOURCE, text: locations.configContent, baseDir: locations.directory },
      context,
    );
    merged = mergeConfig(merged, layer);
  }
  return withDefaults(merged);
}

/**
 * The plugin files a config directory holds, `{plugin,plugins}/*.{js,ts}` (not recursive), as
 * `file://` URLs in name order: loaded after the plugins its config files name, as the reference.
 */
async function pluginFiles(configDir: string, watched: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const name of PLUGIN_DIRS) {
    const dir = join(configDir, name);
    watched.push(dir);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (!/\.(?:js|ts)$/.test(entry.name) || entry.isDirectory()) continue;
      found.push(pathToFileURL(join(dir, entry.name)).href);
    }
  }
  return found;
}

/**
 * Only the global config files (`GET /global/config`): merged as in `loadConfig`, without the
 * markdown files, the other layers or the defaults. `watched` receives the files read.
 */
export async function loadGlobalConfig(
  globalDir: string,
  context: SubstitutionContext,
  watched: string[],
): Promise<ConfigInput> {
  // Every layer was validated against the schema, and merging valid layers keeps them valid.
  let merged: ConfigInput = {};
  for (const name of GLOBAL_FILES) {
    const layer = await fileLayer(join(globalDir, name), context, watched);
    if (layer) merged = mergeConfig(merged, layer);
  }
  return merged;
}

/** One config file as a layer, or undefined when there is no such file. */
async function fileLayer(
  file: string,
  context: SubstitutionContext,
  watched: string[],
): Promise<ConfigInput | undefined> {
  watched.push(file);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  return parseConfigSource({ path: file, text, baseDir: dirname(file) }, context);
}

/**
 * The global config file that wins (the last of them to load), which `PATCH /global/config`
 * edits; when there is none, `opencode.jsonc` in the global directory (as the reference).
 */
export async function globalConfigFile(globalDir: string): Promise<string> {
  for (const name of [...GLOBAL_FILES].reverse()) {
    const file = join(globalDir, name);
    if (await isFile(file)) return file;
  }
  return join(globalDir, 'opencode.jsonc');
}

/**
 * The project config file that wins (the last of them to load), which `PATCH /config` edits; when
 * the project has none, `opencode.json` in the request's directory.
 */
export async function projectConfigFile(directory: string, worktree: string): Promise<string> {
  let found: string | undefined;
  for (const dir of projectDirectories(directory, worktree)) {
    for (const file of projectFilesOf(dir)) {
      if (await isFile(file)) found = file;
    }
  }
  return found ?? join(directory, 'opencode.json');
}

function projectFilesOf(dir: string): string[] {
  return [
    ...PROJECT_FILES.map((name) => join(dir, name)),
    ...PROJECT_FILES.map((name) => join(dir, '.opencode', name)),
  ];
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** The directories from the worktree root down to `directory` (just `directory` if outside). */
export function projectDirectories(directory: string, worktree: string): string[] {
  const path = relativeInside(worktree, directory);
  if (path === undefined) return [directory];
  const dirs = [worktree];
  let current = worktree;
  for (const segment of path.split('/').filter(Boolean)) {
    current = join(current, segment);
    dirs.push(current);
  }
  return dirs;
}

/** Deep merge of two layers: objects merge key by key, arrays and values are replaced. */
export function mergeConfig(
  base: Record<string, unknown>,
  layer: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(layer)) {
    if (value === undefined) continue;
    const existing = out[key];
    if (CONCATENATED_KEYS.has(key) && Array.isArray(existing) && Array.isArray(value)) {
      out[key] = unique([...(existing as unknown[]), ...(value as unknown[])]);
    } else out[key] = mergeValue(existing, value);
  }
  return out;
}

function mergeValue(base: unknown, value: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(value)) return value;
  const out: Record<string, unknown> = { ...base };
  for (const [key, next] of Object.entries(value)) {
    if (next !== undefined) out[key] = mergeValue(out[key], next);
  }
  return out;
}

function unique(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = JSON.stringify(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The keys the reference always fills in the merged config. */
function withDefaults(merged: Record<string, unknown>): Config {
  // Every layer was validated against the schema, and merging valid layers keeps them valid.
  const config = merged as ConfigInput;
  return {
    ...config,
    agent: config.agent ?? {},
    mode: config.mode ?? {},
    command: config.command ?? {},
    plugin: config.plugin ?? [],
    username: config.username ?? currentUsername(),
    // Legacy switch kept by the reference: `autoshare: true` means `share: "auto"`.
    ...(config.autoshare === true && !config.share && { share: 'auto' as const }),
  };
}

function currentUsername(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry for the uid (some containers).
    return 'user';
  }
}
