import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { LocationRefDto } from '../../session/dto/session-v2.dto';

/** Where a durable session event sits in its session's sequence. */
@ApiSchema({ name: 'V2EventDurable' })
class V2EventDurableDto {
  @ApiProperty({ description: 'The session the event belongs to' })
  aggregateID: string;

  @ApiProperty({ type: 'integer', description: "The event's number in the session (0: created)" })
  seq: number;

  @ApiProperty({ type: 'integer', description: "The schema version of the event's type" })
  version: number;
}

/**
 * One frame of `GET /api/event`. `type` names the event (`server.connected` first, then
 * `session.created`, `session.next.text.delta`, `permission.v2.asked`, ...) and `data` holds its
 * fields; durable session events carry their place in the session's sequence.
 */
@ApiSchema({ name: 'V2Event' })
export class V2EventDto {
  @ApiProperty({ pattern: '^evt_' })
  id: string;

  @ApiProperty({ description: 'The event type, e.g. session.next.step.ended, permission.v2.asked' })
  type: string;

  @ApiPropertyOptional({ type: V2EventDurableDto })
  durable?: V2EventDurableDto;

  @ApiPropertyOptional({
    type: LocationRefDto,
    description: 'Where the event happened; absent for server-wide events',
  })
  location?: LocationRefDto;

  @ApiProperty({ type: 'object', additionalProperties: true })
  data: Record<string, unknown>;
}
