import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BusService } from '../bus/bus.service';
import { errorMessage } from '../errors/error-message';
import { BadRequestError } from '../errors/named-error';
import { Instance } from './instance';
import { detectProject } from './project-detector';
import { ProjectRepository } from './project.repository';

/**
 * Owns one `Instance` per project directory: created on the first request that names the
 * directory, shared by every request after, and disposed on demand or at shutdown.
 */
@Injectable()
export class InstanceService implements OnModuleDestroy {
  private readonly logger = new Logger(InstanceService.name);
  /** By the directory a request named (absolute, as given: symlinks not resolved). */
  private readonly instances = new Map<string, Promise<Instance>>();
  /** The same, once created: what every request after the first is handed synchronously. */
  private readonly ready = new Map<string, Instance>();
  /**
   * The real directory each key of `instances` resolved to. A directory reached through a symlink
   * shares the instance of its real path; disposing either must forget both.
   */
  private readonly realDirectories = new Map<string, string>();
  /** Called with each new instance: work that lives as long as it (watching its git branch). */
  private readonly createdListeners: Array<(instance: Instance) => void> = [];

  constructor(
    private readonly bus: BusService,
    private readonly projects: ProjectRepository,
  ) {}

  /** The instance of `directory`; a directory that does not exist is a 400. */
  async resolve(directory: string): Promise<Instance> {
    const requested = resolve(directory);
    const cached = this.instances.get(requested);
    if (cached) return cached;
    const creating = this.create(requested);
    this.instances.set(requested, creating);
    void creating.then(
      (instance) => {
        this.realDirectories.set(requested, instance.directory);
        this.ready.set(requested, instance);
      },
      // A failed creation must not poison the cache: the next request tries again.
      () => this.instances.delete(requested),
    );
    return creating;
  }

  /**
   * The instance of `directory` when it has been created already, without waiting: the request
   * pipeline's fast path (`resolve` answers the others, and creates).
   */
  created(directory: string): Instance | undefined {
    return this.ready.get(directory) ?? this.ready.get(resolve(directory));
  }

  /**
   * Calls `listener` with every instance created from now on, before any request uses it. The
   * listener starts its work and returns; what it starts is closed by the instance's disposers.
   */
  onCreated(listener: (instance: Instance) => void): void {
    this.createdListeners.push(listener);
  }

  /** Disposes the instance of `directory`, if there is one; the next request recreates it. */
  async dispose(directory: string): Promise<void> {
    const creating = this.instances.get(resolve(directory));
    const instance = await creating?.catch(() => undefined);
    // Someone else disposed it while this call waited: it has published already.
    if (!instance || instance.disposed) return;
    for (const [key, real] of this.realDirectories) {
      if (real !== instance.directory) continue;
      this.instances.delete(key);
      this.ready.delete(key);
      this.realDirectories.delete(key);
    }
    await instance.dispose(this.logger);
    this.bus.publish(instance, 'server.instance.disposed', { directory: instance.directory });
  }

  /**
   * Disposes every instance (each publishes `server.instance.disposed`); the next request of a
   * directory starts a new one. One failing disposal does not stop the others.
   */
  async disposeAll(): Promise<void> {
    const directories = [...this.instances.keys()];
    await Promise.allSettled(directories.map((directory) => this.dispose(directory)));
  }

  /**
   * Disposes every instance at shutdown while the bus and the database are still up (they close
   * in later lifecycle phases), so open `/event` streams end with `server.instance.disposed`.
   */
  async onModuleDestroy(): Promise<void> {
    await this.disposeAll();
  }

  private async create(requested: string): Promise<Instance> {
    const info = await stat(requested).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new BadRequestError(`Directory does not exist: ${requested}`, 'Query', 'directory');
    }
    const real = await realpath(requested);
    // One instance per real directory, whatever path led to it.
    if (real !== requested) return this.resolve(real);
    const project = await detectProject(real);
    this.projects.touch(project);
    this.logger.debug(`instance created for ${real} (project ${project.id})`);
    const instance = new Instance(real, project);
    for (const listener of this.createdListeners) {
      try {
        listener(instance);
      } catch (error) {
        this.logger.warn(`starting work for ${real} failed: ${errorMessage(error)}`);
      }
    }
    return instance;
  }
}
