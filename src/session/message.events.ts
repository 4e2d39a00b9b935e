import { ApiProperty } from '@nestjs/swagger';
import { BusEvent } from '../core/bus/bus-event';
import { MessageSchema, type MessageInfo } from './dto/message.dto';
import { PartSchema, type Part } from './dto/part.dto';
import { Field } from '../core/http/field.decorators';

// Events of messages and their parts, as the reference publishes them. `message.updated`,
// `message.part.updated` and the removals follow a committed write; `message.part.delta` is a
// live increment the agent loop streams and never stores.

@BusEvent('message.updated')
export class MessageUpdatedEvent {
  @Field.id('session')
  sessionID: string;

  @ApiProperty({ type: () => MessageSchema })
  info: MessageInfo;
}

@BusEvent('message.removed')
export class MessageRemovedEvent {
  @Field.id('session')
  sessionID: string;

  @Field.id('message')
  messageID: string;
}

@BusEvent('message.part.updated')
export class MessagePartUpdatedEvent {
  @Field.id('session')
  sessionID: string;

  @ApiProperty({ type: () => PartSchema })
  part: Part;

  @ApiProperty({ description: 'When the part was stored (ms)' })
  time: number;
}

@BusEvent('message.part.removed')
export class MessagePartRemovedEvent {
  @Field.id('session')
  sessionID: string;

  @Field.id('message')
  messageID: string;

  @Field.id('part')
  partID: string;
}

/** Text appended to one field of a part while it streams (`field: "text"`). */
@BusEvent('message.part.delta')
export class MessagePartDeltaEvent {
  @Field.id('session')
  sessionID: string;

  @Field.id('message')
  messageID: string;

  @Field.id('part')
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
