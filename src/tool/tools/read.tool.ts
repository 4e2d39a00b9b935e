import { createReadStream } from 'node:fs';
import { open, readFile, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
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
import { defineTool, ToolExecutionError, type ToolContext, type ToolResult } from '../tool.types';

export const DEFAULT_READ_LIMIT = 2000;
export const MAX_LINE_LENGTH = 2000;
/** Past this the output stops (whole lines), so one read cannot flood the context. */
export const MAX_READ_OUTPUT_BYTES = 50 * 1024;
/** A text file this large is only read in pieces (`offset`/`limit`). */
export const MAX_WHOLE_FILE_BYTES = 10 * 1024 * 1024;
/** Providers refuse larger images and documents. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

const ATTACHMENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.pdf': 'application/pdf',
};

// prettier-ignore
const BINARY_EXTENSIONS = new Set([
  '.zip', '.tar', '.gz', '.tgz', '.bz2', '.xz', '.7z', '.rar', '.exe', '.dll', '.so', '.dylib',
  '.class', '.jar', '.war', '.doc', '.docx', '.xls', '.xlsx', '.ppt', '.pptx', '.odt', '.ods',
  '.odp', '.bin', '.dat', '.obj', '.o', '.a', '.lib', '.wasm', '.pyc', '.pyo', '.ico', '.bmp',
  '.tiff', '.mp3', '.mp4', '.mov', '.avi', '.wav', '.flac', '.ogg', '.woff', '.woff2', '.ttf',
  '.otf', '.eot', '.sqlite', '.db', '.node',
]);

const DESCRIPTION = `Reads a file and returns its lines, each prefixed with its line number ("12: text").

Usage:
- filePath is absolute, or relative to the project directory.
- By default up to ${DEFAULT_READ_LIMIT} lines are returned from the start of the file. For longer files pass offset (the 0-based line to start at) and limit (how many lines); the output ends by saying whether the file goes on and which offset continues it. Prefer reading a whole file unless it is large.
- Lines longer than ${MAX_LINE_LENGTH} characters are cut; output is capped at ${MAX_READ_OUTPUT_BYTES / 1024} KB per call.
- Images (PNG, JPEG, GIF, WebP) and PDFs are returned as attachments you can look at.
- Other binary files cannot be read. A directory cannot be read: use the list tool for it.
- Read a file before you edit or overwrite it: the edit and write tools refuse files you have not read, or that changed since you read them.
- The line-number prefix is not part of the file: never copy it into edits.
- When you need several files, read them with parallel calls in one response.`;

const parameters = z.object({
  filePath: z
    .string()
    .describe('The path of the file to read: absolute, or relative to the project'),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      'The 0-based line to start reading from (0 = the first line). Omit to start at the top',
    ),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe(`How many lines to read (default ${DEFAULT_READ_LIMIT})`),
});

export function createReadTool(deps: FileToolDeps) {
  return defineTool({
    id: 'read',
    aliases: FILE_PATH_ALIASES,
    readOnly: true,
    description: DESCRIPTION,
    parameters,
    async execute(input, ctx): Promise<ToolResult> {
      const file = resolveToolPath(ctx.instance, input.filePath);
      const title = projectRelative(ctx.instance, file);
      const stats = await statOrUndefined(file);
      await assertPathAllowed(ctx, file, stats?.isDirectory() ? 'directory' : 'file');
      await ctx.ask({ permission: 'read', patterns: [file], always: ['*'], metadata: {} });

      if (!stats) throw new ToolExecutionError(await notFoundMessage(file));
      if (stats.isDirectory()) {
        throw new ToolExecutionError(
          `${file} is a directory, not a file. Use the list tool to see what it contains.`,
        );
      }
      if (!stats.isFile()) throw new ToolExecutionError(`${file} is not a regular file.`);

      const mime = ATTACHMENT_TYPES[path.extname(file).toLowerCase()];
      if (mime) return readAttachment(file, mime, stats.size, title);

      if (await isBinaryFile(file, stats.size)) {
        throw new ToolExecutionError(
          `Cannot read binary file: ${file}. Only text files, images and PDFs can be read.`,
        );
      }
      const piecewise = input.offset !== undefined || input.limit !== undefined;
      if (!piecewise && stats.size > MAX_WHOLE_FILE_BYTES) {
        throw new ToolExecutionError(
          `${file} is ${formatBytes(stats.size)}, more than the ${formatBytes(MAX_WHOLE_FILE_BYTES)} that can be read at once. Read it in pieces with offset and limit, or search it with grep.`,
        );
      }

      const offset = input.offset ?? 0;
      const limit = input.limit ?? DEFAULT_READ_LIMIT;
      const text = await readLines(file, offset, limit, ctx);
      if (offset > 0 && offset >= text.total) {
        throw new ToolExecutionError(
          `Offset ${offset} is past the end of ${file}, which has ${text.total} lines (offsets 0 to ${Math.max(0, text.total - 1)}).`,
        );
      }
      deps.tracker.record(ctx.sessionID, await realPathOfNearest(file), stampOf(stats));

      const first = offset + 1;
      const last = offset + text.lines.length;
      const truncated = text.more || text.capped;
      let footer: string;
      if (text.capped) {
        footer = `(Output capped at ${MAX_READ_OUTPUT_BYTES / 1024} KB. Showing lines ${first}-${last} of ${text.total}. Use offset=${last} to continue.)`;
      } else if (text.more) {
        footer = `(Showing lines ${first}-${last} of ${text.total}. Use offset=${last} to continue.)`;
      } else {
        footer = `(End of file - total ${text.total} lines)`;
      }
      const numbered = text.lines.map((line, i) => `${first + i}: ${line}`).join('\n');
      const output = `<path>${file}</path>\n<type>file</type>\n<content>\n${numbered}\n\n${footer}\n</content>`;
      const preview = text.lines.slice(0, 20).join('\n');
      return {
        title,
        output,
        metadata: {
          preview,
          truncated,
          loaded: [],
          display: {
            type: 'file',
            path: file,
            text: preview,
            lineStart: first,
            lineEnd: last,
            totalLines: text.total,
            truncated,
          },
        },
      };
    },
  });
}

async function readAttachment(
  file: string,
  mime: string,
  size: number,
  title: string,
): Promise<ToolResult> {
  const kind = mime === 'application/pdf' ? 'PDF' : 'Image';
  if (size > MAX_ATTACHMENT_BYTES) {
    throw new ToolExecutionError(
      `${kind} ${file} is ${formatBytes(size)}, more than the ${formatBytes(MAX_ATTACHMENT_BYTES)} that can be attached.`,
    );
  }
  const data = await readFile(file);
  const output = `${kind} read successfully`;
  return {
    title,
    output,
    metadata: { preview: output, truncated: false, loaded: [] },
    attachments: [
      {
        mime,
        url: `data:${mime};base64,${data.toString('base64')}`,
        filename: path.basename(file),
      },
    ],
  };
}

interface ReadLines {
  lines: string[];
  /** Lines in the whole file. */
  total: number;
  /** Lines after the window exist. */
  more: boolean;
  /** The byte cap stopped the window early. */
  capped: boolean;
}

/** Streams the file: keeps the window's lines (cut to length) and counts all of them. */
async function readLines(
  file: string,
  offset: number,
  limit: number,
  ctx: ToolContext,
): Promise<ReadLines> {
  const stream = createReadStream(file, { encoding: 'utf8', signal: ctx.abort });
  // crlfDelay: a `\r\n` split across chunks still counts as one line break.
  const reader = createInterface({ input: stream, crlfDelay: Infinity });
  const lines: string[] = [];
  let total = 0;
  let bytes = 0;
  let more = false;
  let capped = false;
  try {
    for await (const raw of reader) {
      total++;
      if (total <= offset) continue;
      if (lines.length >= limit || capped) {
        more = true;
        continue;
      }
      const line =
        raw.length > MAX_LINE_LENGTH
          ? `${raw.slice(0, MAX_LINE_LENGTH)}... (line truncated to ${MAX_LINE_LENGTH} chars)`
          : raw;
      const size = Buffer.byteLength(line, 'utf8') + 1;
      if (bytes + size > MAX_READ_OUTPUT_BYTES && lines.length > 0) {
        capped = true;
        more = true;
        continue;
      }
      lines.push(line);
      bytes += size;
    }
  } catch (error) {
    if (ctx.abort.aborted) throw ctx.abort.reason;
    throw error;
  } finally {
    reader.close();
    stream.destroy();
  }
  return { lines, total, more, capped };
}

/** Known binary extensions, a NUL byte, or mostly control characters in the first 4 KB. */
export async function isBinaryFile(file: string, size: number): Promise<boolean> {
  if (BINARY_EXTENSIONS.has(path.extname(file).toLowerCase())) return true;
  if (size === 0) return false;
  const handle = await open(file, 'r');
  try {
    const sample = Buffer.alloc(Math.min(4096, size));
    const { bytesRead } = await handle.read(sample, 0, sample.length, 0);
    let control = 0;
    for (let i = 0; i < bytesRead; i++) {
      const byte = sample[i];
      if (byte === 0) return true;
      if (byte < 9 || (byte > 13 && byte < 32)) control++;
    }
    return bytesRead > 0 && control / bytesRead > 0.3;
  } finally {
    await handle.close();
  }
}

/** "File not found", with up to three names in the same directory that look like the one asked. */
async function notFoundMessage(file: string): Promise<string> {
  const dir = path.dirname(file);
  const wanted = path.basename(file).toLowerCase();
  const names = await readdir(dir).catch(() => [] as string[]);
  const suggestions = names
    .map((name) => ({ name, score: similarity(wanted, name.toLowerCase()) }))
    .filter((candidate) => candidate.score !== undefined)
    .sort((a, b) => (a.score as number) - (b.score as number) || a.name.localeCompare(b.name))
    .slice(0, 3)
    .map((candidate) => path.join(dir, candidate.name));
  if (suggestions.length === 0) return `File not found: ${file}`;
  return `File not found: ${file}\n\nDid you mean one of these?\n${suggestions.join('\n')}`;
}

/** Lower is closer; undefined when the names are unrelated. */
function similarity(wanted: string, name: string): number | undefined {
  if (name === wanted) return 0;
  const distance = editDistance(wanted, name);
  if (distance <= Math.max(2, Math.floor(wanted.length / 4))) return distance;
  const stem = (value: string) => value.slice(0, value.length - path.extname(value).length);
  if (stem(name) !== '' && stem(name) === stem(wanted)) return 1;
  if (name.includes(wanted) || wanted.includes(name))
    return 10 + Math.abs(name.length - wanted.length);
  return undefined;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return Math.abs(a.length - b.length);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost));
    }
    previous = current;
  }
  return previous[b.length];
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}
