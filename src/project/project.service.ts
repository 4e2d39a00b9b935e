import { Injectable } from '@nestjs/common';
import { BusService } from '../core/bus/bus.service';
import type { Instance } from '../core/instance/instance';
import { ProjectRecord, ProjectRepository } from '../core/instance/project.repository';
import { ProjectDto } from './dto/project.dto';
import './project.events';

@Injectable()
export class ProjectService {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly bus: BusService,
  ) {}

  /** Every project opened with this server, most recently used first. */
  list(): ProjectDto[] {
    return this.projects.list().map(toDto);
  }

  current(instance: Instance): ProjectDto {
    const record = this.projects.get(instance.projectID) ?? this.projects.touch(instance.project);
    return toDto(record);
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
}

function toDto(record: ProjectRecord): ProjectDto {
  return { ...record, sandboxes: [] };
}
