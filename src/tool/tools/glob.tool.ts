import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { projectRelative } from '../../core/fs/jail';
import { assertPathAllowed, resolveToolPath, statOrUndefined } from '../file-access';
import { createGlobMatcher } from '../../core/fs/glob';
import { ignoreAnchorFor, walkFiles } from '../../core/fs/walk';
import { defineTool, ToolExecutionError, type ToolResult } from '../tool.types';

export const MAX_GLOB_RESULTS = 100;

const DESCRIPTION = `Finds files by name with a glob pattern, in a project of any size.

Usage:
- Patterns: "*" matches within one directory level, "**" any number of directories, "?" one character, "{a,b}" either alternative, "[abc]" one of the characters. A pattern without "/" matches file names in every directory ("*.ts"); one with "/" matches paths relative to the search directory ("src/**/*.test.ts").
- path is the directory to search (absolute, or relative to the project). Omit it to search the project directory; never pass "undefined" or "null".
- Returns absolute paths, most recently modified first, at most ${MAX_GLOB_RESULTS}. Files ignored by .gitignore are skipped.
- To search file contents, use the grep tool. For open-ended searches that may need several rounds, run several globs in parallel in one response.`;

const parameters = z.object({
  pattern: z
    .string()
    .min(1)
    .describe('The glob pattern to match file paths against, e.g. "**/*.ts"'),
  path: z
    .string()
    .optional()
    .describe(
      'The directory to search in (absolute or project-relative). Omit for the project directory',
    ),
});

export const globTool = defineTool({
  id: 'glob',
  readOnly: true,
  description: DESCRIPTION,
  parameters,
  async execute(input, ctx): Promise<ToolResult> {
    await ctx.ask({
      permission: 'glob',
      patterns: [input.pattern],
      always: ['*'],
      metadata: { pattern: input.pattern, path: input.path },
    });

    const { directory: requested, pattern } = splitAbsolutePattern(input.pattern, input.path);
    const root = resolveToolPath(ctx.instance, requested ?? ctx.instance.directory);
    const rootStats = await statOrUndefined(root);
    if (!rootStats) throw new ToolExecutionError(`Directory not found: ${root}`);
    if (!rootStats.isDirectory()) {
      throw new ToolExecutionError(`${root} is a file; path must be a directory to search in.`);
    }
    await assertPathAllowed(ctx, root, 'directory');

    const matches = createGlobMatcher(pattern);
    const found: { file: string; mtimeMs: number }[] = [];
    const walk = walkFiles({
      root,
      ignoreAnchor: ignoreAnchorFor(ctx.instance, root),
      signal: ctx.abort,
    });
    for await (const entry of walk) {
      if (!matches(entry.relative)) continue;
      const mtimeMs = await stat(entry.absolute).then(
        (stats) => stats.mtimeMs,
        () => 0,
      );
      found.push({ file: entry.absolute, mtimeMs });
    }
    found.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));

    const truncated = found.length > MAX_GLOB_RESULTS;
    const shown = found.slice(0, MAX_GLOB_RESULTS).map((item) => item.file);
    const out = shown.length === 0 ? ['No files found'] : [...shown];
    if (truncated) {
      out.push(
        '',
        `(Results truncated: showing ${shown.length} of ${found.length} files. Use a more specific path or pattern.)`,
      );
    }
    return {
      title: projectRelative(ctx.instance, root) || '.',
      output: out.join('\n'),
      metadata: { count: shown.length, truncated },
    };
  },
});

/**
 * Models often put the directory into the pattern (`/repo/src/**\/*.ts`). An absolute pattern,
 * when no path is given, is split into the directory before its first glob character and the
 * rest.
 */
function splitAbsolutePattern(
  pattern: string,
  directory: string | undefined,
): { directory: string | undefined; pattern: string } {
  if (directory !== undefined || !path.isAbsolute(pattern)) return { directory, pattern };
  const parts = pattern.split('/');
  const firstGlob = parts.findIndex((part) => /[*?[\]{}]/.test(part));
  if (firstGlob === -1) {
    return { directory: path.dirname(pattern), pattern: path.basename(pattern) };
  }
  return {
    directory: parts.slice(0, firstGlob).join('/') || '/',
    pattern: parts.slice(firstGlob).join('/'),
  };
}
