import { isUtf8 } from 'node:buffer';
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { FileNotFoundError } from '../../core/fs/errors';
import { FileTooLargeError } from './errors';
import { runGit } from '../../core/fs/git';
import { GitHead, type HeadState } from './git-head';
import type { ProjectJail } from '../../core/fs/jail';
import { formatPatch, parseUnifiedDiff, type StructuredPatch } from './unified-diff';

/** The reference's `FileContent`. */
export interface FileContent {
  type: 'text' | 'binary';
  content: string;
  diff?: string;
  patch?: StructuredPatch;
  encoding?: 'base64';
  mimeType?: string;
}

export interface FileReaderOptions {
  /** Larger files are refused with FileTooLargeError instead of being buffered whole. */
  maxBytes?: number;
}

export const DEFAULT_MAX_READ_BYTES = 20 * 1024 * 1024;

// Remembered answers: files up to 1 MB, 32 MB and 2,048 files in all, least recently used out.
const MAX_CACHED_FILE_BYTES = 1024 * 1024;
const MAX_CACHED_BYTES = 32 * 1024 * 1024;
const MAX_CACHED_FILES = 2048;
/**
 * A file whose stat data changed this recently may change again within the same timestamp tick
 * without its stat data changing (git's "racily clean" problem): its answer is not remembered.
 */
const RACY_WINDOW_MS = 1000;

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  bmp: 'image/bmp',
  webp: 'image/webp',
  ico: 'image/x-icon',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  svg: 'image/svg+xml',
  avif: 'image/avif',
  apng: 'image/apng',
  heic: 'image/heic',
  heif: 'image/heif',
};

/** Binary formats worth naming; anything else binary is application/octet-stream. */
const BINARY_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  '7z': 'application/x-7z-compressed',
  wasm: 'application/wasm',
  sqlite: 'application/vnd.sqlite3',
  db: 'application/vnd.sqlite3',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
  exe: 'application/vnd.microsoft.portable-executable',
  jar: 'application/java-archive',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

function extensionOf(file: string): string {
  return path.extname(file).slice(1).toLowerCase();
}

/** The MIME type for a binary answer, by extension. */
export function mimeTypeOf(file: string): string {
  const ext = extensionOf(file);
  return IMAGE_TYPES[ext] ?? BINARY_TYPES[ext] ?? 'application/octet-stream';
}

/** Text means valid UTF-8 without NUL bytes; anything else cannot round-trip through a string. */
export function isBinaryContent(buf: Buffer): boolean {
  return buf.includes(0) || !isUtf8(buf);
}

/**
 * Reads one project file for `GET /file/content`: text exactly as stored (the reference trims
 * it; we keep the trailing newline), anything else base64 with its MIME type, and for a text
 * file that differs from HEAD the full-context patch and its text, as the reference sends them.
 *
 * Answers are remembered per file while its stat data and HEAD stay the same (see `GitHead`), so
 * re-reading an unchanged file costs a realpath and a stat: no read, no decoding, no git. The
 * answers are frozen: callers share them.
 */
export class FileReader {
  private readonly maxBytes: number;
  private readonly head: GitHead;
  /** By real path, least recently used first. */
  private readonly answers = new Map<string, { key: string; answer: FileContent; bytes: number }>();
  private cachedBytes = 0;

  constructor(
    private readonly jail: ProjectJail,
    options: FileReaderOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_READ_BYTES;
    this.head = new GitHead(jail.root);
  }

  async read(userPath: string): Promise<FileContent> {
    const resolved = await this.jail.resolve(userPath);
    if (!resolved.exists) throw new FileNotFoundError(userPath);
    const [info, head] = await Promise.all([stat(resolved.real), this.head.state()]);
    this.checkReadable(info, userPath);
    const known = this.answers.get(resolved.real);
    if (known && known.key === answerKey(info, head)) {
      this.answers.delete(resolved.real); // Re-inserted as the most recent.
      this.answers.set(resolved.real, known);
      return known.answer;
    }
    const startedAt = Date.now();
    const { info: readInfo, buf } = await this.readRegularFile(resolved.real, userPath);
    const answer = deepFreeze(await this.answerFor(resolved.real, buf, head));
    this.remember(
      resolved.real,
      answerKey(readInfo, head),
      answer,
      buf.length,
      readInfo,
      startedAt,
    );
    return answer;
  }

  private async answerFor(
    real: string,
    buf: Buffer,
    head: HeadState | undefined,
  ): Promise<FileContent> {
    const ext = extensionOf(real);
    if (IMAGE_TYPES[ext]) {
      // The reference answers images as type 'text' with base64 content, and its clients render
      // them from exactly that: kept for drop-in compatibility.
      return {
        type: 'text',
        content: buf.toString('base64'),
        encoding: 'base64',
        mimeType: IMAGE_TYPES[ext],
      };
    }
    if (BINARY_TYPES[ext] || isBinaryContent(buf)) {
      // The reference sends binaries with empty content; the bytes are more useful.
      return {
        type: 'binary',
        content: buf.toString('base64'),
        encoding: 'base64',
        mimeType: mimeTypeOf(real),
      };
    }
    const content = buf.toString('utf8');
    if (!head) return { type: 'text', content };
    const realRoot = await this.jail.realRoot();
    const relative = path.relative(realRoot, real).split(path.sep).join('/');
    const patch = await diffAgainstHead(realRoot, relative, content, head.base);
    return patch
      ? { type: 'text', content, patch, diff: formatPatch(patch) }
      : { type: 'text', content };
  }

  private checkReadable(info: Stats, userPath: string): void {
    if (!info.isFile()) throw new FileNotFoundError(userPath, 'Not a file');
    if (info.size > this.maxBytes) throw new FileTooLargeError(userPath, info.size, this.maxBytes);
  }

  /**
   * Stat and content through one descriptor, so what is checked is what is read. Non-blocking,
   * so a FIFO swapped in since the stat is refused instead of hanging a thread-pool thread.
   */
  private async readRegularFile(
    real: string,
    userPath: string,
  ): Promise<{ info: Stats; buf: Buffer }> {
    const handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const info = await handle.stat();
      this.checkReadable(info, userPath);
      const buf = Buffer.allocUnsafe(info.size);
      let length = 0;
      while (length < buf.length) {
        const { bytesRead } = await handle.read(buf, length, buf.length - length, length);
        if (bytesRead === 0) break; // Truncated since the stat.
        length += bytesRead;
      }
      return { info, buf: length === buf.length ? buf : buf.subarray(0, length) };
    } finally {
      await handle.close();
    }
  }

  private remember(
    real: string,
    key: string,
    answer: FileContent,
    bytes: number,
    info: Stats,
    startedAt: number,
  ): void {
    const previous = this.answers.get(real);
    if (previous) {
      this.answers.delete(real);
      this.cachedBytes -= previous.bytes;
    }
    const racy = startedAt - Math.max(info.mtimeMs, info.ctimeMs) <= RACY_WINDOW_MS;
    if (racy || bytes > MAX_CACHED_FILE_BYTES) return;
    this.answers.set(real, { key, answer, bytes });
    this.cachedBytes += bytes;
    for (const [oldest, entry] of this.answers) {
      if (this.cachedBytes <= MAX_CACHED_BYTES && this.answers.size <= MAX_CACHED_FILES) break;
      this.answers.delete(oldest);
      this.cachedBytes -= entry.bytes;
    }
  }
}

/** One version of a file (git's stat-data check) under one HEAD. */
function answerKey(info: Stats, head: HeadState | undefined): string {
  return `${head?.stamp ?? ''}|${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * The change of a tracked file against HEAD, with the whole file as context like the reference
 * (jsdiff with context Infinity). git computes it; whitespace changes count as changes (the
 * reference ignores them).
 */
async function diffAgainstHead(
  root: string,
  relative: string,
  content: string,
  base: string,
): Promise<StructuredPatch | undefined> {
  // An unchanged run is never longer than the new file, so this context keeps one whole hunk.
  const context = Math.max(3, content.split('\n').length);
  const out = await runGit(root, [
    'diff',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--no-renames',
    `--unified=${context}`,
    base,
    '--',
    relative,
  ]);
  if (out.code !== 0 || out.stdout === '') return undefined;
  const hunks = parseUnifiedDiff(out.stdout);
  if (hunks.length === 0) return undefined;
  return {
    oldFileName: relative,
    newFileName: relative,
    oldHeader: 'old',
    newHeader: 'new',
    hunks,
  };
}
