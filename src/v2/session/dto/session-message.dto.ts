import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Field } from '../../../core/http/field.decorators';
import { LocationQueryDto } from '../../../core/http/v2/location.dto';
import { LIST_ORDERS, limitField, PageCursorDto, type ListOrder } from './session-v2.dto';

export const SESSION_MESSAGE_TYPES = [
  'user',
  'assistant',
  'agent-switched',
  'model-switched',
  'synthetic',
  'system',
  'shell',
  'compaction',
] as const;

class SessionMessageTimeDto {
  @ApiProperty()
  created: number;

  @ApiPropertyOptional()
  completed?: number;
}

/**
 * One message of a session as the `/api` routes show it: a projection of its durable events
 * (one per prompt, per model step, per switch, ...). The fields besides these depend on `type`
 * (user: `text`, `files`, `agents`; assistant: `agent`, `model`, `content`, `finish`, `tokens`,
 * ...; see the reference's `SessionMessage*` schemas).
 */
@ApiSchema({ name: 'SessionMessage' })
export class SessionMessageDto {
  @Field.id('message')
  id: string;

  @ApiProperty({ enum: SESSION_MESSAGE_TYPES })
  type: (typeof SESSION_MESSAGE_TYPES)[number];

  @ApiProperty({ type: SessionMessageTimeDto })
  time: SessionMessageTimeDto;

  [field: string]: unknown;
}

@ApiSchema({ name: 'SessionMessagesResponse' })
export class SessionMessagesResponseDto {
  @ApiProperty({ type: [SessionMessageDto] })
  data: SessionMessageDto[];

  @ApiProperty({ type: PageCursorDto })
  cursor: PageCursorDto;
}

class DurableDto {
  @ApiProperty({ description: 'The session id' })
  aggregateID: string;

  @ApiProperty({ description: "The event's number in its session, increasing" })
  seq: number;

  @ApiProperty({ description: 'Schema version of the event type' })
  version: number;
}

/** One durable event of a session (`session.next.*`), as stored and streamed. */
@ApiSchema({ name: 'SessionDurableEvent' })
export class SessionDurableEventDto {
  @ApiProperty({ pattern: '^evt_' })
  id: string;

  @ApiProperty({ description: '`session.next.prompt.admitted`, `session.next.step.started`, ...' })
  type: string;

  @ApiProperty({ type: DurableDto })
  durable: DurableDto;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: '`timestamp`, `sessionID` and the fields of the event type',
  })
  data: Record<string, unknown>;
}

@ApiSchema({ name: 'SessionHistory' })
export class SessionHistoryDto {
  @ApiProperty({ type: [SessionDurableEventDto] })
  data: SessionDurableEventDto[];

  @ApiProperty({ description: 'Whether more events follow the last one' })
  hasMore: boolean;
}

/** `after` of the history and event routes: a seq (a string of digits on the wire). */
function afterField(description: string): PropertyDecorator {
  return Field.int({
    optional: true,
    query: true,
    min: 0,
    typeFirst: true,
    message: 'after must be a non-negative integer',
    description,
  });
}

export class SessionHistoryQueryDto extends LocationQueryDto {
  @afterField('Only events with a greater seq; default: from the first')
  after?: number;

  @limitField('At most this many events (1-100); default 50')
  limit?: number;
}

export class SessionEventsQueryDto extends LocationQueryDto {
  @afterField(
    'Replay the events with a greater seq, then follow; `Last-Event-ID` does the same for a reconnecting EventSource',
  )
  after?: number;
}

export class SessionMessagesQueryDto extends LocationQueryDto {
  @limitField('At most this many messages (1-100); default 50')
  limit?: number;

  @Field.enum(LIST_ORDERS, { optional: true, description: 'By creation; default `desc`' })
  order?: ListOrder;

  @Field.string({ optional: true, description: 'A `cursor.previous` / `cursor.next` of a page' })
  cursor?: string;
}
