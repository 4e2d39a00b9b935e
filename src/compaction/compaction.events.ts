import { ApiProperty } from '@nestjs/swagger';
import { BusEvent } from '../core/bus/bus-event';

/** A compaction finished: the session's context now starts at its summary. */
@BusEvent('session.compacted')
export class SessionCompactedEvent {
  @ApiProperty({ pattern: '^ses' })
  sessionID: string;
}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'session.compacted': SessionCompactedEvent;
  }
}
