import { existsSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { globToRegExp } from '../fs/glob';
import { globFiles } from '../fs/walk';
import { createShell } from './bun-shell';

/**
 * What plugins and custom tools written for Bun commonly use of it, on Node: `Bun.file`,
 * `Bun.write`, `Glob` and `$`. It is served both as the module `bun` (`import { Glob } from
 * "bun"`) and as the `Bun` variable of the plugin code (see `module-loader.ts` for why that is
 * not a global). Anything else (`bun:sqlite`, `Bun.serve`, `Bun.spawn`) is absent, so a plugin
 * needing it fails to load or to run with a clear "not a function" error.
 */

type PathLike = string | URL;

/** Bun's lazy file handle: nothing is read until asked. */
export class BunFile {
  readonly name: string;

  constructor(file: PathLike) {
    this.name = toPath(file);
  }

  /** The size in bytes; 0 when the file does not exist (as Bun answers). */
  get size(): number {
    try {
      return statSync(this.name).size;
    } catch {
      return 0;
    }
  }

  get type(): string {
    return this.name.endsWith('.json')
      ? 'application/json;charset=utf-8'
      : 'text/plain;charset=utf-8';
  }

  async text(): Promise<string> {
    return readFile(this.name, 'utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await readFile(this.name));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.bytes()).buffer as ArrayBuffer;
  }

  async exists(): Promise<boolean> {
    return stat(this.name).then(
      (info) => info.isFile(),
      () => false,
    );
  }

  write(data: WritableData): Promise<number> {
    return write(this, data);
  }

  async delete(): Promise<void> {
    await unlink(this.name);
  }
}

type WritableData = string | ArrayBuffer | ArrayBufferView | Blob | Response | BunFile;

export function file(target: PathLike): BunFile {
  return new BunFile(target);
}

/**
 * Writes `data` to `destination`, creating missing parent directories as Bun does; resolves to
 * the number of bytes written.
 */
export async function write(destination: PathLike | BunFile, data: WritableData): Promise<number> {
  const target = destination instanceof BunFile ? destination.name : toPath(destination);
  const bytes = await toBytes(data);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, bytes);
  return bytes.byteLength;
}

async function toBytes(data: WritableData): Promise<Uint8Array> {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof BunFile) return data.bytes();
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(await data.arrayBuffer());
}

function toPath(file: PathLike): string {
  return file instanceof URL ? fileURLToPath(file) : file;
}

export interface GlobScanOptions {
  /** Where to search; the server's cwd by default. */
  cwd?: string;
  /** Match names starting with `.` (default false, as Bun). */
  dot?: boolean;
  /** Yield absolute paths rather than paths relative to `cwd`. */
  absolute?: boolean;
  followSymlinks?: boolean;
}

/**
 * Bun's `Glob`: `match()` tests a path, `scan()` / `scanSync()` list the files below a directory
 * matching the whole relative path (`*.md` only at the top, `**\/*.md` at any depth). Only files
 * are listed (Bun's default `onlyFiles`); `.git` directories are never entered.
 */
export class Glob {
  private readonly pattern: RegExp;

  constructor(private readonly glob: string) {
    this.pattern = globToRegExp(glob);
  }

  match(candidate: string): boolean {
    return this.pattern.test(candidate.split(path.sep).join('/'));
  }

  async *scan(options: GlobScanOptions | string = {}): AsyncGenerator<string> {
    const { cwd, dot, absolute, followSymlinks } = scanOptions(options);
    const found = await globFiles(cwd, this.glob, { followSymlinks });
    for (const match of found) {
      const relative = path.relative(cwd, match).split(path.sep).join('/');
      if (!dot && hidesDotfile(relative, this.glob)) continue;
      yield absolute ? match : relative;
    }
  }

  *scanSync(options: GlobScanOptions | string = {}): Generator<string> {
    const { cwd, dot, absolute, followSymlinks } = scanOptions(options);
    for (const relative of listFilesSync(cwd, '', followSymlinks, new Set())) {
      if (!this.pattern.test(relative)) continue;
      if (!dot && hidesDotfile(relative, this.glob)) continue;
      yield absolute ? path.join(cwd, relative) : relative;
    }
  }
}

function scanOptions(options: GlobScanOptions | string): Required<GlobScanOptions> {
  const given = typeof options === 'string' ? { cwd: options } : options;
  return {
    cwd: path.resolve(given.cwd ?? process.cwd()),
    dot: given.dot ?? false,
    absolute: given.absolute ?? false,
    followSymlinks: given.followSymlinks ?? false,
  };
}

/** A path with a `.name` segment the glob does not spell out (`**` never matches dotfiles). */
function hidesDotfile(relative: string, glob: string): boolean {
  const globSegments = glob.split('/');
  return relative
    .split('/')
    .some((segment, i) => segment.startsWith('.') && !globSegments[i]?.startsWith('.'));
}

function* listFilesSync(
  root: string,
  relDir: string,
  followSymlinks: boolean,
  entered: Set<string>,
): Generator<string> {
  let dirents: Dirent[];
  try {
    dirents = readdirSync(path.join(root, relDir), { withFileTypes: true });
  } catch {
    return;
  }
  dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const dirent of dirents) {
    if (dirent.name === '.git') continue;
    const relative = relDir === '' ? dirent.name : `${relDir}/${dirent.name}`;
    const absolute = path.join(root, relative);
    let isDirectory = dirent.isDirectory();
    let isFile = dirent.isFile();
    if (dirent.isSymbolicLink() && existsSync(absolute)) {
      const target = statSync(absolute);
      isFile = target.isFile();
      isDirectory = followSymlinks && target.isDirectory();
    }
    if (isFile) yield relative;
    else if (isDirectory) {
      const real = statSync(absolute);
      const key = `${real.dev}:${real.ino}`;
      if (entered.has(key)) continue;
      entered.add(key);
      yield* listFilesSync(root, relative, followSymlinks, entered);
    }
  }
}

export const $ = createShell();

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The `Bun` object plugin code sees, and the exports of the module `bun`. */
export const bunShim = Object.freeze({ file, write, Glob, $, sleep });

/** `import Bun from "bun"` and `import { Glob } from "bun"` both work. */
export const bunModule = Object.freeze({ ...bunShim, default: bunShim });
