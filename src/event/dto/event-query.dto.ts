import { InstanceQueryDto } from '../../core/http/endpoint.decorator';
import { Field } from '../../core/http/field.decorators';

const LAST_EVENT_ID_DESCRIPTION =
  'Resume after this event id, for a client that cannot send the Last-Event-ID header (a ' +
  "browser's first EventSource connection); the header wins when both are given. The events " +
  'published since follow server.connected, or server.replay.gap when they are no longer kept.';

/**
 * `GET /global/event`. The common `directory` / `workspace` keys are accepted (and have no
 * effect) as before: a client that sends them to every route keeps working.
 */
export class GlobalEventQueryDto extends InstanceQueryDto {
  @Field.string({ optional: true, maxLength: 32, description: LAST_EVENT_ID_DESCRIPTION })
  lastEventId?: string;
}

/** `GET /event`. */
export class EventQueryDto extends GlobalEventQueryDto {
  @Field.id('session', {
    optional: true,
    description:
      "Only this session's events (those whose properties name it) and the server's (server.*)",
  })
  sessionID?: string;
}
