import { ApiProperty } from '@nestjs/swagger';
import { BusEvent } from '../core/bus/bus-event';
import { SnapshotFileDiffDto } from '../session/dto/session.dto';
import { Field } from '../core/http/field.decorators';

/** The files a session has changed, recomputed (after a turn, a revert or an unrevert). */
@BusEvent('session.diff')
export class SessionDiffEvent {
  @Field.id('session')
  sessionID: string;

  @ApiProperty({ type: [SnapshotFileDiffDto] })
  diff: SnapshotFileDiffDto[];
}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'session.diff': SessionDiffEvent;
  }
}
