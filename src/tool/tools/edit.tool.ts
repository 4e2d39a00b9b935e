import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { projectRelative, realPathOfNearest } from '../../core/fs/jail';
import {
  assertPathAllowed,
  type FileToolDeps,
  resolveToolPath,
  stampOf,
  statOrUndefined,
  FILE_PATH_ALIASES,
} from '../file-access';
import { diffText } from '../../core/text-diff';
import { defineTool, ToolExecutionError, type ToolResult } from '../tool.types';

const DESCRIPTION = `Replaces exact text in a file.

Usage:
- You must read the file with the read tool before editing it, and it must not have changed since; otherwise the edit is refused and you are asked to read it again.
- oldString must match the file exactly: same characters, whitespace and indentation. Copy it from the read output without the line-number prefix ("12: "): everything after that prefix is the line as it is in the file.
- oldString must occur exactly once, unless replaceAll is true. When it occurs more than once the edit fails: add surrounding lines to oldString until it is unique, or set replaceAll to replace every occurrence (useful for renaming a variable).
- newString replaces oldString and must differ from it. An empty newString deletes the text.
- To create a new file, give an empty oldString and the file's content as newString (the write tool does the same).
- Keep edits small and focused; make several edits rather than one that restates a large block.
- The file's line endings (LF or CRLF) are kept whatever the strings use.`;

const parameters = z.object({
  filePath: z
    .string()
    .describe('The path of the file to change: absolute, or relative to the project'),
  oldString: z.string().describe('The exact text to replace'),
  newString: z.string().describe('The text to put in its place (must differ from oldString)'),
  replaceAll: z
    .boolean()
    .optional()
    .describe('Replace every occurrence of oldString instead of exactly one (default false)'),
});

export function createEditTool(deps: FileToolDeps) {
  return defineTool({
    id: 'edit',
    aliases: FILE_PATH_ALIASES,
    description: DESCRIPTION,
    parameters,
    async execute(input, ctx): Promise<ToolResult> {
      if (input.oldString === input.newString) {
        throw new ToolExecutionError(
          'No changes to apply: oldString and newString are identical. Give the new text in newString.',
        );
      }
      const file = resolveToolPath(ctx.instance, input.filePath);
      const relative = projectRelative(ctx.instance, file);
      await assertPathAllowed(ctx, file, 'file');
      const real = await realPathOfNearest(file);

      return deps.tracker.withLock(real, async () => {
        const stats = await statOrUndefined(file);
        if (stats?.isDirectory()) {
          throw new ToolExecutionError(`${file} is a directory, not a file.`);
        }

        let before = '';
        let after: string;
        let replacements = 1;
        if (!stats) {
          if (input.oldString !== '') {
            throw new ToolExecutionError(
              `File not found: ${file}. To create it, call edit with an empty oldString (or use the write tool).`,
            );
          }
          after = input.newString;
        } else {
          await deps.tracker.assertReadAndUnchanged(ctx.sessionID, real, file);
          before = await readFile(file, 'utf8');
          if (input.oldString === '') {
            if (before !== '') {
              throw new ToolExecutionError(
                `oldString is empty but ${file} already has content. Give the exact text to replace, or use the write tool to replace the whole file.`,
              );
            }
            after = input.newString;
          } else {
            ({ after, replacements } = replaceExact(before, input, file));
          }
        }

        const diff = diffText(file, normalizeLineEndings(before), normalizeLineEndings(after));
        await ctx.ask({
          permission: 'edit',
          patterns: [relative],
          always: ['*'],
          metadata: { filepath: file, diff: diff.patch },
        });

        if (!stats) await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, after, 'utf8');
        await deps.formatFile?.(ctx.instance, file);
        const written = await statOrUndefined(file);
        if (written) deps.tracker.record(ctx.sessionID, real, stampOf(written));
        const errors = (await deps.checkFile?.(ctx.instance, file)) ?? '';

        const output = !stats
          ? 'Created the file successfully.'
          : replacements > 1
            ? `Edit applied successfully (${replacements} replacements).`
            : 'Edit applied successfully.';
        return {
          title: relative,
          output: output + errors,
          metadata: {
            diff: diff.patch,
            filediff: {
              file,
              before,
              after,
              additions: diff.additions,
              deletions: diff.deletions,
            },
            filepath: file,
            file,
          },
        };
      });
    },
  });
}

interface Replacement {
  after: string;
  replacements: number;
}

/**
 * Replaces `oldString` in `content`, written in the file's own line endings. Slices rather than
 * `String.replace`, whose replacement string would treat `$&`, `$1`... specially.
 */
function replaceExact(
  content: string,
  input: { oldString: string; newString: string; replaceAll?: boolean },
  file: string,
): Replacement {
  const ending = content.includes('\r\n') ? '\r\n' : '\n';
  let oldString = withLineEnding(input.oldString, ending);
  let newString = withLineEnding(input.newString, ending);
  let positions = findAll(content, oldString);
  // A file with mixed line endings may hold the text exactly as given.
  if (positions.length === 0 && oldString !== input.oldString) {
    oldString = input.oldString;
    newString = input.newString;
    positions = findAll(content, oldString);
  }
  if (positions.length === 0)
    throw new ToolExecutionError(notFoundMessage(content, oldString, file));
  if (positions.length > 1 && !input.replaceAll) {
    const shown = positions.slice(0, 10).map((at) => lineAt(content, at));
    const lines = positions.length > shown.length ? `${shown.join(', ')}, ...` : shown.join(', ');
    throw new ToolExecutionError(
      `Found ${positions.length} matches of oldString in ${file} (at lines ${lines}). Add more surrounding lines to oldString so that it matches exactly one place, or set replaceAll to true to replace every occurrence.`,
    );
  }

  const parts: string[] = [];
  let from = 0;
  for (const at of positions) {
    parts.push(content.slice(from, at), newString);
    from = at + oldString.length;
  }
  parts.push(content.slice(from));
  return { after: parts.join(''), replacements: positions.length };
}

/** Start indexes of the non-overlapping occurrences of `text`. */
function findAll(content: string, text: string): number[] {
  const positions: number[] = [];
  for (let at = content.indexOf(text); at !== -1; at = content.indexOf(text, at + text.length)) {
    positions.push(at);
  }
  return positions;
}

function notFoundMessage(content: string, oldString: string, file: string): string {
  const base = `Could not find oldString in ${file}. It must match the file exactly, including whitespace, indentation and line breaks.`;
  const lines = oldString.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length > 0 && lines.every((line) => /^\s*\d+: /.test(line))) {
    return `${base} oldString seems to include the line-number prefixes of the read output ("12: "); remove them.`;
  }
  const squeeze = (text: string) => text.replace(/\s+/g, ' ').trim();
  if (squeeze(oldString) !== '' && squeeze(content).includes(squeeze(oldString))) {
    return `${base} Text that differs only in whitespace exists: read the file again and copy the exact text.`;
  }
  return `${base} Read the file again to see its current content.`;
}

function lineAt(content: string, index: number): number {
  let line = 1;
  for (let i = content.indexOf('\n'); i !== -1 && i < index; i = content.indexOf('\n', i + 1))
    line++;
  return line;
}

function normalizeLineEndings(text: string): string {
  return text.replaceAll('\r\n', '\n');
}

function withLineEnding(text: string, ending: '\n' | '\r\n'): string {
  const normalized = normalizeLineEndings(text);
  return ending === '\n' ? normalized : normalized.replaceAll('\n', '\r\n');
}
