import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BusService } from '../bus/bus.service';
import { BadRequestError } from '../errors/named-error';
import { Instance } from './instance';
import { detectProject } from './project-detector';
import { ProjectRepository } from './project.repository';

/**
 * Owns one `Instance` per project directory: created on the first request that names the
 * directory, shared by every request after, and disposed on demand or at shutdown.
 */
@Injectable()
export class InstanceService implements OnApplicationShutdown {
  private readonly logger = new Logger(InstanceService.name);
  private readonly instances = new Map<string, Promise<Instance>>();

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
    // A failed creation must not poison the cache: the next request tries again.
    creating.catch(() => this.instances.delete(requested));
    return creating;
  }

  /** Disposes the instance of `directory`, if there is one; the next request recreates it. */
  async dispose(directory: string): Promise<void> {
    const creating = this.instances.get(resolve(directory));
    if (!creating) return;
    this.instances.delete(resolve(directory));
    const instance = await creating;
    await instance.dispose(this.logger);
    this.bus.publish(instance, 'server.instance.disposed', { directory: instance.directory });
  }

  async onApplicationShutdown(): Promise<void> {
    const directories = [...this.instances.keys()];
    await Promise.allSettled(directories.map((directory) => this.dispose(directory)));
  }

  private async create(directory: string): Promise<Instance> {
    const info = await stat(directory).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new BadRequestError(`Directory does not exist: ${directory}`, 'Query', 'directory');
    }
    const real = await realpath(directory);
    const project = await detectProject(real);
    this.projects.touch(project);
    this.logger.debug(`instance created for ${real} (project ${project.id})`);
    return new Instance(real, project);
  }
}
