import { open, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { splitGlobBase } from '../core/fs/glob';
import { globFiles } from '../core/fs/walk';

/** One block of instructions for the system prompt, and where it came from (a path or URL). */
export interface Instruction {
  source: string;
  content: string;
}

/** File names that hold project instructions, closest to the working directory first. */
export const INSTRUCTION_FILE_NAMES = ['AGENTS.md', 'CLAUDE.md'];

/**
 * The most of one file or URL that goes into the system prompt. The reference has no limit; one
 * keeps a stray glob match (a log, a dump) from filling the model's context on every step.
 */
export const MAX_INSTRUCTION_BYTES = 256 * 1024;

/**
 * The most all instruction files together put into the system prompt (~128k tokens). The
 * reference has no limit; one keeps a broad glob (`**\/*.md` reaches into `node_modules`) from
 * making every model call too long for the context. Files past it are left out, in order.
 */
export const MAX_TOTAL_INSTRUCTION_CHARS = 512 * 1024;

/** How long an instruction URL may take, body included, as the reference. */
const INSTRUCTION_URL_TIMEOUT_MS = 5_000;

/** How long a fetched instruction URL (or its failure) is reused before it is fetched again. */
export const INSTRUCTION_URL_TTL_MS = 5 * 60_000;

/** Config `instructions` entries that are fetched rather than read from disk. */
export function isInstructionUrl(entry: string): boolean {
  return entry.startsWith('https://') || entry.startsWith('http://');
}

/**
 * Instruction files in effect for `directory`, in this order, each real file once:
 * - every `AGENTS.md` from the directory up to the project root (nearest first), or where there
 *   is none, every `CLAUDE.md`;
 * - the first global file that exists;
 * - the config's `instructions` entries that are not URLs, in their order: `~/` is the user's
 *   home; an absolute path may be a glob (its matches sorted); a relative path or glob is looked
 *   up at each level from the directory up to the project root, nearest first.
 * Missing files, globs without matches, directories and binary files are passed over, and so
 * are files past {@link MAX_TOTAL_INSTRUCTION_CHARS} in all.
 */
export async function findInstructionFiles(options: {
  directory: string;
  worktree: string;
  home: string;
  globalFiles: string[];
  configured: string[];
}): Promise<Instruction[]> {
  const found: Instruction[] = [];
  const seen = new Set<string>();
  let total = 0;
  /** Whether `path` is an instruction file (read now, or earlier under another name). */
  const add = async (path: string): Promise<boolean> => {
    const real = await realpath(path).catch(() => undefined);
    if (real === undefined) return false;
    if (seen.has(real)) return true;
    const content = await readInstructionFile(real);
    if (content === undefined) return false;
    seen.add(real);
    if (total + content.length > MAX_TOTAL_INSTRUCTION_CHARS) return true;
    total += content.length;
    found.push({ source: path, content });
    return true;
  };

  const levels = projectLevels(options.directory, options.worktree);
  for (const name of INSTRUCTION_FILE_NAMES) {
    let present = false;
    for (const level of levels) {
      if (await add(join(level, name))) present = true;
    }
    // AGENTS.md takes precedence: CLAUDE.md is only read where no AGENTS.md exists.
    if (present) break;
  }
  for (const file of options.globalFiles) {
    if (await add(file)) break;
  }
  for (const raw of options.configured) {
    if (raw.trim() === '' || isInstructionUrl(raw)) continue;
    const entry = raw.startsWith('~/') ? join(options.home, raw.slice(2)) : raw;
    const targets = isAbsolute(entry) ? [entry] : levels.map((level) => resolve(level, entry));
    for (const target of targets) {
      for (const file of await matchingPaths(target)) await add(file);
    }
  }
  return found;
}

/**
 * The directories instruction files are looked up in: `directory` and its parents up to the
 * project root, nearest first. Outside a git project (worktree `/`) only the directory itself.
 */
function projectLevels(directory: string, worktree: string): string[] {
  const stop = worktree === '/' ? directory : worktree;
  const levels = [directory];
  let current = directory;
  while (current !== stop && dirname(current) !== current) {
    current = dirname(current);
    levels.push(current);
  }
  return levels;
}

/** The files an absolute path or glob names; a plain path is returned as it is. */
async function matchingPaths(target: string): Promise<string[]> {
  const { base, glob } = splitGlobBase(target);
  return glob === undefined ? [base] : globFiles(base, glob);
}

/**
 * A file's text for the system prompt, cut at {@link MAX_INSTRUCTION_BYTES}; undefined when it
 * is not a readable regular file or holds binary data.
 */
export async function readInstructionFile(path: string): Promise<string | undefined> {
  // Checked before opening: opening a FIFO would wait for a writer.
  const stats = await stat(path).catch(() => undefined);
  if (!stats?.isFile()) return undefined;
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const length = Math.min(stats.size, MAX_INSTRUCTION_BYTES);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return instructionText(buffer.subarray(0, bytesRead), stats.size > MAX_INSTRUCTION_BYTES);
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/**
 * Fetches an instruction URL: a GET that must answer 2xx with text within `timeoutMs` (default
 * {@link INSTRUCTION_URL_TIMEOUT_MS}); the body is cut at {@link MAX_INSTRUCTION_BYTES}. Throws
 * an error saying why otherwise. `signal` cancels it early (the instance going away).
 */
export async function fetchInstructionUrl(
  url: string,
  signal?: AbortSignal,
  timeoutMs = INSTRUCTION_URL_TIMEOUT_MS,
): Promise<string> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      headers: { Accept: 'text/markdown, text/plain;q=0.9, text/*;q=0.8' },
      redirect: 'follow',
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`the server answered ${response.status}`);
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (!isTextContentType(contentType)) {
      await response.body?.cancel();
      throw new Error(`the response is not text (${contentType})`);
    }
    const { bytes, truncated } = await readBodyCapped(response, MAX_INSTRUCTION_BYTES);
    const text = instructionText(bytes, truncated);
    if (text === undefined) throw new Error('the response is binary');
    return text;
  } catch (error) {
    if (timeout.aborted) {
      throw new Error(`no complete answer within ${timeoutMs / 1000} s`);
    }
    throw error;
  }
}

const TEXT_APPLICATION_TYPES = new Set([
  'application/json',
  'application/markdown',
  'application/x-markdown',
  'application/toml',
  'application/xml',
  'application/yaml',
  'application/x-yaml',
]);

/** Text types, and no type at all (binary bodies are still caught by their NUL bytes). */
function isTextContentType(contentType: string): boolean {
  const mime = contentType.split(';')[0].trim().toLowerCase();
  return (
    mime === '' ||
    mime.startsWith('text/') ||
    TEXT_APPLICATION_TYPES.has(mime) ||
    mime.endsWith('+json') ||
    mime.endsWith('+xml')
  );
}

/** Reads at most `limit` bytes of the body, then stops the download. */
async function readBodyCapped(
  response: Response,
  limit: number,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  if (!response.body) return { bytes: Buffer.alloc(0), truncated: false };
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { bytes: Buffer.concat(chunks), truncated: false };
    if (size + value.byteLength > limit) {
      chunks.push(value.subarray(0, limit - size));
      await reader.cancel();
      return { bytes: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(value);
    size += value.byteLength;
  }
}

/** UTF-8 text of the bytes, with a note when they were cut; undefined for binary data. */
function instructionText(bytes: Buffer, truncated: boolean): string | undefined {
  if (bytes.includes(0)) return undefined;
  const text = new TextDecoder('utf-8').decode(bytes);
  if (!truncated) return text;
  // The cut may split a character: drop the replacement character it decodes to.
  return `${text.replace(/\uFFFD$/, '')}\n\n(Truncated: only the first ${MAX_INSTRUCTION_BYTES / 1024} KB are included.)`;
}

/**
 * Each URL's fetch, reused for a while, so model steps do not fetch it again (a failed one
 * neither: a dead host would otherwise cost every step the full timeout). Callers asking for a
 * URL being fetched share that fetch. `load` must not reject.
 */
export class InstructionUrlCache {
  private readonly entries = new Map<
    string,
    { expires: number; content: Promise<string | undefined> }
  >();

  constructor(
    private readonly load: (url: string) => Promise<string | undefined>,
    private readonly ttlMs = INSTRUCTION_URL_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get(url: string): Promise<string | undefined> {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expires <= now) this.entries.delete(key);
    }
    const cached = this.entries.get(url);
    if (cached) return cached.content;
    const content = this.load(url);
    this.entries.set(url, { expires: now + this.ttlMs, content });
    return content;
  }
}

/** The instructions as system messages, each labelled with its source. */
export function instructionsSection(instructions: Instruction[]): string[] {
  return instructions.map((item) => `Instructions from: ${item.source}\n${item.content}`);
}
