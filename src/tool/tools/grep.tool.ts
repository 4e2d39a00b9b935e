import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { assertPathAllowed, resolveToolPath, statOrUndefined } from '../file-access';
import { createGlobMatcher } from '../../core/fs/glob';
import { ignoreAnchorFor, walkFiles, type WalkEntry } from '../../core/fs/walk';
import { defineTool, ToolExecutionError, type ToolResult } from '../tool.types';

export const MAX_GREP_MATCHES = 100;
const MAX_LINE_LENGTH = 2000;
/** Larger files are passed over: they are data, not code, and would be read whole. */
const MAX_SEARCHED_FILE_BYTES = 10 * 1024 * 1024;
/** Files searched at once. */
const CONCURRENCY = 16;

const DESCRIPTION = `Searches file contents with a regular expression.

Usage:
- pattern is a JavaScript regular expression, e.g. "log.*Error", "function\\s+\\w+", "import .* from 'react'". Escape regex characters to search for them literally ("\\(", "\\."). Start the pattern with (?i) to ignore case.
- path is the directory to search (absolute, or relative to the project); it defaults to the project directory.
- include limits the search to files whose names match a glob, e.g. "*.ts", "*.{ts,tsx}", "src/**/*.js".
- Returns the matching lines with their file paths and line numbers, files most recently modified first, at most ${MAX_GREP_MATCHES} matches. Files ignored by .gitignore and binary files are skipped.
- To find files by name, use the glob tool. To count or post-process matches, use the bash tool with rg or grep.
- For open-ended searches that may need several rounds, run several searches in parallel in one response.`;

const parameters = z.object({
  pattern: z.string().min(1).describe('The regular expression to search file contents for'),
  path: z
    .string()
    .optional()
    .describe(
      'The directory to search in (absolute or project-relative). Omit for the project directory',
    ),
  include: z
    .string()
    .optional()
    .describe('A glob of the files to search, e.g. "*.js" or "*.{ts,tsx}"'),
});

interface LineMatch {
  line: number;
  text: string;
}

interface FileMatches {
  file: string;
  mtimeMs: number;
  matches: LineMatch[];
}

export const grepTool = defineTool({
  id: 'grep',
  readOnly: true,
  description: DESCRIPTION,
  parameters,
  async execute(input, ctx): Promise<ToolResult> {
    const regex = compilePattern(input.pattern);
    const matchesInclude = input.include ? createGlobMatcher(input.include) : undefined;
    await ctx.ask({
      permission: 'grep',
      patterns: [input.pattern],
      always: ['*'],
      metadata: { pattern: input.pattern, path: input.path, include: input.include },
    });

    const target = resolveToolPath(ctx.instance, input.path ?? ctx.instance.directory);
    const targetStats = await statOrUndefined(target);
    if (!targetStats) throw new ToolExecutionError(`Search path not found: ${target}`);
    const isDirectory = targetStats.isDirectory();
    await assertPathAllowed(ctx, target, isDirectory ? 'directory' : 'file');

    const found: FileMatches[] = [];
    let total = 0;
    const searchOne = async (file: string) => {
      const result = await searchFile(file, regex);
      if (!result) return;
      total += result.count;
      found.push(result.matches);
    };

    if (!isDirectory) {
      await searchOne(target);
    } else {
      let batch: Promise<void>[] = [];
      const files = walkFiles({
        root: target,
        ignoreAnchor: ignoreAnchorFor(ctx.instance, target),
        skip: matchesInclude
          ? (entry: WalkEntry) => !entry.isDirectory && !matchesInclude(entry.relative)
          : undefined,
        signal: ctx.abort,
      });
      for await (const entry of files) {
        batch.push(searchOne(entry.absolute));
        if (batch.length >= CONCURRENCY) {
          await Promise.all(batch);
          batch = [];
          keepNewest(found);
        }
      }
      await Promise.all(batch);
    }
    keepNewest(found);

    if (total === 0) {
      return {
        title: input.pattern,
        output: 'No files found',
        metadata: { matches: 0, truncated: false },
      };
    }
    const truncated = total > MAX_GREP_MATCHES;
    const shown = Math.min(total, MAX_GREP_MATCHES);
    const out = [`Found ${total} matches${truncated ? ` (showing the first ${shown})` : ''}`];
    let left = MAX_GREP_MATCHES;
    for (const { file, matches } of found) {
      if (left === 0) break;
      out.push('', `${file}:`);
      for (const match of matches.slice(0, left)) out.push(`  Line ${match.line}: ${match.text}`);
      left -= Math.min(left, matches.length);
    }
    if (truncated) {
      out.push(
        '',
        `(Results truncated: showing ${shown} of ${total} matches. Use a more specific pattern, path or include to narrow the search.)`,
      );
    }
    return {
      title: input.pattern,
      output: out.join('\n'),
      metadata: { matches: total, truncated },
    };
  },
});

/** A JavaScript RegExp from the pattern; a leading `(?i)` (ripgrep style) means ignore case. */
function compilePattern(pattern: string): RegExp {
  const caseless = pattern.startsWith('(?i)');
  try {
    return new RegExp(caseless ? pattern.slice(4) : pattern, caseless ? 'i' : '');
  } catch (error) {
    throw new ToolExecutionError(
      `Invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}. The pattern is a JavaScript regular expression; escape special characters with a backslash.`,
    );
  }
}

/** The file's matching lines (at most as many as can be shown) and how many there are in all. */
async function searchFile(
  file: string,
  regex: RegExp,
): Promise<{ matches: FileMatches; count: number } | undefined> {
  let stats: Stats;
  let content: Buffer;
  try {
    stats = await stat(file);
    if (stats.size > MAX_SEARCHED_FILE_BYTES) return undefined;
    content = await readFile(file);
  } catch {
    return undefined; // removed or unreadable since the walk saw it
  }
  // Binary files (a NUL byte early on) are not searched, as ripgrep does by default.
  if (content.subarray(0, 8192).includes(0)) return undefined;
  const lines = content.toString('utf8').split(/\r?\n/);
  // A final line break ends the last line; it does not start an empty one.
  if (lines[lines.length - 1] === '') lines.pop();
  const matches: LineMatch[] = [];
  let count = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!regex.test(lines[i])) continue;
    count++;
    if (matches.length < MAX_GREP_MATCHES) {
      const text = lines[i];
      matches.push({
        line: i + 1,
        text: text.length > MAX_LINE_LENGTH ? `${text.slice(0, MAX_LINE_LENGTH)}...` : text,
      });
    }
  }
  if (count === 0) return undefined;
  return { matches: { file: path.resolve(file), mtimeMs: stats.mtimeMs, matches }, count };
}

/**
 * Sorts newest first and drops files that can no longer be shown (the newer ones already fill
 * the output), so memory stays bounded however many files match.
 */
function keepNewest(found: FileMatches[]): void {
  found.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  let shown = 0;
  for (let i = 0; i < found.length; i++) {
    shown += found[i].matches.length;
    if (shown >= MAX_GREP_MATCHES) {
      found.length = i + 1;
      return;
    }
  }
}
