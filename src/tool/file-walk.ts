import type { Dirent } from 'node:fs';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { relativeInside, toPosix } from '../core/fs/jail';

/**
 * The directory walk and glob matching behind `glob`, `grep` and `list`: a breadth-first walk
 * that honours `.gitignore`/`.ignore` files the way ripgrep does, and a glob → RegExp converter
 * (Node 20 has neither `fs.promises.glob` nor `path.matchesGlob`).
 */

// ---------------------------------------------------------------------------------------------
// Globs

/**
 * Converts a glob to a RegExp matching a whole `/`-separated path. Supports `**` (any number of
 * directories, including none), `*` and `?` (never crossing `/`), `{a,b}` (nestable), `[abc]`,
 * `[a-z]`, `[!abc]`/`[^abc]`, and `\` to escape the next character. Unbalanced `{` or `[` are
 * taken literally.
 */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${convert(glob, 0, false).source}$`);
}

interface Converted {
  source: string;
  /** Index just past what was consumed. */
  end: number;
}

function convert(glob: string, start: number, inBraces: boolean): Converted {
  let out = '';
  let i = start;
  while (i < glob.length) {
    const ch = glob[i];
    if (inBraces && (ch === ',' || ch === '}')) return { source: out, end: i };
    switch (ch) {
      case '\\': {
        const next = glob[i + 1];
        out += next === undefined ? '\\\\' : escapeRegExp(next);
        i += 2;
        break;
      }
      case '*': {
        let stars = 0;
        while (glob[i + stars] === '*') stars++;
        const before = glob[i - 1];
        const atSegmentStart =
          i === 0 || before === '/' || (inBraces && (before === '{' || before === ','));
        const after = glob[i + stars];
        if (stars >= 2 && atSegmentStart && after === '/') {
          out += '(?:[^/]*/)*';
          i += stars + 1;
        } else if (stars >= 2 && atSegmentStart && endsSegment(after, inBraces)) {
          out += '.*';
          i += stars;
        } else {
          out += '[^/]*';
          i += stars;
        }
        break;
      }
      case '?':
        out += '[^/]';
        i++;
        break;
      case '[': {
        const cls = convertClass(glob, i);
        if (cls) {
          out += cls.source;
          i = cls.end;
        } else {
          out += '\\[';
          i++;
        }
        break;
      }
      case '{': {
        const alternatives = convertBraces(glob, i);
        if (alternatives) {
          out += alternatives.source;
          i = alternatives.end;
        } else {
          out += '\\{';
          i++;
        }
        break;
      }
      default:
        out += escapeRegExp(ch);
        i++;
    }
  }
  return { source: out, end: i };
}

function endsSegment(next: string | undefined, inBraces: boolean): boolean {
  return next === undefined || (inBraces && (next === ',' || next === '}'));
}

function convertBraces(glob: string, open: number): Converted | undefined {
  const options: string[] = [];
  let i = open + 1;
  for (;;) {
    const part = convert(glob, i, true);
    options.push(part.source);
    const stop = glob[part.end];
    if (stop === '}') return { source: `(?:${options.join('|')})`, end: part.end + 1 };
    if (stop !== ',') return undefined; // ran off the end: no closing brace
    i = part.end + 1;
  }
}

function convertClass(glob: string, open: number): Converted | undefined {
  let i = open + 1;
  let negate = false;
  if (glob[i] === '!' || glob[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  // A `]` right after the opening (or its negation) belongs to the class.
  let first = true;
  while (i < glob.length) {
    const ch = glob[i];
    if (ch === ']' && !first) {
      if (body === '') return undefined;
      // A class never matches `/`, as in every glob dialect that splits on directories.
      return { source: negate ? `[^/${body}]` : `(?!/)[${body}]`, end: i + 1 };
    }
    if (ch === '\\' && i + 1 < glob.length) {
      body += escapeClassChar(glob[i + 1]);
      i += 2;
    } else {
      // `-` keeps its range meaning; everything else is literal.
      body += ch === '-' ? '-' : escapeClassChar(ch);
      i++;
    }
    first = false;
  }
  return undefined;
}

function escapeClassChar(ch: string): string {
  return /[A-Za-z0-9]/.test(ch) ? ch : `\\${ch}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * A matcher for one glob as ripgrep's `--glob` reads it: a glob without `/` matches a file's
 * name in any directory (`*.ts`), one with `/` matches the path relative to the search root
 * (`src/**\/*.ts`; a leading `/` or `./` anchors it there too).
 */
export function createGlobMatcher(glob: string): (relativePath: string) => boolean {
  let pattern = glob.trim();
  if (pattern.startsWith('./')) pattern = pattern.slice(2);
  else if (pattern.startsWith('/')) pattern = pattern.slice(1);
  if (pattern.endsWith('/')) pattern = pattern.slice(0, -1);
  const regex = globToRegExp(pattern);
  if (!pattern.includes('/'))
    return (relativePath) => regex.test(path.posix.basename(relativePath));
  return (relativePath) => regex.test(relativePath);
}

const GLOB_CHARACTERS = /[*?[\]{}]/;

/** Whether `text` has any glob syntax (`*`, `?`, `[...]`, `{...}`). */
export function hasGlobSyntax(text: string): boolean {
  return GLOB_CHARACTERS.test(text);
}

/**
 * Splits a path pattern into its literal leading directories and the glob after them:
 * `docs/rules/*.md` → `docs/rules` + `*.md`, `/etc/team/*.md` → `/etc/team` + `*.md`. A pattern
 * without glob syntax is all base (`glob` undefined).
 */
export function splitGlobBase(pattern: string): { base: string; glob: string | undefined } {
  const parts = pattern.split('/');
  const first = parts.findIndex(hasGlobSyntax);
  if (first === -1) return { base: pattern, glob: undefined };
  const base = parts.slice(0, first).join('/');
  return {
    base: base === '' && pattern.startsWith('/') ? '/' : base,
    glob: parts.slice(first).join('/'),
  };
}

// ---------------------------------------------------------------------------------------------
// Ignore files

const IGNORE_FILES = ['.gitignore', '.ignore'];

/**
 * `.gitignore` (and ripgrep's `.ignore`) rules below one anchor directory, read lazily per
 * directory and cached for the life of the object (one tool call). Deeper files override
 * shallower ones, and `!negations` re-include, as in git. `.git/info/exclude` of the anchor is
 * read too. Not read: the global `core.excludesFile`.
 */
export class IgnoreFiles {
  private readonly rules = new Map<string, Promise<Ignore | null>>();

  constructor(readonly anchor: string) {}

  /** `relPath` is relative to the anchor, `/`-separated. Only the path's own rules are judged. */
  async isIgnored(relPath: string, isDirectory: boolean): Promise<boolean> {
    const parts = relPath.split('/');
    let ignored = false;
    for (let depth = 0; depth < parts.length; depth++) {
      const rules = await this.rulesOf(parts.slice(0, depth).join('/'));
      if (!rules) continue;
      const below = parts.slice(depth).join('/') + (isDirectory ? '/' : '');
      const result = rules.test(below);
      if (result.ignored) ignored = true;
      else if (result.unignored) ignored = false;
    }
    return ignored;
  }

  private rulesOf(relDir: string): Promise<Ignore | null> {
    let rules = this.rules.get(relDir);
    if (!rules) {
      rules = this.load(relDir);
      this.rules.set(relDir, rules);
    }
    return rules;
  }

  private async load(relDir: string): Promise<Ignore | null> {
    const dir = path.join(this.anchor, relDir);
    const files = IGNORE_FILES.map((name) => path.join(dir, name));
    if (relDir === '') files.unshift(path.join(dir, '.git', 'info', 'exclude'));
    const texts = await Promise.all(files.map((file) => readFile(file, 'utf8').catch(() => '')));
    const present = texts.filter((text) => text.trim() !== '');
    return present.length > 0 ? ignore().add(present.join('\n')) : null;
  }
}

// ---------------------------------------------------------------------------------------------
// The walk

export interface WalkEntry {
  absolute: string;
  /** Relative to the walk root, `/`-separated. */
  relative: string;
  name: string;
  isDirectory: boolean;
}

export interface WalkOptions {
  root: string;
  /**
   * Where ignore-file rules start to apply (the project's worktree when the root lies in it):
   * `.gitignore` files between it and the root count too. Defaults to the root. When the root
   * itself is ignored there (the model asked for `node_modules/x` by name), the root becomes
   * the anchor, as ripgrep searches a path it was given explicitly.
   */
  ignoreAnchor?: string;
  /** Honour `.gitignore`/`.ignore` files (default true). `.git` is always skipped. */
  respectIgnoreFiles?: boolean;
  /** Skips an entry (and, for a directory, all below it) when true. */
  skip?: (entry: WalkEntry) => boolean;
  /**
   * Enter symlinked directories too (default false). Each real directory is entered once, so a
   * link back up the tree cannot loop.
   */
  followSymlinks?: boolean;
  signal?: AbortSignal;
}

/**
 * Yields every file below `root`, breadth first, names sorted within a directory. Symlinks to
 * files are yielded; symlinked directories are not followed (no cycles, no escaping the root)
 * unless `followSymlinks` asks for it. Unreadable directories are passed over.
 */
export async function* walkFiles(options: WalkOptions): AsyncGenerator<WalkEntry> {
  const root = options.root;
  const respect = options.respectIgnoreFiles ?? true;
  const ignoreFiles = respect ? await chooseIgnoreFiles(root, options.ignoreAnchor) : undefined;
  const prefix = ignoreFiles ? toPosix(path.relative(ignoreFiles.anchor, root)) : '';
  const queue: string[] = [''];
  const entered = new Set<string>();
  while (queue.length > 0) {
    options.signal?.throwIfAborted();
    const relDir = queue.shift() as string;
    const dir = relDir === '' ? root : path.join(root, relDir);
    let dirents: Dirent[];
    try {
      if (options.followSymlinks) {
        const real = await realpath(dir);
        if (entered.has(real)) continue;
        entered.add(real);
      }
      dirents = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const dirent of dirents) {
      if (dirent.name === '.git') continue;
      const relative = relDir === '' ? dirent.name : `${relDir}/${dirent.name}`;
      const absolute = path.join(dir, dirent.name);
      let isDirectory = dirent.isDirectory();
      let isFile = dirent.isFile();
      if (dirent.isSymbolicLink()) {
        const target = await stat(absolute).catch(() => undefined);
        isFile = target?.isFile() ?? false;
        isDirectory = Boolean(options.followSymlinks && target?.isDirectory());
      }
      if (!isDirectory && !isFile) continue;
      const entry: WalkEntry = { absolute, relative, name: dirent.name, isDirectory };
      if (options.skip?.(entry)) continue;
      if (ignoreFiles) {
        const fromAnchor = prefix === '' ? relative : `${prefix}/${relative}`;
        if (await ignoreFiles.isIgnored(fromAnchor, isDirectory)) continue;
      }
      if (isDirectory) queue.push(relative);
      else yield entry;
    }
  }
}

async function chooseIgnoreFiles(root: string, anchor: string | undefined): Promise<IgnoreFiles> {
  const rel = anchor === undefined ? undefined : relativeInside(anchor, root);
  if (!anchor || !rel) return new IgnoreFiles(root);
  const fromAnchor = new IgnoreFiles(anchor);
  // Judge every directory from the anchor down to the root: an ignored one re-anchors the walk.
  const parts = rel.split('/');
  for (let i = 1; i <= parts.length; i++) {
    if (await fromAnchor.isIgnored(parts.slice(0, i).join('/'), true)) return new IgnoreFiles(root);
  }
  return fromAnchor;
}

// ---------------------------------------------------------------------------------------------
// Globbing a directory

/**
 * The files below `root` whose path relative to it matches `glob` as a whole, the way a shell
 * (and the reference's `Bun.Glob`) reads it: `*.md` only at the top, `docs/**\/*.md` at any
 * depth. Unlike {@link createGlobMatcher}, a glob without `/` does not match in subdirectories.
 * Ignore files are not consulted (the caller named these files); directories that cannot lead
 * to a match are not entered. Returns absolute paths sorted by their relative path.
 */
export async function globFiles(
  root: string,
  glob: string,
  options: { signal?: AbortSignal; followSymlinks?: boolean } = {},
): Promise<string[]> {
  const matches = globToRegExp(glob);
  const canHoldMatches = directoryFilter(glob);
  const found: Array<{ absolute: string; relative: string }> = [];
  const walk = walkFiles({
    root,
    respectIgnoreFiles: false,
    skip: (entry) => entry.isDirectory && !canHoldMatches(entry.relative),
    followSymlinks: options.followSymlinks,
    signal: options.signal,
  });
  for await (const entry of walk) {
    if (matches.test(entry.relative)) found.push(entry);
  }
  found.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  return found.map((entry) => entry.absolute);
}

/**
 * Whether a directory (relative path) may hold matches of `glob`: its names must match the
 * glob's directory segments up to the first `**`, and without `**` it must not be deeper than
 * they are. When a `/` sits inside braces (`{a,b/c}`) segments cannot be told apart and every
 * directory is entered.
 */
function directoryFilter(glob: string): (relativeDir: string) => boolean {
  const segments = splitSegments(glob);
  if (!segments) return () => true;
  const globstar = segments.findIndex((segment) => segment.includes('**'));
  const fixed = globstar === -1 ? segments.length - 1 : globstar;
  const patterns = segments.slice(0, fixed).map((segment) => globToRegExp(segment));
  return (relativeDir) => {
    const names = relativeDir.split('/');
    if (globstar === -1 && names.length > fixed) return false;
    return patterns.every((pattern, i) => i >= names.length || pattern.test(names[i]));
  };
}

/** `glob` split on the `/` outside braces; undefined when a `/` is inside braces. */
function splitSegments(glob: string): string[] | undefined {
  const segments: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '\\') i++;
    else if (ch === '{') depth++;
    else if (ch === '}' && depth > 0) depth--;
    else if (ch === '/') {
      if (depth > 0) return undefined;
      segments.push(glob.slice(start, i));
      start = i + 1;
    }
  }
  segments.push(glob.slice(start));
  return segments;
}
