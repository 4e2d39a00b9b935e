import { Injectable } from '@nestjs/common';
import type { Instance } from '../core/instance/instance';
import { ProjectRecord, ProjectRepository } from '../core/instance/project.repository';
import { ProjectDto } from './dto/project.dto';

@Injectable()
export class ProjectService {
  constructor(private readonly projects: ProjectRepository) {}

  /** Every project opened with this server, most recently used first. */
  list(): ProjectDto[] {
    return this.projects.list().map(toDto);
  }

  current(instance: Instance): ProjectDto {
    const record = this.projects.get(instance.projectID) ?? this.projects.touch(instance.project);
    return toDto(record);
  }
}

function toDto(record: ProjectRecord): ProjectDto {
  return { ...record, sandboxes: [] };
}
