import { ApiProperty } from '@nestjs/swagger';
import { BusEvent } from '../core/bus/bus-event';
import { ProjectDto } from './dto/project.dto';

/** A project's stored facts changed: `/init`, `PATCH /project/:id`, a worktree added or removed. */
@BusEvent('project.updated')
export class ProjectUpdatedEvent extends ProjectDto {}

/** The checkouts of a project (`GET /project/:id/directories`) changed. */
@BusEvent('project.directories.updated')
export class ProjectDirectoriesUpdatedEvent {
  @ApiProperty()
  projectID: string;
}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'project.updated': ProjectUpdatedEvent;
    'project.directories.updated': ProjectDirectoriesUpdatedEvent;
  }
}
