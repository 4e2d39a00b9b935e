import type { BusEnvelope, BusEventPayload } from '../../core/bus/bus-event';
import type { PermissionAskedEvent } from '../../permission/permission.events';
import type { QuestionAskedEvent } from '../../question/question.events';
import type { DurableRef, SessionNextBusProperties } from '../session/log/session-event.types';
import { toPermissionV2 } from '../permission/permission-v2.service';
import { toQuestionV2 } from '../question/question-v2.service';

/** One frame of `GET /api/event` (the reference's `V2Event`). */
export interface V2EventFrame {
  id: string;
  type: string;
  durable?: DurableRef;
  /** Where the event happened; absent for server-wide events. */
  location?: { directory: string };
  data: unknown;
}

/** A session's creation opens its event sequence: it is event 0 of the session's aggregate. */
const CREATED_VERSION = 1;

/**
 * The frames an event of the bus makes on `/api/event`: the event itself (`properties` as
 * `data`; `session.next.*` events carry their own id, `durable` and `data`), and for the
 * permission and question events the same fact in the v2 vocabulary (`permission.v2.asked`, ...),
 * a view of the one request both APIs answer, with an id of its own.
 */
export function toV2Frames(envelope: BusEnvelope, newID: () => string): V2EventFrame[] {
  const { payload } = envelope;
  const location =
    envelope.directory === undefined ? {} : { location: { directory: envelope.directory } };
  if (payload.type.startsWith('session.next.')) {
    const { id, durable, data } = payload.properties as SessionNextBusProperties;
    return [{ id, type: payload.type, ...(durable && { durable }), ...location, data }];
  }
  const frame: V2EventFrame = {
    id: payload.id,
    type: payload.type,
    ...(payload.type === 'session.created' && {
      durable: {
        aggregateID: (payload as BusEventPayload<'session.created'>).properties.sessionID,
        seq: 0,
        version: CREATED_VERSION,
      },
    }),
    ...location,
    data: payload.properties,
  };
  const view = v2View(payload);
  return view ? [frame, { id: newID(), type: view.type, ...location, data: view.data }] : [frame];
}

/** The v2 event that says what a classic permission or question event says. */
function v2View(payload: BusEventPayload): { type: string; data: unknown } | undefined {
  switch (payload.type) {
    case 'permission.asked':
      return {
        type: 'permission.v2.asked',
        data: toPermissionV2(payload.properties as PermissionAskedEvent),
      };
    case 'permission.replied':
      return { type: 'permission.v2.replied', data: payload.properties };
    case 'question.asked':
      return {
        type: 'question.v2.asked',
        data: toQuestionV2(payload.properties as QuestionAskedEvent),
      };
    case 'question.replied':
      return { type: 'question.v2.replied', data: payload.properties };
    case 'question.rejected':
      return { type: 'question.v2.rejected', data: payload.properties };
    default:
      return undefined;
  }
}
