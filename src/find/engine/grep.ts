import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import * as path from 'node:path';
import { InvalidPatternError } from './errors';

/** One matching line in ripgrep's `--json` "match" shape, which the reference returns. */
export interface TextMatch {
  path: { text: string };
  /** The whole line, with its line terminator when it has one. */
  lines: { text: string };
  /** 1-based. */
  line_number: number;
  /** Byte offset of the line's start in the file. */
  absolute_offset: number;
  /** Byte offsets within the line. */
  submatches: { match: { text: string }; start: number; end: number }[];
}

export interface GrepJob {
  /** Real path of the project root; `files` are relative to it. */
  root: string;
  files: readonly string[];
  pattern: string;
  /** Matching lines in total. */
  limit: number;
  /** Matching lines per file, like ripgrep's --max-count. */
  maxPerFile: number;
  /** Bigger files are skipped, as are binary ones (a NUL byte). */
  maxFileSize: number;
  /**
   * Files changed since the previous job (from the file watcher): their remembered contents are
   * dropped first. `'all'` drops everything.
   */
  changed?: readonly string[] | 'all';
}

export interface GrepResult {
  matches: TextMatch[];
}

const LOOKAROUND = /\(\?<?[=!]/;

// Symlinks are not followed, as ripgrep does not without --follow: the link's target is
// searched under its own path if it is in the project, and never if it is not.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/**
 * The pattern as a JS regex. Unicode mode first (so `.` is a code point and `\p{..}` works); a
 * pattern only valid without it, such as `\-`, still compiles.
 */
export function compilePattern(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'gmu');
  } catch {
    try {
      return new RegExp(pattern, 'gm');
    } catch (error) {
      throw new InvalidPatternError(
        pattern,
        error instanceof Error ? error.message : String(error),
      );
    }
  }
}

/** A searchable file's text; `undefined` text for a file that is skipped (binary, too big). */
interface Contents {
  text?: string;
  /** One byte per character: byte offsets are string offsets. */
  ascii: boolean;
  bytes: number;
  /** The size limit it was judged against (a later job may allow bigger files). */
  maxFileSize: number;
}

// Kept file texts, per worker (one project): at most this many characters, oldest out first.
const MAX_KEPT_CHARS = 64 * 1024 * 1024;

/**
 * File contents kept between searches, so a search is regex work, not thousands of reads. Only
 * used when every change is reported (`GrepJob.changed`, fed by the file watcher); an entry is
 * dropped when its file is reported changed.
 */
export class ContentsCache {
  private readonly kept = new Map<string, Contents>();
  private chars = 0;

  drop(changed: readonly string[] | 'all' | undefined): void {
    if (changed === 'all') {
      this.kept.clear();
      this.chars = 0;
      return;
    }
    for (const file of changed ?? []) this.forget(file);
  }

  contents(root: string, file: string, maxFileSize: number): Contents {
    const known = this.kept.get(file);
    if (known && (known.text !== undefined || known.maxFileSize >= maxFileSize)) return known;
    if (known) this.forget(file);
    const found = readContents(path.join(root, file), maxFileSize);
    this.kept.set(file, found);
    this.chars += found.text?.length ?? 0;
    for (const [oldest] of this.kept) {
      if (this.chars <= MAX_KEPT_CHARS) break;
      this.forget(oldest);
    }
    return found;
  }

  private forget(file: string): void {
    const known = this.kept.get(file);
    if (!known) return;
    this.chars -= known.text?.length ?? 0;
    this.kept.delete(file);
  }
}

/**
 * Searches the files in order, synchronously (it runs in a worker thread, where blocking costs
 * nothing and saves a thread-pool round trip per file), stopping at the limit. With a cache,
 * file contents come from it.
 */
export function grepFiles(job: GrepJob, cache?: ContentsCache): GrepResult {
  const regex = compilePattern(job.pattern);
  cache?.drop(job.changed);
  const matches: TextMatch[] = [];
  for (const file of job.files) {
    const found = cache
      ? cache.contents(job.root, file, job.maxFileSize)
      : readContents(path.join(job.root, file), job.maxFileSize);
    if (found.text === undefined || found.bytes > job.maxFileSize) continue;
    const room = Math.min(job.maxPerFile, job.limit - matches.length);
    matches.push(...grepString(file, found.text, found.ascii, regex, room));
    if (matches.length >= job.limit) break;
  }
  return { matches };
}

function readContents(file: string, maxFileSize: number): Contents {
  const buf = readSmallFile(file, maxFileSize);
  if (!buf || buf.includes(0)) return { ascii: false, bytes: 0, maxFileSize };
  const text = buf.toString('utf8');
  return { text, ascii: text.length === buf.length, bytes: buf.length, maxFileSize };
}

function readSmallFile(file: string, maxSize: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch {
    return undefined; // A symlink, or removed since it was indexed.
  }
  try {
    const size = fstatSync(fd).size;
    if (size > maxSize) return undefined;
    const buf = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buf, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buf.subarray(0, read);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Matching lines of one file, at most `maxLines`. Lines are matched one at a time, as ripgrep
 * does, so a match never spans lines. To skip non-matching text fast, the regex first runs over
 * the whole text: every line match is also a whole-text match at the same position, so the
 * leftmost whole-text match names the first line worth trying. Lookarounds break that (at a line
 * end they see the newline), so such patterns try every line.
 */
export function grepText(file: string, buf: Buffer, regex: RegExp, maxLines: number): TextMatch[] {
  const text = buf.toString('utf8');
  return grepString(file, text, text.length === buf.length, regex, maxLines);
}

function grepString(
  file: string,
  text: string,
  ascii: boolean,
  regex: RegExp,
  maxLines: number,
): TextMatch[] {
  const byteLength = (s: string) => (ascii ? s.length : Buffer.byteLength(s));
  const scan = new RegExp(regex.source, regex.flags);
  const line = new RegExp(regex.source, regex.flags);
  const skipAhead = !LOOKAROUND.test(regex.source);

  const found: TextMatch[] = [];
  let pos = 0; // Always a line start.
  let lineNumber = 1;
  let byteOffset = 0;
  while (pos < text.length && found.length < maxLines) {
    let start = pos;
    if (skipAhead) {
      scan.lastIndex = pos;
      const hit = scan.exec(text);
      if (!hit) break;
      start = hit.index === pos ? pos : text.lastIndexOf('\n', hit.index - 1) + 1;
    }
    for (let i = text.indexOf('\n', pos); i !== -1 && i < start; i = text.indexOf('\n', i + 1)) {
      lineNumber++;
    }
    byteOffset += byteLength(text.slice(pos, start));
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const content = text.slice(start, end);
    const submatches = matchesIn(content, line, byteLength);
    if (submatches.length > 0) {
      found.push({
        path: { text: file },
        lines: { text: newline === -1 ? content : content + '\n' },
        line_number: lineNumber,
        absolute_offset: byteOffset,
        submatches,
      });
    }
    if (newline === -1) break;
    pos = end + 1;
    lineNumber++;
    byteOffset += byteLength(content) + 1;
  }
  return found;
}

function matchesIn(
  content: string,
  regex: RegExp,
  byteLength: (s: string) => number,
): TextMatch['submatches'] {
  const out: TextMatch['submatches'] = [];
  regex.lastIndex = 0;
  for (let m = regex.exec(content); m; m = regex.exec(content)) {
    const start = byteLength(content.slice(0, m.index));
    out.push({ match: { text: m[0] }, start, end: start + byteLength(m[0]) });
    if (m[0] === '') {
      // Step over the empty match (a whole code point in unicode mode).
      const code = content.codePointAt(regex.lastIndex);
      regex.lastIndex += regex.unicode && code !== undefined && code > 0xffff ? 2 : 1;
      if (regex.lastIndex > content.length) break;
    }
  }
  return out;
}
