import { ApiProperty } from '@nestjs/swagger';
import { BusEvent } from '../core/bus/bus-event';
import { MessageSchema, type MessageInfo } from './dto/message.dto';
import { PartSchema, type Part } from './dto/part.dto';

// Events of messages and their parts, as the reference publishes them. `message.updated`,
// `message.part.updated` and the removals follow a committed write; `message.part.delta` is a
// live increment the agent loop streams and never stores.

@BusEvent('message.updated')
export class MessageUpdatedEvent {
  @ApiProperty({ pattern: '^ses' })
  sessionID: string;

  @ApiProperty({ type: () => MessageSchema })
  info: MessageInfo;
}

@BusEvent('message.removed')
export class MessageRemovedEvent {
  @ApiProperty({ pattern: '^ses' })
  sessionID: string;

  @ApiProperty({ pattern: '^msg' })
  messageID: string;
}

@BusEvent('message.part.updated')
export class MessagePartUpdatedEvent {
  @ApiProperty({ pattern: '^ses' })
  sessionID: string;

  @ApiProperty({ type: () => PartSchema })
  part: Part;

  @ApiProperty({ description: 'When the part was stored (ms)' })
  time: number;
}

@BusEvent('message.part.removed')
export class MessagePartRemovedEvent {
  @ApiProperty({ pattern: '^ses' })
  sessionID: string;

  @ApiProperty({ pattern: '^msg' })
  messageID: string;

  @ApiProperty({ pattern: '^prt' })
  partID: string;
}

/** Text appended to one field of a part while it streams (`field: "text"`). */
@BusEvent('message.part.delta')
export class MessagePartDeltaEvent {
  @ApiProperty({ pattern: '^ses' })
  sessionID: string;

  @ApiProperty({ pattern: '^msg' })
  messageID: string;

  @ApiProperty({ pattern: '^prt' })
  partID: string;

  @ApiProperty({ description: 'The part field the text is appended to' })
  field: string;

  @ApiProperty()
  delta: string;
}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'message.updated': MessageUpdatedEvent;
    'message.removed': MessageRemovedEvent;
    'message.part.updated': MessagePartUpdatedEvent;
    'message.part.removed': MessagePartRemovedEvent;
    'message.part.delta': MessagePartDeltaEvent;
  }
}
