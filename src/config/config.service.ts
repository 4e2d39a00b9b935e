import { Injectable, Logger } from '@nestjs/common';
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BusService } from '../core/bus/bus.service';
import { AppEnvironment } from '../core/config/app-environment';
import { BadRequestError, NamedError } from '../core/errors/named-error';
import type { Instance } from '../core/instance/instance';
import { writeFileAtomic } from './atomic-write';
import { loadConfig, projectConfigFile } from './config-loader';
import { describeIssue, parseConfigSource, SubstitutionContext } from './config-source';
import { applyConfigPatch, isPlainObject } from './config-writer';
import { Config, ConfigInput, ConfigSchema } from './config.schema';
import type { MarkdownProblem } from './markdown';
import './config.events';

const CONFIG_STATE = Symbol('config');
/** How stale a cached config may get before its files are checked for changes again. */
const REVALIDATE_MS = 500;

/**
 * The merged, validated config of a project directory (see `loadConfig` for the layers and their
 * order). Cached per instance; `PATCH /config` drops the cache at once, and an edit of any config
 * file (or agent/command markdown file) is noticed within half a second by comparing the files'
 * stat data, without a watcher.
 */
@Injectable()
export class ConfigService {
  private readonly logger = new Logger('Config');
  /** Writes of one file, one after the other, so two concurrent PATCHes both land. */
  private readonly writes = new Map<string, Promise<unknown>>();

  constructor(
    private readonly env: AppEnvironment,
    private readonly bus: BusService,
  ) {}

  /**
   * The merged config of the instance's directory. Throws `ConfigJsonError` /
   * `ConfigInvalidError` (400, naming the file, line and key) while a config source is broken.
   */
  async get(instance: Instance): Promise<Config> {
    return this.state(instance).get();
  }

  /**
   * Validates `patch` against the config schema, merges it into the project's config file
   * (creating `opencode.json` in the directory when the project has none), editing JSONC in place
   * so comments survive, and answers the new merged config. The file is written atomically and
   * only if the result is a valid config; then `config.updated` is published.
   */
  async update(instance: Instance, patch: unknown): Promise<Config> {
    const changes = validatePatch(patch);
    const file = await projectConfigFile(instance.directory, instance.worktree);
    await this.serialize(file, async () => {
      const current = await readFile(file, 'utf8').catch(() => '');
      const mode = (await stat(file).catch(() => undefined))?.mode;
      const next = applyConfigPatch(current, changes);
      await parseConfigSource({ path: file, text: next, baseDir: dirname(file) }, this.context());
      await writeFileAtomic(file, next, mode !== undefined ? mode & 0o777 : 0o644);
    });
    this.state(instance).invalidate();
    this.logger.log(`config updated: ${file}`);
    this.bus.publish(instance, 'config.updated', { path: file });
    return this.get(instance);
  }

  private state(instance: Instance): ConfigCache {
    return instance.getOrCreate(
      CONFIG_STATE,
      () => new ConfigCache((watched) => this.load(instance, watched)),
    );
  }

  private async load(instance: Instance, watched: string[]): Promise<Config> {
    const problems: MarkdownProblem[] = [];
    try {
      return await loadConfig(
        {
          globalDir: this.env.paths.config,
          configFile: this.env.configFile,
          configContent: this.env.configContent,
          directory: instance.directory,
          worktree: instance.worktree,
        },
        this.context(),
        problems,
        watched,
      );
    } catch (error) {
      if (error instanceof NamedError) this.logger.warn(`${error.name}: ${error.message}`);
      throw error;
    } finally {
      for (const problem of problems) {
        this.logger.warn(`skipped ${problem.path}: ${problem.message}`);
      }
    }
  }

  private context(): SubstitutionContext {
    return { variables: this.env.variables, home: this.env.paths.home };
  }

  private async serialize(file: string, write: () => Promise<void>): Promise<void> {
    const previous = this.writes.get(file) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(write);
    this.writes.set(file, next);
    try {
      await next;
    } finally {
      if (this.writes.get(file) === next) this.writes.delete(file);
    }
  }
}

function validatePatch(patch: unknown): ConfigInput {
  if (!isPlainObject(patch)) throw new BadRequestError('The body must be a config object', 'Body');
  const result = ConfigSchema.safeParse(patch);
  if (result.success) return result.data;
  const { path, message } = describeIssue(result.error.issues);
  const field = path.map(String).join('.');
  throw new BadRequestError(field ? `${field}: ${message}` : message, 'Body', field || undefined);
}

interface CacheEntry {
  config: Promise<Config>;
  /** Paths whose stat data the config depends on, filled while loading. */
  watched: string[];
  /** Their stat data once loading settled. */
  fingerprint: Promise<string>;
  checkedAt: number;
}

/** One instance's config: loaded once, reloaded when invalidated or when its files change. */
class ConfigCache {
  private entry: CacheEntry | undefined;
  private revalidation: Promise<void> | undefined;

  constructor(private readonly load: (watched: string[]) => Promise<Config>) {}

  async get(): Promise<Config> {
    if (this.entry && Date.now() - this.entry.checkedAt >= REVALIDATE_MS) {
      this.revalidation ??= this.revalidate().finally(() => {
        this.revalidation = undefined;
      });
      await this.revalidation;
    }
    this.entry ??= this.start();
    return this.entry.config;
  }

  invalidate(): void {
    this.entry = undefined;
  }

  private start(): CacheEntry {
    const watched: string[] = [];
    const loaded = this.load(watched);
    // The files' stat data is taken before anyone sees the result, so a file written right
    // after the answer (a client's next step) always reads as a change. A failed load is cached
    // too (until its files change): a broken file is reported once per change, not re-parsed
    // and re-logged on every request.
    const stamped = loaded.then(
      () => fingerprint(watched),
      () => fingerprint(watched),
    );
    return {
      config: stamped.then(() => loaded),
      watched,
      fingerprint: stamped,
      checkedAt: Date.now(),
    };
  }

  private async revalidate(): Promise<void> {
    const entry = this.entry;
    if (!entry) return;
    const before = await entry.fingerprint;
    entry.checkedAt = Date.now();
    const now = await fingerprint(entry.watched);
    if (now !== before && this.entry === entry) this.entry = undefined;
  }
}

async function fingerprint(paths: string[]): Promise<string> {
  const unique = [...new Set(paths)];
  const parts = await Promise.all(
    unique.map((path) =>
      stat(path).then(
        (info) => `${info.ino}:${info.mtimeMs}:${info.size}`,
        () => '-',
      ),
    ),
  );
  return parts.join('|');
}
