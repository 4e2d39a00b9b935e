/**
 * Events of the `/api` streams (durable and live session events of the v2 API): the classic
 * `/event` and `/global/event` never carry them, as in the reference, whose classic clients
 * know nothing of them.
 */
const V2_SESSION_EVENT_PREFIX = 'session.next.';

/** Events every stream carries whatever its filter: the server's own (`server.*`). */
const SERVER_EVENT_PREFIX = 'server.';

/** Whether the classic streams show events of this type. */
export function isClassicEvent(type: string): boolean {
  return !type.startsWith(V2_SESSION_EVENT_PREFIX);
}

/** Whether a stream filtered to one session (`/event?sessionID=`) shows this event. */
export function showsInSessionStream(
  type: string,
  eventSessionID: string | undefined,
  sessionID: string,
): boolean {
  return type.startsWith(SERVER_EVENT_PREFIX) || eventSessionID === sessionID;
}

/**
 * The session an event belongs to, read from its properties the way the areas publish them:
 * `sessionID` (status, idle, error, todos, messages, parts, permissions, questions, commands,
 * diffs, compaction), `info.sessionID` (a message's info), `info.id` of the `session.*` events
 * (a session's own info) or `part.sessionID` (a part). `undefined`: not a session's event.
 */
export function sessionOfEvent(type: string, properties: unknown): string | undefined {
  if (!isRecord(properties)) return undefined;
  if (typeof properties.sessionID === 'string') return properties.sessionID;
  const { info, part } = properties;
  if (isRecord(info)) {
    if (typeof info.sessionID === 'string') return info.sessionID;
    if (type.startsWith('session.') && typeof info.id === 'string') return info.id;
  }
  if (isRecord(part) && typeof part.sessionID === 'string') return part.sessionID;
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
