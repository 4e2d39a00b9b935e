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

const DESCRIPTION = `Writes a file, replacing all of its content or creating it (with any missing directories).

Usage:
- filePath is absolute, or relative to the project directory.
- To overwrite an existing file you must have read it with the read tool first, and it must not have changed since; otherwise the write is refused.
- Prefer the edit tool for changing part of an existing file: it sends only the change. Use write for new files or complete rewrites.
- content is written exactly as given: include the whole file, never placeholders like "rest unchanged".
- Do not create documentation or README files unless asked to.`;

const parameters = z.object({
  filePath: z
    .string()
    .describe('The path of the file to write: absolute, or relative to the project'),
  content: z.string().describe('The complete content to write to the file'),
});

export function createWriteTool(deps: FileToolDeps) {
  return defineTool({
    id: 'write',
    aliases: FILE_PATH_ALIASES,
    description: DESCRIPTION,
    parameters,
    async execute(input, ctx): Promise<ToolResult> {
      const file = resolveToolPath(ctx.instance, input.filePath);
      const relative = projectRelative(ctx.instance, file);
      await assertPathAllowed(ctx, file, 'file');
      const real = await realPathOfNearest(file);

      return deps.tracker.withLock(real, async () => {
        const stats = await statOrUndefined(file);
        if (stats?.isDirectory()) {
          throw new ToolExecutionError(`${file} is a directory; give the path of a file to write.`);
        }
        const exists = stats !== undefined;
        if (exists) await deps.tracker.assertReadAndUnchanged(ctx.sessionID, real, file);
        const before = exists ? await readFile(file, 'utf8') : '';
        const diff = diffText(file, before, input.content);

        await ctx.ask({
          permission: 'edit',
          patterns: [relative],
          always: ['*'],
          metadata: { filepath: file, diff: diff.patch },
        });

        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, input.content, 'utf8');
        await deps.formatFile?.(ctx.instance, file);
        const written = await statOrUndefined(file);
        if (written) deps.tracker.record(ctx.sessionID, real, stampOf(written));
        const errors = (await deps.checkFile?.(ctx.instance, file)) ?? '';

        return {
          title: relative,
          output:
            (exists
              ? 'Wrote file successfully (replaced the previous content).'
              : 'Wrote file successfully (new file).') + errors,
          metadata: { filepath: file, exists, diff: diff.patch, file },
        };
      });
    },
  });
}
