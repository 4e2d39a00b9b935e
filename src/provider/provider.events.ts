import { BusEvent } from '../core/bus/bus-event';

/**
 * Published (server-wide) after a newer models.dev catalog was fetched: `GET /provider` answers
 * from it from then on, so clients listing models fetch them again.
 */
@BusEvent('models-dev.refreshed')
export class ModelsDevRefreshedEvent {}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'models-dev.refreshed': ModelsDevRefreshedEvent;
  }
}
