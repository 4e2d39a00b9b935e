import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type * as Yaml from 'yaml';
import type { z } from 'zod';
import { lazyRequire } from '../core/lazy-require';
import { describeIssue } from '../core/zod-issues';
import {
  AgentConfig,
  AgentConfigSchema,
  CommandConfig,
  CommandConfigSchema,
} from './config.schema';

/** A markdown file split into its YAML front matter and its body. */
export interface MarkdownDocument {
  data: Record<string, unknown>;
  content: string;
  /** 1-based line of each top-level front matter key, for error messages. */
  keyLines: Record<string, number>;
}

/** A file that was skipped, and why (logged by the config service; never fatal). */
export interface MarkdownProblem {
  path: string;
  message: string;
}

/** The YAML parser (~70 files, ~15 ms to load), only once a file with front matter is read. */
const loadYaml = lazyRequire<typeof Yaml>('yaml');

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n?---[ \t]*(?:\r?\n|$)/;

/** Splits `---\n yaml \n---\n body`; a file without front matter is all body. */
export function parseMarkdown(text: string): MarkdownDocument {
  const match = FRONT_MATTER.exec(text);
  if (!match) return { data: {}, content: text, keyLines: {} };
  const yaml = match[1];
  const data = parseFrontMatter(yaml);
  const keyLines: Record<string, number> = {};
  yaml.split(/\r?\n/).forEach((line, index) => {
    const key = /^([A-Za-z_$][\w$-]*)\s*:/.exec(line)?.[1];
    if (key && !(key in keyLines)) keyLines[key] = index + 2; // +1 for 1-based, +1 for `---`
  });
  return { data, content: text.slice(match[0].length), keyLines };
}

function parseFrontMatter(yaml: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = loadYaml().parse(yaml);
  } catch (error) {
    // Hand-written front matter often has an unquoted colon in a description
    // (`description: Review: security`), which YAML refuses; the reference quotes such values
    // and tries again, and so do we.
    try {
      value = loadYaml().parse(quoteColonValues(yaml));
    } catch {
      throw new Error(`invalid front matter: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('invalid front matter: expected key: value pairs');
  }
  return value as Record<string, unknown>;
}

function quoteColonValues(yaml: string): string {
  return yaml
    .split(/\r?\n/)
    .map((line) => {
      const match = /^([A-Za-z_$][\w$-]*):[ \t]+(.*)$/.exec(line);
      if (!match) return line;
      const [, key, value] = match;
      if (!value.includes(':') || /^["'[{|>]/.test(value)) return line;
      return `${key}: ${JSON.stringify(value)}`;
    })
    .join('\n');
}

/** What the markdown files of one config directory contribute. */
export interface MarkdownLayer {
  agent: Record<string, AgentConfig>;
  command: Record<string, CommandConfig>;
  /** Directories and files read, so the config cache notices edits. */
  watched: string[];
}

const AGENT_DIRS = ['agent', 'agents'];
const MODE_DIRS = ['mode', 'modes'];
const COMMAND_DIRS = ['command', 'commands'];

/**
 * Loads `agent/**\/*.md` (and the legacy `mode/*.md`, primary agents) and `command/**\/*.md` of a
 * config directory (`~/.config/opencode`, a project's `.opencode`). A file's name, relative to its
 * folder and without `.md`, is the agent or command name; its front matter holds the settings and
 * its body is the prompt (agents) or the template (commands). A malformed file is reported in
 * `problems` and skipped.
 */
export async function loadMarkdownLayer(
  configDir: string,
  problems: MarkdownProblem[],
): Promise<MarkdownLayer> {
  const layer: MarkdownLayer = { agent: {}, command: {}, watched: [] };
  for (const [dirs, kind] of [
    [AGENT_DIRS, 'agent'],
    [MODE_DIRS, 'mode'],
    [COMMAND_DIRS, 'command'],
  ] as const) {
    for (const dir of dirs) {
      const root = join(configDir, dir);
      layer.watched.push(root);
      for (const file of await markdownFiles(root)) {
        layer.watched.push(file);
        const name = relative(root, file).slice(0, -'.md'.length).split(sep).join('/');
        const parsed = await readDocument(file, problems);
        if (!parsed) continue;
        if (kind === 'command') {
          if (!parsed.content.trim()) {
            problems.push({ path: file, message: 'a command needs a template (the file body)' });
            continue;
          }
          const command = validate(
            CommandConfigSchema,
            { ...parsed.data, template: parsed.content.trim() },
            file,
            parsed,
            problems,
          );
          if (command) layer.command[name] = command;
          continue;
        }
        const agent = validate(
          AgentConfigSchema,
          {
            ...parsed.data,
            ...(kind === 'mode' && { mode: 'primary' }),
            prompt: parsed.content.trim(),
          },
          file,
          parsed,
          problems,
        );
        if (agent) layer.agent[name] = agent;
      }
    }
  }
  return layer;
}

async function markdownFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

async function readDocument(
  file: string,
  problems: MarkdownProblem[],
): Promise<MarkdownDocument | undefined> {
  try {
    return parseMarkdown(await readFile(file, 'utf8'));
  } catch (error) {
    problems.push({ path: file, message: (error as Error).message });
    return undefined;
  }
}

function validate<T>(
  schema: z.ZodType<T>,
  value: Record<string, unknown>,
  file: string,
  document: MarkdownDocument,
  problems: MarkdownProblem[],
): T | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const { path, message } = describeIssue(result.error.issues);
  const key = path.join('.');
  const line = document.keyLines[String(path[0])];
  problems.push({
    path: line ? `${file}:${line}` : file,
    message: key ? `"${key}" ${message}` : message,
  });
  return undefined;
}
