import { Injectable } from '@nestjs/common';
import { BusService, type EventSource } from '../core/bus/bus.service';
import { DirectoryAllowlist } from '../core/http/directory-allowlist';
import type { Instance } from '../core/instance/instance';
import { InstanceService } from '../core/instance/instance.service';
import { GLOBAL_PROJECT_ID } from '../core/instance/project-detector';
import {
  ProjectRepository,
  type ProjectChanges,
  type ProjectDirectory,
} from '../core/instance/project.repository';
import { runGit } from '../core/fs/git';
import { ProjectDto } from './dto/project.dto';
import { ProjectNotFoundError } from './project.errors';

/**
 * Where project-wide events go: not to one directory's `/event` stream but to `/global/event`,
 * under the directory `global`, as the reference sends them.
 */
const GLOBAL_DIRECTORY = 'global';

@Injectable()
export class ProjectService {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly bus: BusService,
    private readonly instances: InstanceService,
    private readonly allowlist: DirectoryAllowlist,
  ) {}

  /** Every project opened with this server that `--allow-dir` lets it serve, most recent first. */
  list(): ProjectDto[] {
    return this.projects.list().filter((project) => this.isVisible(project));
  }

  current(instance: Instance): ProjectDto {
    return this.projects.get(instance.projectID) ?? this.projects.touch(instance.project);
  }

  /**
   * Records that the instance's project was initialized (`/init` had the model study it and
   * write its AGENTS.md) and publishes `project.updated`.
   */
  markInitialized(instance: Instance): ProjectDto {
    if (!this.projects.get(instance.projectID)) this.projects.touch(instance.project);
    this.projects.markInitialized(instance.projectID);
    const project = this.current(instance);
    this.bus.publish(instance, 'project.updated', project);
    return project;
  }

  /** Sets the name, icon fields or commands given and publishes `project.updated`. */
  update(projectID: string, changes: ProjectChanges): ProjectDto {
    this.assertVisible(projectID);
    const project = this.projects.update(projectID, changes);
    if (!project) throw new ProjectNotFoundError(projectID);
    this.publishUpdated(project);
    return project;
  }

  /**
   * The checkouts of the project the server has opened (its worktree, linked worktrees), most
   * recent first. Deliberate difference: an unknown project is a 404, where the reference
   * answers an empty list.
   */
  directories(projectID: string): ProjectDirectory[] {
    this.assertVisible(projectID);
    return this.projects.directories(projectID);
  }

  /**
   * A project outside `--allow-dir` (neither its worktree nor a linked one inside) is unknown to
   * this server's clients: 404, as an id never seen. The `global` project (directories outside
   * any repository) names no directory of its own, so it stays.
   */
  private assertVisible(projectID: string): void {
    const project = this.projects.get(projectID);
    if (!project || !this.isVisible(project)) throw new ProjectNotFoundError(projectID);
  }

  /**
   * Whether what belongs to the project (its saved permissions) may be shown: always without
   * `--allow-dir`; with it, only for a known project with a directory inside the list.
   */
  isVisibleID(projectID: string): boolean {
    if (!this.allowlist.enabled || projectID === GLOBAL_PROJECT_ID) return true;
    const project = this.projects.get(projectID);
    return project !== undefined && this.isVisible(project);
  }

  private isVisible(project: ProjectDto): boolean {
    if (!this.allowlist.enabled || project.id === GLOBAL_PROJECT_ID) return true;
    return [project.worktree, ...project.sandboxes].some((path) => this.allowlist.allows(path));
  }

  /**
   * Makes the instance's directory a git repository when it is in none yet; the instance is then
   * started again (its `/event` streams end with `server.instance.disposed`) so that every area
   * sees the repository. Until its first commit the project keeps the `global` id, as in the
   * reference. In a repository already, nothing changes.
   */
  async initGit(instance: Instance): Promise<ProjectDto> {
    if (instance.project.vcs === 'git') return this.current(instance);
    const init = await runGit(instance.directory, ['init', '--quiet']);
    if (init.code !== 0) {
      throw new Error(`git init in ${instance.directory} failed: ${init.stderr.trim()}`);
    }
    await this.instances.dispose(instance.directory);
    const project = this.current(await this.instances.resolve(instance.directory));
    this.publishUpdated(project);
    return project;
  }

  /** Adds a linked worktree to the project; `project.updated` when it is new. */
  addSandbox(projectID: string, directory: string): void {
    const result = this.projects.addSandbox(projectID, directory);
    if (!result) return;
    this.projects.addDirectory(projectID, directory);
    if (result.changed) this.publishUpdated(result.project);
    this.bus.publish(this.globalSource(projectID), 'project.directories.updated', { projectID });
  }

  /** Forgets a linked worktree that was removed; `project.updated` when it was known. */
  removeSandbox(projectID: string, directory: string): void {
    const result = this.projects.removeSandbox(projectID, directory);
    if (!result) return;
    this.projects.removeDirectory(projectID, directory);
    if (result.changed) this.publishUpdated(result.project);
    this.bus.publish(this.globalSource(projectID), 'project.directories.updated', { projectID });
  }

  private publishUpdated(project: ProjectDto): void {
    this.bus.publish(this.globalSource(project.id), 'project.updated', project);
  }

  private globalSource(projectID: string): EventSource {
    return { directory: GLOBAL_DIRECTORY, projectID };
  }
}
