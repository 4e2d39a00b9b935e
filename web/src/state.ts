import type {
  Event,
  Message,
  Part,
  PermissionRequest,
  QuestionRequest,
  Session,
  SessionStatus,
  Todo,
} from '@opencode-ai/sdk/v2/client';

export interface MessageEntry {
  info: Message;
  parts: Part[];
}

/**
 * What the page shows, as the server last told it: loaded once through the API, then kept up to
 * date by the event stream alone (the page never guesses a server change it has not been told).
 */
export interface ClientState {
  sessions: Record<string, Session>;
  /** Per session, in id order (ids grow with time). Absent: not loaded yet. */
  messages: Record<string, MessageEntry[]>;
  status: Record<string, SessionStatus>;
  permissions: Record<string, PermissionRequest>;
  questions: Record<string, QuestionRequest>;
  todos: Record<string, Todo[]>;
  /** The last error of a turn, per session, until the next turn starts. */
  errors: Record<string, string>;
  /** Whether the event stream is open: while it is not, what is shown may be stale. */
  connected: boolean;
  /** How many events have been applied: a load notes it when it starts. */
  clock: number;
  /**
   * The clock of the last event that changed a session or a message, by id. A load's answer
   * was taken before the events that arrived while it was on its way: for what those events
   * touched, they are newer than the load and win over it.
   */
  touched: Record<string, number>;
}

export const initialState: ClientState = {
  sessions: {},
  messages: {},
  status: {},
  permissions: {},
  questions: {},
  todos: {},
  errors: {},
  connected: false,
  clock: 0,
  touched: {},
};

export type Action =
  | { type: 'event'; event: Event }
  | { type: 'connected'; connected: boolean }
  /** `since`: the state's `clock` when the load started. */
  | { type: 'sessions.loaded'; sessions: Session[]; since: number }
  | { type: 'messages.loaded'; sessionID: string; messages: MessageEntry[]; since: number }
  | { type: 'status.loaded'; status: Record<string, SessionStatus> }
  | { type: 'permissions.loaded'; permissions: PermissionRequest[] }
  | { type: 'questions.loaded'; questions: QuestionRequest[] }
  | { type: 'todos.loaded'; sessionID: string; todos: Todo[] }
  /** A reply the server accepted: gone now, even if its event was missed. */
  | { type: 'request.answered'; requestID: string };

export function reduce(state: ClientState, action: Action): ClientState {
  switch (action.type) {
    case 'event':
      return stamp(state, applyEvent(state, action.event), touchedBy(action.event));
    case 'connected':
      return { ...state, connected: action.connected };
    case 'sessions.loaded':
      return {
        ...state,
        sessions: newerOf(byId(action.sessions), state.sessions, state.touched, action.since),
      };
    case 'messages.loaded': {
      const loaded = Object.fromEntries(
        action.messages.map((entry) => [
          entry.info.id,
          { info: entry.info, parts: [...entry.parts].sort(compareIds) },
        ]),
      );
      const current = Object.fromEntries(
        (state.messages[action.sessionID] ?? []).map((entry) => [entry.info.id, entry]),
      );
      const merged = newerOf(loaded, current, state.touched, action.since);
      return {
        ...state,
        messages: {
          ...state.messages,
          [action.sessionID]: Object.values(merged).sort((a, b) => compareIds(a.info, b.info)),
        },
      };
    }
    case 'status.loaded':
      return { ...state, status: action.status };
    case 'permissions.loaded':
      return { ...state, permissions: byId(action.permissions) };
    case 'questions.loaded':
      return { ...state, questions: byId(action.questions) };
    case 'todos.loaded':
      return { ...state, todos: { ...state.todos, [action.sessionID]: action.todos } };
    case 'request.answered':
      return {
        ...state,
        permissions: without(state.permissions, action.requestID),
        questions: without(state.questions, action.requestID),
      };
  }
}

/** One server event applied; events the page does not show leave the state as it is. */
export function applyEvent(state: ClientState, event: Event): ClientState {
  switch (event.type) {
    case 'session.created':
    case 'session.updated':
      return {
        ...state,
        sessions: { ...state.sessions, [event.properties.info.id]: event.properties.info },
      };
    case 'session.deleted': {
      const id = event.properties.info.id;
      return {
        ...state,
        sessions: without(state.sessions, id),
        messages: without(state.messages, id),
        todos: without(state.todos, id),
      };
    }
    case 'session.status': {
      const { sessionID, status } = event.properties;
      // A new turn starts with a clean slate: the last one's error is history.
      const errors =
        status.type === 'busy' && state.status[sessionID]?.type !== 'busy'
          ? without(state.errors, sessionID)
          : state.errors;
      return { ...state, errors, status: { ...state.status, [sessionID]: status } };
    }
    case 'session.idle':
      return {
        ...state,
        status: { ...state.status, [event.properties.sessionID]: { type: 'idle' } },
      };
    case 'session.error': {
      const { sessionID, error } = event.properties;
      if (!sessionID || !error) return state;
      // An abort the user asked for is not an error worth a banner.
      if (error.name === 'MessageAbortedError') return state;
      const message =
        'message' in error.data && typeof error.data.message === 'string'
          ? error.data.message
          : error.name;
      return { ...state, errors: { ...state.errors, [sessionID]: message } };
    }
    case 'message.updated':
      return updateMessages(state, event.properties.sessionID, (entries) =>
        upsertMessage(entries, event.properties.info),
      );
    case 'message.removed':
      return updateMessages(state, event.properties.sessionID, (entries) =>
        entries.filter((entry) => entry.info.id !== event.properties.messageID),
      );
    case 'message.part.updated': {
      const part = event.properties.part;
      return updateMessages(state, part.sessionID, (entries) =>
        updateParts(entries, part.messageID, (parts) => upsertById(parts, part)),
      );
    }
    case 'message.part.removed': {
      const { sessionID, messageID, partID } = event.properties;
      return updateMessages(state, sessionID, (entries) =>
        updateParts(entries, messageID, (parts) => parts.filter((part) => part.id !== partID)),
      );
    }
    case 'message.part.delta': {
      const { sessionID, messageID, partID, field, delta } = event.properties;
      return updateMessages(state, sessionID, (entries) =>
        updateParts(entries, messageID, (parts) =>
          parts.map((part) => (part.id === partID ? appendToField(part, field, delta) : part)),
        ),
      );
    }
    case 'todo.updated':
      return {
        ...state,
        todos: { ...state.todos, [event.properties.sessionID]: event.properties.todos },
      };
    case 'permission.asked':
      return {
        ...state,
        permissions: { ...state.permissions, [event.properties.id]: event.properties },
      };
    case 'permission.replied':
      return { ...state, permissions: without(state.permissions, event.properties.requestID) };
    case 'question.asked':
      return {
        ...state,
        questions: { ...state.questions, [event.properties.id]: event.properties },
      };
    case 'question.replied':
    case 'question.rejected':
      return { ...state, questions: without(state.questions, event.properties.requestID) };
    default:
      return state;
  }
}

/** The session or message an event changes, if any: see `ClientState.touched`. */
function touchedBy(event: Event): string | undefined {
  switch (event.type) {
    case 'session.created':
    case 'session.updated':
    case 'session.deleted':
      return event.properties.info.id;
    case 'message.updated':
      return event.properties.info.id;
    case 'message.removed':
      return event.properties.messageID;
    case 'message.part.updated':
      return event.properties.part.messageID;
    case 'message.part.removed':
    case 'message.part.delta':
      return event.properties.messageID;
    default:
      return undefined;
  }
}

function stamp(before: ClientState, after: ClientState, id: string | undefined): ClientState {
  if (after === before) return before;
  const clock = before.clock + 1;
  return { ...after, clock, touched: id ? { ...after.touched, [id]: clock } : after.touched };
}

/**
 * A loaded collection, except where events since the load started say otherwise: their version
 * of what they touched, and no trace of what they deleted.
 */
function newerOf<T>(
  loaded: Record<string, T>,
  current: Record<string, T>,
  touched: Record<string, number>,
  since: number,
): Record<string, T> {
  const result = { ...loaded };
  for (const [id, clock] of Object.entries(touched)) {
    if (clock <= since || !(id in loaded || id in current)) continue;
    if (id in current) result[id] = current[id]!;
    else delete result[id];
  }
  return result;
}

/** Root sessions (a subagent's session shows inside its parent's turn), newest first. */
export function listedSessions(state: ClientState): Session[] {
  return Object.values(state.sessions)
    .filter((session) => !session.parentID && session.time.archived === undefined)
    .sort((a, b) => b.time.updated - a.time.updated || (a.id < b.id ? 1 : -1));
}

/** The session and its subagents' sessions: whose permission asks and questions belong here. */
export function sessionFamily(state: ClientState, sessionID: string): Set<string> {
  const family = new Set([sessionID]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const session of Object.values(state.sessions)) {
      if (session.parentID && family.has(session.parentID) && !family.has(session.id)) {
        family.add(session.id);
        grew = true;
      }
    }
  }
  return family;
}

function updateMessages(
  state: ClientState,
  sessionID: string,
  change: (entries: MessageEntry[]) => MessageEntry[],
): ClientState {
  return {
    ...state,
    messages: { ...state.messages, [sessionID]: change(state.messages[sessionID] ?? []) },
  };
}

function upsertMessage(entries: MessageEntry[], info: Message): MessageEntry[] {
  const index = entries.findIndex((entry) => entry.info.id === info.id);
  if (index >= 0) return entries.map((entry, i) => (i === index ? { ...entry, info } : entry));
  return [...entries, { info, parts: [] }].sort((a, b) => compareIds(a.info, b.info));
}

/**
 * The server announces a message before its parts; a part of a message the page has not seen (it
 * loaded the session mid-turn) comes back with the next load of the session.
 */
function updateParts(
  entries: MessageEntry[],
  messageID: string,
  change: (parts: Part[]) => Part[],
): MessageEntry[] {
  return entries.map((entry) =>
    entry.info.id === messageID ? { ...entry, parts: change(entry.parts) } : entry,
  );
}

function appendToField(part: Part, field: string, delta: string): Part {
  const current = (part as unknown as Record<string, unknown>)[field];
  if (current !== undefined && typeof current !== 'string') return part;
  const grown: Part = { ...part, [field]: (current ?? '') + delta };
  return grown;
}

function upsertById<T extends { id: string }>(items: T[], item: T): T[] {
  const index = items.findIndex((existing) => existing.id === item.id);
  if (index >= 0) return items.map((existing, i) => (i === index ? item : existing));
  return [...items, item].sort(compareIds);
}

function compareIds(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function byId<T extends { id: string }>(items: T[]): Record<string, T> {
  return Object.fromEntries(items.map((item) => [item.id, item]));
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const { [key]: _removed, ...rest } = record;
  return rest;
}
