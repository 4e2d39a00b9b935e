import { Injectable } from '@nestjs/common';
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { BadRequestError, NotFoundError } from '../../core/errors/named-error';
import type { Instance } from '../../core/instance/instance';
import { mimeTypeOf } from '../../file/engine/file-reader';
import type { ProjectFiles } from '../../file/engine/project-files';
import { toNamedFileError } from '../../file/file.errors';
import { ProjectFilesRegistry } from '../../file/project-files.registry';
import type { FileSystemEntryDto, FsFindQueryDto } from './dto/fs.dto';

/** The reference's default number of `find` answers. */
export const DEFAULT_FIND_LIMIT = 50;
/** Bytes looked at to tell text from binary when the extension does not say. */
const SNIFF_BYTES = 8192;
const OCTET_STREAM = 'application/octet-stream';
/** Text formats worth naming; any other text is served as plain text. */
const TEXT_TYPES: Readonly<Record<string, string>> = {
  md: 'text/markdown; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** One file's bytes, streamed. */
export interface FileStream {
  stream: Readable;
  contentType: string;
  size: number;
}

/**
 * `/api/fs/*`: the files of a location, through the location's file engine (the one the classic
 * `/file` and `/find` routes use: jail, ignore-aware index, lister). Paths are relative to the
 * location directory (absolute ones must lie inside it), and every path is resolved with its
 * symlinks before use: one leading outside is a 403, a missing one a 404. The reference answers a
 * 500 for all of these refusals.
 */
@Injectable()
export class FileSystemService {
  constructor(private readonly projects: ProjectFilesRegistry) {}

  /**
   * Fuzzy-ranked files and directories (ignore rules honoured, `.git` skipped), best first.
   * Deliberate difference: the reference also offers the location itself as `/`.
   */
  async find(instance: Instance, query: FsFindQueryDto): Promise<FileSystemEntryDto[]> {
    const files = await this.projects.started(instance);
    return files.index
      .search(query.query, { type: query.type, limit: query.limit ?? DEFAULT_FIND_LIMIT })
      .map(toEntry);
  }

  /**
   * The direct children of a directory, directories first, then by name. Deliberate difference:
   * `.git/` is not listed (as on the classic `/file` route); the reference lists it.
   */
  async list(instance: Instance, userPath = ''): Promise<FileSystemEntryDto[]> {
    const files = await this.projects.files(instance);
    return guard(userPath, async () => {
      await expectDirectory(files, userPath);
      const nodes = await files.lister.list(userPath);
      return nodes.map((node) => toEntry(node.type === 'directory' ? `${node.path}/` : node.path));
    });
  }

  /**
   * A file's bytes, streamed from one open file handle (checked and read through the same
   * handle, so the file cannot be swapped in between). Its type comes from the extension for
   * known binary formats; otherwise text is plain text (Markdown and JSON named as such) and
   * anything with a NUL byte up front is `application/octet-stream`.
   * Deliberate difference: the reference names types by extension only (`.ts` is `video/mp2t`,
   * `.html` `text/html`); serving a project's HTML or scripts as active content from the API's
   * origin would let them call the API.
   */
  async read(instance: Instance, userPath: string): Promise<FileStream> {
    const files = await this.projects.files(instance);
    return guard(userPath, async () => {
      const resolved = await files.jail.resolve(userPath);
      if (!resolved.exists) throw new NotFoundError(`File not found: ${userPath}`);
      // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
      const handle = await open(resolved.real, constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        const info = await handle.stat();
        if (!info.isFile()) {
          throw new BadRequestError(`Path is not a file: ${userPath}`, 'Params', 'path');
        }
        const head = Buffer.alloc(Math.min(SNIFF_BYTES, info.size));
        await handle.read(head, 0, head.length, 0);
        const stream = handle.createReadStream({ start: 0 });
        return { stream, contentType: contentTypeOf(resolved.real, head), size: info.size };
      } catch (error) {
        await handle.close();
        throw error;
      }
    });
  }
}

async function expectDirectory(files: ProjectFiles, userPath: string): Promise<void> {
  const resolved = await files.jail.resolve(userPath);
  if (!resolved.exists) throw new NotFoundError(`Directory not found: ${userPath}`);
  if (!(await stat(resolved.real)).isDirectory()) {
    throw new BadRequestError(`Path is not a directory: ${userPath}`, 'Query', 'path');
  }
}

function toEntry(relative: string): FileSystemEntryDto {
  return { path: relative, type: relative.endsWith('/') ? 'directory' : 'file' };
}

/** File engine failures (outside the location, missing, unreadable) as named HTTP errors. */
async function guard<T>(userPath: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toNamedFileError(error, userPath);
  }
}

function contentTypeOf(file: string, head: Buffer): string {
  const known = mimeTypeOf(file);
  if (known !== OCTET_STREAM) return known;
  if (head.includes(0)) return OCTET_STREAM;
  const extension = path.extname(file).slice(1).toLowerCase();
  return TEXT_TYPES[extension] ?? 'text/plain; charset=utf-8';
}
