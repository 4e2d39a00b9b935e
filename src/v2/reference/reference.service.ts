import { Injectable } from '@nestjs/common';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { projectConfigFile } from '../../config/config-loader';
import { ConfigService } from '../../config/config.service';
import type { ConfigInput } from '../../config/config.schema';
import { AppEnvironment } from '../../core/config/app-environment';
import type { Instance } from '../../core/instance/instance';
import type { ReferenceInfoDto, ReferenceSource } from './dto/reference.dto';
import { isValidBranch, parseRepository, repositoryCachePath } from './repository-ref';

type ReferenceEntry = NonNullable<ConfigInput['references']>[string];

/**
 * The references of a location: the entries of config `references`, as the reference server
 * reads them. A string starting with `.`, `/` or `~`, or an object with `path`, is a local
 * directory; anything else a git repository, listed with the path of its clone under the data
 * directory (`repos/<host>/<path>[@branch]`). Entries with a name the reference refuses (empty,
 * or with `/`, whitespace, a backtick or a comma), an unparseable or local (`file:`) repository,
 * or an invalid branch are left out.
 *
 * Relative local paths are taken from the directory of the project's config file (the reference
 * uses the directory of whichever config file holds the entry; the merged config does not say).
 * Cloning a git reference is not done here: the path is where its clone belongs.
 */
@Injectable()
export class ReferenceService {
  constructor(
    private readonly config: ConfigService,
    private readonly env: AppEnvironment,
  ) {}

  async list(instance: Instance): Promise<ReferenceInfoDto[]> {
    const references = (await this.config.get(instance)).references ?? {};
    const baseDir = dirname(await projectConfigFile(instance.directory, instance.worktree));
    const result: ReferenceInfoDto[] = [];
    for (const [name, entry] of Object.entries(references)) {
      if (!isValidName(name)) continue;
      const info = this.toReference(name, entry, baseDir);
      if (info) result.push(info);
    }
    return result;
  }

  private toReference(
    name: string,
    entry: ReferenceEntry,
    baseDir: string,
  ): ReferenceInfoDto | undefined {
    const extras = typeof entry === 'string' ? {} : describe(entry);
    const target = targetOf(entry);
    if ('path' in target) {
      const path = this.localPath(baseDir, target.path);
      return { name, path, ...extras, source: { type: 'local', path, ...extras } };
    }
    const { repository, branch } = target;
    const parsed = parseRepository(repository);
    if (!parsed || (branch !== undefined && !isValidBranch(branch))) return undefined;
    const source: ReferenceSource = {
      type: 'git',
      repository,
      ...(branch !== undefined && { branch }),
      ...extras,
    };
    const path = repositoryCachePath(join(this.env.paths.data, 'repos'), parsed, branch);
    return { name, path, ...extras, source };
  }

  private localPath(baseDir: string, path: string): string {
    if (path.startsWith('~/')) return join(this.env.paths.home, path.slice(2));
    return isAbsolute(path) ? path : resolve(baseDir, path);
  }
}

/** A string names a local directory when it starts with `.`, `/` or `~`, else a repository. */
function targetOf(
  entry: ReferenceEntry,
): { path: string } | { repository: string; branch?: string } {
  if (typeof entry !== 'string') return entry;
  return /^[./~]/.test(entry) ? { path: entry } : { repository: entry };
}

function isValidName(name: string): boolean {
  return name.length > 0 && !/[/\s`,]/.test(name);
}

function describe(entry: { description?: string; hidden?: boolean }): {
  description?: string;
  hidden?: boolean;
} {
  return {
    ...(entry.description !== undefined && { description: entry.description }),
    ...(entry.hidden !== undefined && { hidden: entry.hidden }),
  };
}
