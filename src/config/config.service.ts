import { Injectable, Logger } from '@nestjs/common';
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BusService } from '../core/bus/bus.service';
import { AppEnvironment } from '../core/config/app-environment';
import { BadRequestError, NamedError } from '../core/errors/named-error';
import type { Instance } from '../core/instance/instance';
import { writeFileAtomic } from '../core/fs/atomic-write';
import { globalConfigFile, loadConfig, loadGlobalConfig, projectConfigFile } from './config-loader';
import { describeIssue } from '../core/zod-issues';
import { parseConfigSource, SubstitutionContext } from './config-source';
import { applyConfigPatch, isPlainObject } from './config-writer';
import type { Config, ConfigInput } from './config.schema';
import { ConfigSchema } from './config.schema';
import type { MarkdownProblem } from './markdown';

const CONFIG_STATE = Symbol('config');
/** How stale a cached config may get before its files are checked for changes again. */
const REVALIDATE_MS = 500;

/**
 * The merged, validated config of a project directory (see `loadConfig` for the layers and their
 * order), and the global config files alone. Cached per instance (and once for the global
 * files); `PATCH /config` and `PATCH /global/config` drop the caches they affect at once, and an
 * edit of any config file (or agent/command markdown file) is noticed within half a second by
 * comparing the files' stat data, without a watcher.
 */
@Injectable()
export class ConfigService {
  private readonly logger = new Logger('Config');
  /** Writes of one file, one after the other, so two concurrent PATCHes both land. */
  private readonly writes = new Map<string, Promise<unknown>>();
  /** The global config files alone (`GET /global/config`). */
  private readonly globalCache = new ConfigCache<ConfigInput>((watched) =>
    this.logFailure(loadGlobalConfig(this.env.paths.config, this.context(), watched)),
  );
  /**
   * Bumped by `PATCH /global/config`: every instance's merged config holds the global layer, so
   * each cache loaded before the bump is dropped on its next read.
   */
  private globalGeneration = 0;

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
    await this.writePatch(file, changes);
    this.state(instance).invalidate();
    this.bus.publish(instance, 'config.updated', { path: file });
    return this.get(instance);
  }

  /**
   * The global config files alone (`config.json`, `opencode.json`, `opencode.jsonc` of the global
   * config directory, merged), without defaults or any other layer: `{}` when there are none.
   * A broken file is a 400 naming it, as for `get`.
   * Deliberate difference: the reference answers `{}` for a broken global file (and logs it), so
   * a client cannot tell it from an empty config.
   */
  async getGlobal(): Promise<ConfigInput> {
    return this.globalCache.get();
  }

  /**
   * As `update`, on the global config file (the one that wins; `opencode.jsonc` is created when
   * there is none): same validation, in-place JSONC edit and atomic write. Every instance's
   * merged config is reloaded on its next read, and `config.updated` is published server-wide
   * (on `/global/event`, where clients refetch the global config).
   * Deliberate difference: the reference disposes every instance after such a write; the caches
   * are dropped instead, as `PATCH /config` does for its project.
   */
  async updateGlobal(patch: unknown): Promise<ConfigInput> {
    const changes = validatePatch(patch);
    const file = await globalConfigFile(this.env.paths.config);
    await this.writePatch(file, changes);
    this.globalCache.invalidate();
    this.globalGeneration++;
    this.bus.publish(undefined, 'config.updated', { path: file });
    return this.getGlobal();
  }

  /**
   * Merges `changes` into `file` (JSONC edited in place, so comments and untouched keys survive),
   * checks that the result is a valid config file, and replaces the file atomically, keeping its
   * mode. Writes of one file run one after the other.
   */
  private async writePatch(file: string, changes: ConfigInput): Promise<void> {
    await this.serialize(file, async () => {
      const current = await readFile(file, 'utf8').catch(() => '');
      const mode = (await stat(file).catch(() => undefined))?.mode;
      const next = applyConfigPatch(current, changes);
      await parseConfigSource({ path: file, text: next, baseDir: dirname(file) }, this.context());
      await writeFileAtomic(file, next, mode !== undefined ? mode & 0o777 : 0o644);
    });
    this.logger.log(`config updated: ${file}`);
  }

  private state(instance: Instance): ConfigCache<Config> {
    const cache = instance.getOrCreate(CONFIG_STATE, () => ({
      generation: this.globalGeneration,
      config: new ConfigCache((watched) => this.load(instance, watched)),
    }));
    if (cache.generation !== this.globalGeneration) {
      cache.generation = this.globalGeneration;
      cache.config.invalidate();
    }
    return cache.config;
  }

  private async load(instance: Instance, watched: string[]): Promise<Config> {
    const problems: MarkdownProblem[] = [];
    try {
      return await this.logFailure(
        loadConfig(
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
        ),
      );
    } finally {
      for (const problem of problems) {
        this.logger.warn(`skipped ${problem.path}: ${problem.message}`);
      }
    }
  }

  /** Logs why a config source is broken (the cache then keeps the failure until it changes). */
  private async logFailure<T>(loading: Promise<T>): Promise<T> {
    try {
      return await loading;
    } catch (error) {
      if (error instanceof NamedError) this.logger.warn(`${error.name}: ${error.message}`);
      throw error;
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

interface CacheEntry<T> {
  config: Promise<T>;
  /** Paths whose stat data the config depends on, filled while loading. */
  watched: string[];
  /** Their stat data once loading settled. */
  fingerprint: Promise<string>;
  checkedAt: number;
}

/** A config (an instance's, or the global files'): loaded once, reloaded when invalidated or when its files change. */
class ConfigCache<T> {
  private entry: CacheEntry<T> | undefined;
  private revalidation: Promise<void> | undefined;

  constructor(private readonly load: (watched: string[]) => Promise<T>) {}

  async get(): Promise<T> {
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

  private start(): CacheEntry<T> {
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
