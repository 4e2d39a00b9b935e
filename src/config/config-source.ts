import type * as Jsonc from 'jsonc-parser';
import type { Node } from 'jsonc-parser';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { lazyRequire } from '../core/lazy-require';
import { describeIssue } from '../core/zod-issues';
import { ConfigErrorData, ConfigInvalidError, ConfigJsonError } from './config.errors';
import { ConfigInput, ConfigSchema } from './config.schema';

/** One config layer before parsing: a file's text, or `OPENCODE_CONFIG_CONTENT`. */
export interface ConfigSource {
  /** Reported in errors: the file path, or `OPENCODE_CONFIG_CONTENT`. */
  path: string;
  text: string;
  /** Where relative `{file:...}` references resolve from. */
  baseDir: string;
}

export interface SubstitutionContext {
  /** Looked up by `{env:NAME}`; a missing variable becomes an empty string, as the reference. */
  variables: Readonly<Record<string, string | undefined>>;
  /** What `~/` means in `{file:~/...}`. */
  home: string;
}

/** The JSONC parser, once there is a config file or inline config to read. */
const loadJsonc = lazyRequire<typeof Jsonc>('jsonc-parser');

const ENV_PATTERN = /\{env:([^}]+)\}/g;
const FILE_PATTERN = /\{file:([^}]+)\}/g;

/**
 * Parses one JSONC config layer (comments and trailing commas allowed), substitutes `{env:VAR}`
 * and `{file:path}` in string values, and validates it against the config schema. Every failure
 * names the source, the line and column, and the key.
 *
 * Substitution works on parsed string values rather than on the raw text (the reference replaces
 * text): the result is the same for values, commented-out lines are never touched, and positions
 * in errors stay exact.
 */
export async function parseConfigSource(
  source: ConfigSource,
  context: SubstitutionContext,
): Promise<ConfigInput> {
  const tree = parseJsonc(source);
  if (!tree) return {};
  if (tree.type !== 'object') {
    throw new ConfigInvalidError({
      ...locate(source, tree.offset),
      message: `${source.path}: a config must be a JSON object`,
    });
  }
  const value = await substitute(tree, source, context);
  return withPluginPathsResolved(validateConfig(value, source, tree), source.baseDir);
}

/**
 * A plugin given as a path is relative to the config file that declares it, and layers are
 * merged before plugins load: each path becomes a `file://` URL here, as the reference's merged
 * config shows it. Package specs are kept as written.
 */
function withPluginPathsResolved(config: ConfigInput, baseDir: string): ConfigInput {
  if (!config.plugin) return config;
  const resolveSpec = (spec: string): string =>
    spec.startsWith('./') || spec.startsWith('../') || isAbsolute(spec)
      ? pathToFileURL(resolve(baseDir, spec)).href
      : spec;
  return {
    ...config,
    plugin: config.plugin.map((entry) =>
      typeof entry === 'string' ? resolveSpec(entry) : [resolveSpec(entry[0]), entry[1]],
    ),
  };
}

/** Validates an already-parsed layer; `tree` (when the layer came from text) locates issues. */
export function validateConfig(value: unknown, source: ConfigSource, tree?: Node): ConfigInput {
  const result = ConfigSchema.safeParse(value);
  if (result.success) return result.data;
  const { path, message } = describeIssue(result.error.issues);
  const node = tree ? nodeForPath(tree, path) : undefined;
  const key = path.join('.');
  const location = node ? locate(source, node.offset) : { path: source.path };
  throw new ConfigInvalidError({
    ...location,
    ...(key && { key }),
    message: `${source.path}${location.line ? `:${location.line}:${location.column}` : ''}: ${key ? `"${key}" ` : ''}${message}`,
  });
}

function parseJsonc(source: ConfigSource): Node | undefined {
  // An empty file (or one with only comments) is an empty config, not an error.
  const jsonc = loadJsonc();
  if (!jsonc.stripComments(source.text).trim()) return undefined;
  const errors: { error: number; offset: number; length: number }[] = [];
  const tree = jsonc.parseTree(source.text, errors, {
    allowTrailingComma: true,
    disallowComments: false,
  });
  if (errors.length > 0) {
    const [first] = errors;
    const location = locate(source, first.offset);
    throw new ConfigJsonError({
      ...location,
      message: `${source.path}:${location.line}:${location.column}: invalid JSON (${jsonc.printParseErrorCode(first.error)})`,
    });
  }
  return tree;
}

/** Rebuilds the value of `node`, substituting references in strings. */
async function substitute(
  node: Node,
  source: ConfigSource,
  context: SubstitutionContext,
): Promise<unknown> {
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const property of node.children ?? []) {
        const [keyNode, valueNode] = property.children ?? [];
        if (!keyNode || !valueNode) continue;
        out[String(keyNode.value)] = await substitute(valueNode, source, context);
      }
      return out;
    }
    case 'array':
      return Promise.all((node.children ?? []).map((child) => substitute(child, source, context)));
    case 'string':
      return substituteString(String(node.value), node.offset, source, context);
    case 'number':
    case 'boolean':
    case 'null':
      return node.value as unknown;
    case 'property':
      return undefined;
  }
}

async function substituteString(
  value: string,
  offset: number,
  source: ConfigSource,
  context: SubstitutionContext,
): Promise<string> {
  let text = value.replace(ENV_PATTERN, (_: string, name: string) => context.variables[name] ?? '');
  const references = [...text.matchAll(FILE_PATTERN)];
  for (const [token, reference] of references) {
    const file = resolveReference(reference, source.baseDir, context.home);
    const content = await readFile(file, 'utf8').catch(() => undefined);
    if (content === undefined) {
      const location = locate(source, offset);
      throw new ConfigInvalidError({
        ...location,
        message: `${source.path}:${location.line}:${location.column}: bad file reference "${token}": ${file} does not exist or cannot be read`,
      });
    }
    text = text.replace(token, () => content.trim());
  }
  return text;
}

function resolveReference(reference: string, baseDir: string, home: string): string {
  if (reference.startsWith('~/')) return join(home, reference.slice(2));
  return isAbsolute(reference) ? reference : resolve(baseDir, reference);
}

/** The node of a key path; for a key that should not be there, its property's key node. */
function nodeForPath(tree: Node, path: PropertyKey[]): Node | undefined {
  const segments = path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
  for (let length = segments.length; length >= 0; length--) {
    const node = loadJsonc().findNodeAtLocation(tree, segments.slice(0, length));
    if (node) return node.parent?.type === 'property' ? (node.parent.children?.[0] ?? node) : node;
  }
  return undefined;
}

/** 1-based line and column of an offset. */
function locate(source: ConfigSource, offset: number): Omit<ConfigErrorData, 'message'> {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < source.text.length; index++) {
    if (source.text.charCodeAt(index) === 10) {
      line++;
      lineStart = index + 1;
    }
  }
  return { path: source.path, line, column: offset - lineStart + 1 };
}
