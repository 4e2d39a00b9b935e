import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { BusService } from '../core/bus/bus.service';
import type { Instance } from '../core/instance/instance';
import { ProjectFiles } from './engine/project-files';

const PROJECT_FILES = Symbol('project-files');

/** One instance's file engine and its start-up (watch + first index walk). */
interface Entry {
  files: Promise<ProjectFiles>;
  started: Promise<ProjectFiles>;
}

/**
 * Owns the file engine (`ProjectFiles`) of every instance: created on the first file or search
 * request of a directory, which also starts its watcher and index walk in the background, and
 * closed when the instance is disposed. Watcher events are published as `file.watcher.updated`
 * for that instance. Other areas reach the engine through here, never by building their own
 * (one watcher per directory).
 */
@Injectable()
export class ProjectFilesRegistry {
  private readonly logger = new Logger('Files');

  constructor(
    private readonly config: ConfigService,
    private readonly bus: BusService,
  ) {}

  /** The engine for listing, reading and git status; its watcher may still be starting. */
  files(instance: Instance): Promise<ProjectFiles> {
    return this.entry(instance).files;
  }

  /** The engine once its index is complete and the watcher keeps it current: for searches. */
  started(instance: Instance): Promise<ProjectFiles> {
    return this.entry(instance).started;
  }

  private entry(instance: Instance): Entry {
    return instance.getOrCreate(
      PROJECT_FILES,
      () => this.open(instance),
      async (entry) => {
        // Closing a watcher that is still starting would leave its start-up waiting forever.
        const files = await entry.started.catch(() => entry.files);
        await files.close();
      },
    );
  }

  private open(instance: Instance): Entry {
    const files = this.create(instance);
    const started = files.then(async (engine) => {
      await engine.start();
      // A request that raced the instance's disposal created this after the disposers ran:
      // nobody would close the watcher later, so it stops now (the index stays usable).
      if (instance.disposed) await engine.close();
      return engine;
    });
    started.catch((error: unknown) =>
      this.logger.warn(`file index of ${instance.directory} failed to start: ${String(error)}`),
    );
    return { files, started };
  }

  private async create(instance: Instance): Promise<ProjectFiles> {
    const engine = new ProjectFiles(instance.directory, {
      watcherIgnore: await this.watcherIgnore(instance),
      onWatchError: (error) =>
        this.logger.warn(`file watcher of ${instance.directory}: ${error.message}`),
    });
    engine.watcher.subscribe((event) => this.bus.publish(instance, 'file.watcher.updated', event));
    return engine;
  }

  /**
   * The config's `watcher.ignore`, read once when the engine starts (as the reference does). A
   * broken config must not take file access down with it: the files are served without these
   * extra patterns, and `GET /config` reports the problem.
   */
  private async watcherIgnore(instance: Instance): Promise<string[]> {
    try {
      return (await this.config.get(instance)).watcher?.ignore ?? [];
    } catch (error) {
      this.logger.warn(
        `watcher.ignore of ${instance.directory} not applied, the config failed to load: ${String(error)}`,
      );
      return [];
    }
  }
}
