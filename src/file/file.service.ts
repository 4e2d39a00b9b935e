import { Injectable } from '@nestjs/common';
import type { Instance } from '../core/instance/instance';
import type { FileContentDto } from './dto/file-content.dto';
import type { FileNodeDto } from './dto/file-node.dto';
import type { FileStatusDto } from './dto/file-status.dto';
import { toNamedFileError } from './file.errors';
import { ProjectFilesRegistry } from './project-files.registry';

/**
 * `/file*`: one directory's entries, one file's content, and the git status of the project, all
 * jailed to the request's project directory (symlinks resolved: anything that leads outside is
 * a 403 `ForbiddenPathError`, a missing path a 404).
 */
@Injectable()
export class FileService {
  /**
   * The JSON bytes of each answer of the file reader. It answers an unchanged file with the same
   * frozen object every time, so the bytes are encoded once per version of the file and live as
   * long as the reader remembers it: for a 100 KB file, encoding it again would be most of the
   * cost of the request (and of its garbage).
   */
  private readonly encoded = new WeakMap<FileContentDto, Buffer>();

  constructor(private readonly projects: ProjectFilesRegistry) {}

  async list(instance: Instance, path: string): Promise<FileNodeDto[]> {
    const files = await this.projects.files(instance);
    return files.lister.list(path).catch((error: unknown) => {
      throw toNamedFileError(error, path);
    });
  }

  async read(instance: Instance, path: string): Promise<FileContentDto> {
    const files = await this.projects.files(instance);
    return files.reader.read(path).catch((error: unknown) => {
      throw toNamedFileError(error, path);
    });
  }

  /** `read`'s answer as the JSON bytes `GET /file/content` sends. */
  async readJson(instance: Instance, path: string): Promise<Buffer> {
    const answer = await this.read(instance, path);
    let bytes = this.encoded.get(answer);
    if (!bytes) {
      bytes = Buffer.from(JSON.stringify(answer));
      if (Object.isFrozen(answer)) this.encoded.set(answer, bytes);
    }
    return bytes;
  }

  /** Modified, added (untracked included) and deleted files with their line counts. */
  async status(instance: Instance): Promise<FileStatusDto[]> {
    const files = await this.projects.files(instance);
    return files.status.status();
  }
}
