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

  /** Modified, added (untracked included) and deleted files with their line counts. */
  async status(instance: Instance): Promise<FileStatusDto[]> {
    const files = await this.projects.files(instance);
    return files.status.status();
  }
}
