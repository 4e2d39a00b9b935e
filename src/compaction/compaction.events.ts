import { BusEvent } from '../core/bus/bus-event';
import { Field } from '../core/http/field.decorators';

/** A compaction finished: the session's context now starts at its summary. */
@BusEvent('session.compacted')
export class SessionCompactedEvent {
  @Field.id('session')
  sessionID: string;
}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'session.compacted': SessionCompactedEvent;
  }
}
