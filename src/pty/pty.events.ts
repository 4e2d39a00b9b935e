import { ApiProperty } from '@nestjs/swagger';
import { BusEvent } from '../core/bus/bus-event';
import { Field } from '../core/http/field.decorators';
import { PtyDto } from './dto/pty.dto';

@BusEvent('pty.created')
export class PtyCreatedEvent {
  @ApiProperty({ type: PtyDto })
  info: PtyDto;
}

/** A new title or size. */
@BusEvent('pty.updated')
export class PtyUpdatedEvent {
  @ApiProperty({ type: PtyDto })
  info: PtyDto;
}

/** The program ended by itself (a removed terminal is `pty.deleted` only). */
@BusEvent('pty.exited')
export class PtyExitedEvent {
  @Field.id('pty')
  id: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  exitCode: number;
}

@BusEvent('pty.deleted')
export class PtyDeletedEvent {
  @Field.id('pty')
  id: string;
}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'pty.created': PtyCreatedEvent;
    'pty.updated': PtyUpdatedEvent;
    'pty.exited': PtyExitedEvent;
    'pty.deleted': PtyDeletedEvent;
  }
}
