import { BusEvent } from '../core/bus/bus-event';

/**
 * Published server-wide (on `/global/event`) once `POST /global/dispose` disposed every instance:
 * clients reload everything they hold.
 */
@BusEvent('global.disposed')
export class GlobalDisposedEvent {}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'global.disposed': GlobalDisposedEvent;
  }
}
