import * as path from 'node:path';
import { z } from 'zod';
import { projectRelative } from '../../core/fs/jail';
import { assertPathAllowed, resolveToolPath, statOrUndefined } from '../file-access';
import { createGlobMatcher } from '../../core/fs/glob';
import { ignoreAnchorFor, walkFiles, type WalkEntry } from '../../core/fs/walk';
import { defineTool, ToolExecutionError, type ToolResult } from '../tool.types';

export const MAX_LIST_ENTRIES = 100;

/** Directories that are generated, vendored or tool state: never worth showing in an overview. */
export const NOISE_DIRECTORIES = new Set([
  'node_modules',
  '__pycache__',
  '.git',
  'dist',
  'build',
  'target',
  'vendor',
  '.idea',
  '.vscode',
  '.zig-cache',
  'zig-out',
  'coverage',
  '.coverage',
  '.cache',
  '.venv',
  'venv',
  '.next',
  '.nuxt',
  '.turbo',
  '.gradle',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
]);

const DESCRIPTION = `Lists the files of a directory as an indented tree (directories first, then files).

Usage:
- path is the directory to list (absolute, or relative to the project); it defaults to the project directory.
- Files ignored by .gitignore and generated or vendored directories (node_modules, dist, build, .git, ...) are left out. ignore takes extra glob patterns to leave out, e.g. ["*.log", "fixtures/"].
- At most ${MAX_LIST_ENTRIES} files are shown, shallowest first; list a subdirectory to see more of it.
- To find files by name anywhere, the glob tool is better; to search contents, use grep.`;

const parameters = z.object({
  path: z
    .string()
    .optional()
    .describe(
      'The directory to list (absolute or project-relative). Omit for the project directory',
    ),
  ignore: z
    .array(z.string())
    .optional()
    .describe('Glob patterns of files or directories to leave out, e.g. ["*.log", "tmp/"]'),
});

export const listTool = defineTool({
  id: 'list',
  readOnly: true,
  description: DESCRIPTION,
  parameters,
  async execute(input, ctx): Promise<ToolResult> {
    const dir = resolveToolPath(ctx.instance, input.path ?? ctx.instance.directory);
    const stats = await statOrUndefined(dir);
    if (!stats) throw new ToolExecutionError(`Directory not found: ${dir}`);
    if (!stats.isDirectory()) {
      throw new ToolExecutionError(
        `${dir} is a file, not a directory. Use the read tool to read it.`,
      );
    }
    await assertPathAllowed(ctx, dir, 'directory');
    await ctx.ask({ permission: 'list', patterns: [dir], always: ['*'], metadata: { path: dir } });

    const ignored = (input.ignore ?? []).map((glob) => createGlobMatcher(glob));
    const skip = (entry: WalkEntry) =>
      (entry.isDirectory && NOISE_DIRECTORIES.has(entry.name)) ||
      ignored.some((matches) => matches(entry.relative));

    const files: string[] = [];
    let truncated = false;
    const walk = walkFiles({
      root: dir,
      ignoreAnchor: ignoreAnchorFor(ctx.instance, dir),
      skip,
      signal: ctx.abort,
    });
    for await (const entry of walk) {
      if (files.length === MAX_LIST_ENTRIES) {
        truncated = true;
        break;
      }
      files.push(entry.relative);
    }

    let output = `${dir}/\n${renderTree(files)}`;
    if (files.length === 0) output += '  (no files)\n';
    if (truncated) {
      output += `\n(Showing the first ${MAX_LIST_ENTRIES} files. List a subdirectory, or use glob, to see more.)\n`;
    }
    return {
      title: projectRelative(ctx.instance, dir) || '.',
      output,
      metadata: { count: files.length, truncated },
    };
  },
});

interface TreeNode {
  dirs: Map<string, TreeNode>;
  files: string[];
}

/** Two spaces per level; each directory's subdirectories, then its files, sorted by name. */
function renderTree(files: string[]): string {
  const root: TreeNode = { dirs: new Map(), files: [] };
  for (const file of files) {
    const parts = file.split('/');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      let child = node.dirs.get(part);
      if (!child) {
        child = { dirs: new Map(), files: [] };
        node.dirs.set(part, child);
      }
      node = child;
    }
    node.files.push(path.posix.basename(file));
  }
  const lines: string[] = [];
  const render = (node: TreeNode, depth: number) => {
    const indent = '  '.repeat(depth);
    for (const name of [...node.dirs.keys()].sort()) {
      lines.push(`${indent}${name}/`);
      render(node.dirs.get(name) as TreeNode, depth + 1);
    }
    for (const name of [...node.files].sort()) lines.push(`${indent}${name}`);
  };
  render(root, 1);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
