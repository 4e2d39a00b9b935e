import { BusEvent } from '../core/bus/bus-event';
import { ProjectDto } from './dto/project.dto';

/** A project's stored facts changed: `/init` marked it initialized. */
@BusEvent('project.updated')
export class ProjectUpdatedEvent extends ProjectDto {}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'project.updated': ProjectUpdatedEvent;
  }
}
