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
};

export type Action =
  | { type: 'event'; event: Event }
  | { type: 'connected'; connected: boolean }
  | { type: 'sessions.loaded'; sessions: Session[] }
  | { type: 'messages.loaded'; sessionID: string; messages: MessageEntry[] }
  | { type: 'status.loaded'; status: Record<string, SessionStatus> }
  | { type: 'permissions.loaded'; permissions: PermissionRequest[] }
  | { type: 'questions.loaded'; questions: QuestionRequest[] }
  | { type: 'todos.loaded'; sessionID: string; todos: Todo[] }
  /** A reply the server accepted: gone now, even if its event was missed. */
  | { type: 'request.answered'; requestID: string };

export function reduce(state: ClientState, action: Action): ClientState {
  switch (action.type) {
    case 'event':
      return applyEvent(state, action.event);
    case 'connected':
      return { ...state, connected: action.connected };
    case 'sessions.loaded':
      return { ...state, sessions: byId(action.sessions) };
    case 'messages.loaded':
      return {
        ...state,
        messages: {
          ...state.messages,
          [action.sessionID]: [...action.messages]
            .map((entry) => ({ info: entry.info, parts: [...entry.parts].sort(compareIds) }))
            .sort((a, b) => compareIds(a.info, b.info)),
        },
      };
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
