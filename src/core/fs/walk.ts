import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Instance } from '../instance/instance';
import { globToRegExp } from './glob';
import { IgnoreRules } from './ignore-rules';
import { isInside, projectRoot, relativeInside } from './jail';

/**
 * The one directory walk of the server's file tools, instruction globbing and skill discovery:
 * breadth first, honouring `.gitignore`/`.ignore` files the way ripgrep does (through the same
 * `IgnoreRules` as the file index), and never leaving its root unless asked to follow links.
 */

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
 * Yields every file below `root`, breadth first, names sorted within a directory. Unless
 * `followSymlinks` asks for it, the walk stays in its root: symlinked directories are not
 * followed (no cycles) and a symlink to a file is yielded only when the file lies in the root too
 * (a link in the project to `~/.ssh/id_rsa` must not let `grep` read it unasked). Unreadable
 * directories are passed over.
 */
export async function* walkFiles(options: WalkOptions): AsyncGenerator<WalkEntry> {
  const root = options.root;
  const respect = options.respectIgnoreFiles ?? true;
  const rules = respect ? await chooseIgnoreRules(root, options.ignoreAnchor) : undefined;
  const prefix = rules ? (relativeInside(rules.root, root) ?? '') : '';
  const fromAnchor = (relative: string) =>
    prefix === '' ? relative : relative === '' ? prefix : `${prefix}/${relative}`;
  let realRoot: Promise<string | undefined> | undefined;
  const staysInside = async (link: string) => {
    realRoot ??= realpath(root).catch(() => undefined);
    const [inRoot, target] = await Promise.all([realRoot, realpath(link).catch(() => undefined)]);
    return inRoot !== undefined && target !== undefined && isInside(inRoot, target);
  };
  const queue: string[] = [''];
  const entered = new Set<string>();
  while (queue.length > 0) {
    options.signal?.throwIfAborted();
    const relDir = queue.shift() as string;
    const dir = relDir === '' ? root : path.join(root, relDir);
    let dirents: Dirent[];
    try {
      // Read ahead, so that judging the entries never blocks on a rule file.
      await rules?.load(fromAnchor(relDir));
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
        if (isFile && !options.followSymlinks && !(await staysInside(absolute))) continue;
      }
      if (!isDirectory && !isFile) continue;
      const entry: WalkEntry = { absolute, relative, name: dirent.name, isDirectory };
      if (options.skip?.(entry)) continue;
      if (rules?.isIgnored(fromAnchor(relative), isDirectory)) continue;
      if (isDirectory) queue.push(relative);
      else yield entry;
    }
  }
}

/**
 * Where `.gitignore` rules for a walk of `dir` start: the project root when `dir` lies in it (so
 * the root's `.gitignore` applies to a subdirectory search), else `dir` itself.
 */
export function ignoreAnchorFor(instance: Instance, dir: string): string {
  const root = projectRoot(instance);
  return isInside(root, dir) ? root : dir;
}

async function chooseIgnoreRules(root: string, anchor: string | undefined): Promise<IgnoreRules> {
  const rel = anchor ? relativeInside(anchor, root) : undefined;
  // No anchor, the root itself, or a root outside it: the root's own rules.
  if (!anchor || !rel) return new IgnoreRules(root);
  const fromAnchor = new IgnoreRules(anchor);
  // Judge every directory from the anchor down to the root: an ignored one re-anchors the walk.
  const parts = rel.split('/');
  for (let i = 1; i <= parts.length; i++) {
    await fromAnchor.load(parts.slice(0, i - 1).join('/'));
    if (fromAnchor.isIgnored(parts.slice(0, i).join('/'), true)) return new IgnoreRules(root);
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
