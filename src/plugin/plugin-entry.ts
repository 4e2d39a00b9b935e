import { readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { parseNpmSpec } from '../core/npm/npm-spec';

/**
 * The opencode version plugins see this server as: the one whose plugin API it implements.
 * A package's `engines.opencode` range is checked against it (the server's own package version
 * means nothing to plugins).
 */
export const OPENCODE_VERSION = '1.18.33';

/** Specs of plugins the reference ships built in and therefore skips when configured. */
const BUILT_IN = ['opencode-openai-codex-auth', 'opencode-copilot-auth'];

/** One `plugin` entry of the merged config, read. */
export interface PluginEntry {
  /** As configured: a package spec, or the `file://` URL the config loader made of a path. */
  spec: string;
  options: Record<string, unknown> | undefined;
  /** What makes two entries the same plugin: the package name, or the file URL. */
  key: string;
  kind: 'npm' | 'path';
}

/**
 * The config's entries in load order: built-in ones dropped, duplicates (same package name, or
 * same file) reduced to their last occurrence, the one from the layer that wins.
 */
export function pluginEntries(
  config: ReadonlyArray<string | [string, Record<string, unknown>]>,
  cwd: string,
): PluginEntry[] {
  const entries = config
    .map((item): PluginEntry => {
      const [spec, options] = typeof item === 'string' ? [item, undefined] : item;
      if (spec.startsWith('file:')) return { spec, options, key: spec, kind: 'path' };
      const parsed = parseNpmSpec(spec, cwd);
      const key = parsed?.kind === 'registry' ? parsed.name : spec;
      return { spec, options, key, kind: 'npm' };
    })
    .filter((entry) => !BUILT_IN.some((name) => entry.spec.includes(name)));
  return entries.filter(
    (entry, index) => !entries.slice(index + 1).some((later) => later.key === entry.key),
  );
}

interface PackageManifest {
  name?: string;
  main?: string;
  exports?: unknown;
  engines?: unknown;
}

/** A plugin that cannot be used, for a reason its spec and this message say. */
export class PluginEntryError extends Error {}

/** A package whose `engines.opencode` range excludes {@link OPENCODE_VERSION}: skipped. */
export class PluginIncompatibleError extends PluginEntryError {}

/**
 * The file to import for a path entry: the file itself, or for a directory its package entry
 * point or `index.*`.
 */
export async function pathEntryFile(url: string): Promise<string> {
  const path = fileURLToPath(url);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new PluginEntryError(`${path} does not exist`);
  if (!info.isDirectory()) return path;
  const manifest = await readManifest(path);
  if (manifest) {
    const entry = packageEntryFile(path, manifest);
    if (!entry) throw new PluginEntryError(`${path}/package.json names no entry point`);
    return entry;
  }
  for (const name of ['index.ts', 'index.tsx', 'index.js', 'index.mjs', 'index.cjs']) {
    if (await isFile(join(path, name))) return join(path, name);
  }
  throw new PluginEntryError(`${path} has neither a package.json nor an index file`);
}

/**
 * The file to import of an installed package; undefined when the package declares exports
 * without a server entry (not a server plugin). A package made for other opencode versions
 * (`engines.opencode`) is refused with a `PluginIncompatibleError`, as the reference refuses it.
 */
export async function packageEntry(packageDir: string): Promise<string | undefined> {
  const manifest = (await readManifest(packageDir)) ?? {};
  const entry =
    manifest.exports === undefined && manifest.main === undefined
      ? packageDir
      : packageEntryFile(packageDir, manifest);
  if (entry) checkEngines(manifest);
  return entry;
}

/**
 * `engines.opencode`, when the package states one as a string, must be satisfied by
 * {@link OPENCODE_VERSION}. An unreadable range satisfies nothing, so it refuses the package too
 * (semver's answer, as the reference's).
 */
export function checkEngines(manifest: { engines?: unknown }): void {
  const range = isRecord(manifest.engines) ? manifest.engines.opencode : undefined;
  if (typeof range !== 'string') return;
  if (!semver.satisfies(OPENCODE_VERSION, range)) {
    throw new PluginIncompatibleError(
      `Plugin requires opencode ${range} but running ${OPENCODE_VERSION}`,
    );
  }
}

/** `exports["./server"]` (a string or its `import`/`default` condition), else `main`, kept inside the package. */
function packageEntryFile(packageDir: string, manifest: PackageManifest): string | undefined {
  const server = isRecord(manifest.exports) ? manifest.exports['./server'] : undefined;
  const target =
    typeof server === 'string'
      ? server
      : isRecord(server)
        ? [server.import, server.default].find((value) => typeof value === 'string')
        : manifest.main;
  if (typeof target !== 'string') return undefined;
  const file = resolve(packageDir, target);
  const inside = relative(packageDir, file);
  if (inside.startsWith('..') || resolve(packageDir, inside) !== file) {
    throw new PluginEntryError(`the entry point ${target} leaves the package`);
  }
  return file;
}

async function readManifest(dir: string): Promise<PackageManifest | undefined> {
  const text = await readFile(join(dir, 'package.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : {};
  } catch {
    throw new PluginEntryError(`${dir}/package.json is not valid JSON`);
  }
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A plugin function as found in a module: `(input, options) => Promise<Hooks>`. */
export type PluginFunction = (input: unknown, options?: unknown) => unknown;

/**
 * The plugin functions of a loaded module (§4 of the plugin notes): a default `{ id?, server }`
 * object, or every export (the same value once) being a function or a `{ server }` object. Any
 * other export makes the whole module unusable, as in the reference.
 */
export function pluginFunctions(
  module: Record<string, unknown>,
  entry: PluginEntry,
): PluginFunction[] {
  const found: PluginFunction[] = [];
  for (const value of new Set(Object.values(module))) {
    if (typeof value === 'function') {
      found.push(value as PluginFunction);
      continue;
    }
    if (isRecord(value) && typeof value.server === 'function') {
      if (entry.kind === 'path' && typeof value.id !== 'string') {
        throw new PluginEntryError(`Path plugin ${entry.spec} must export an id`);
      }
      found.push(value.server as PluginFunction);
      continue;
    }
    throw new PluginEntryError('Plugin export is not a function');
  }
  return found;
}
