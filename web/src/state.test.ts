import type { Event, Message, Part, Session } from '@opencode-ai/sdk/v2/client';
import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  initialState,
  listedSessions,
  reduce,
  sessionFamily,
  type ClientState,
} from './state';

const session = (id: string, updated: number, extra: Partial<Session> = {}): Session => ({
  id,
  slug: id,
  projectID: 'p',
  directory: '/project',
  title: id,
  version: '1',
  time: { created: updated, updated },
  ...extra,
});

const userMessage = (id: string, sessionID = 'ses_1'): Message => ({
  id,
  sessionID,
  role: 'user',
  time: { created: 1 },
  agent: 'build',
  model: { providerID: 'fake', modelID: 'fake-model' },
});

const assistantMessage = (id: string, sessionID = 'ses_1'): Message => ({
  id,
  sessionID,
  role: 'assistant',
  time: { created: 2 },
  parentID: 'msg_1',
  modelID: 'fake-model',
  providerID: 'fake',
  mode: 'build',
  agent: 'build',
  path: { cwd: '/project', root: '/project' },
  cost: 0,
  tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } },
});

const textPart = (id: string, messageID: string, text: string): Part => ({
  id,
  sessionID: 'ses_1',
  messageID,
  type: 'text',
  text,
});

let sequence = 0;
const event = (type: string, properties: Record<string, unknown>): Event =>
  ({ id: `evt_${++sequence}`, type, properties }) as unknown as Event;

const play = (state: ClientState, ...events: Event[]) => events.reduce(applyEvent, state);

describe('event reducer', () => {
  it('builds a turn from its events: messages, then parts, then text deltas', () => {
    const state = play(
      initialState,
      event('message.updated', { sessionID: 'ses_1', info: userMessage('msg_1') }),
      event('message.part.updated', {
        sessionID: 'ses_1',
        part: textPart('prt_1', 'msg_1', 'hi'),
        time: 1,
      }),
      event('message.updated', { sessionID: 'ses_1', info: assistantMessage('msg_2') }),
      event('message.part.updated', {
        sessionID: 'ses_1',
        part: textPart('prt_2', 'msg_2', ''),
        time: 2,
      }),
      event('message.part.delta', {
        sessionID: 'ses_1',
        messageID: 'msg_2',
        partID: 'prt_2',
        field: 'text',
        delta: 'Hel',
      }),
      event('message.part.delta', {
        sessionID: 'ses_1',
        messageID: 'msg_2',
        partID: 'prt_2',
        field: 'text',
        delta: 'lo',
      }),
    );
    const entries = state.messages.ses_1!;
    expect(entries.map((entry) => entry.info.id)).toEqual(['msg_1', 'msg_2']);
    expect(entries[1]!.parts).toEqual([textPart('prt_2', 'msg_2', 'Hello')]);
  });

  it('replaces a part when it is updated again (a tool call going from running to completed)', () => {
    const running = {
      id: 'prt_3',
      sessionID: 'ses_1',
      messageID: 'msg_2',
      type: 'tool',
      callID: 'call_1',
      tool: 'read',
      state: { status: 'running', input: { filePath: 'a.txt' }, time: { start: 1 } },
    } as Part;
    const completed = {
      ...running,
      state: {
        status: 'completed',
        input: { filePath: 'a.txt' },
        output: 'alpha',
        title: 'a.txt',
        metadata: {},
        time: { start: 1, end: 2 },
      },
    } as Part;
    const state = play(
      initialState,
      event('message.updated', { sessionID: 'ses_1', info: assistantMessage('msg_2') }),
      event('message.part.updated', { sessionID: 'ses_1', part: running, time: 1 }),
      event('message.part.updated', { sessionID: 'ses_1', part: completed, time: 2 }),
    );
    expect(state.messages.ses_1![0]!.parts).toEqual([completed]);
  });

  it('keeps messages and parts in id order whatever order they arrive in', () => {
    const state = play(
      initialState,
      event('message.updated', { sessionID: 'ses_1', info: assistantMessage('msg_2') }),
      event('message.updated', { sessionID: 'ses_1', info: userMessage('msg_1') }),
      event('message.part.updated', {
        sessionID: 'ses_1',
        part: textPart('prt_b', 'msg_2', 'b'),
        time: 1,
      }),
      event('message.part.updated', {
        sessionID: 'ses_1',
        part: textPart('prt_a', 'msg_2', 'a'),
        time: 1,
      }),
    );
    expect(state.messages.ses_1!.map((entry) => entry.info.id)).toEqual(['msg_1', 'msg_2']);
    expect(state.messages.ses_1![1]!.parts.map((part) => part.id)).toEqual(['prt_a', 'prt_b']);
  });

  it('updates a message in place (its completion time, its error) and removes it', () => {
    const done = { ...assistantMessage('msg_2'), time: { created: 2, completed: 3 } } as Message;
    let state = play(
      initialState,
      event('message.updated', { sessionID: 'ses_1', info: assistantMessage('msg_2') }),
      event('message.part.updated', {
        sessionID: 'ses_1',
        part: textPart('prt_1', 'msg_2', 'x'),
        time: 1,
      }),
      event('message.updated', { sessionID: 'ses_1', info: done }),
    );
    expect(state.messages.ses_1).toEqual([
      { info: done, parts: [textPart('prt_1', 'msg_2', 'x')] },
    ]);
    state = play(
      state,
      event('message.part.removed', { sessionID: 'ses_1', messageID: 'msg_2', partID: 'prt_1' }),
    );
    expect(state.messages.ses_1![0]!.parts).toEqual([]);
    state = play(state, event('message.removed', { sessionID: 'ses_1', messageID: 'msg_2' }));
    expect(state.messages.ses_1).toEqual([]);
  });

  it('lists a permission ask until it is replied to, and a question until answered or rejected', () => {
    const ask = {
      id: 'per_1',
      sessionID: 'ses_1',
      permission: 'bash',
      patterns: ['echo hi'],
      metadata: {},
      always: ['echo *'],
    };
    let state = play(initialState, event('permission.asked', ask));
    expect(state.permissions).toEqual({ per_1: ask });
    state = play(
      state,
      event('permission.replied', { sessionID: 'ses_1', requestID: 'per_1', reply: 'once' }),
    );
    expect(state.permissions).toEqual({});

    const question = {
      id: 'que_1',
      sessionID: 'ses_1',
      questions: [{ question: 'Which?', header: 'Pick', options: [] }],
    };
    state = play(state, event('question.asked', question));
    expect(state.questions).toEqual({ que_1: question });
    state = play(state, event('question.rejected', { sessionID: 'ses_1', requestID: 'que_1' }));
    expect(state.questions).toEqual({});
  });

  it('forgets an answered request at once, and loads the pending ones of the directory', () => {
    const ask = {
      id: 'per_1',
      sessionID: 'ses_1',
      permission: 'bash',
      patterns: [],
      metadata: {},
      always: [],
    };
    let state = reduce(initialState, { type: 'permissions.loaded', permissions: [ask] });
    expect(Object.keys(state.permissions)).toEqual(['per_1']);
    state = reduce(state, { type: 'request.answered', requestID: 'per_1' });
    expect(state.permissions).toEqual({});
  });

  it('shows a turn error until the next turn starts, and no error for an abort', () => {
    let state = play(
      initialState,
      event('session.status', { sessionID: 'ses_1', status: { type: 'busy' } }),
      event('session.error', {
        sessionID: 'ses_1',
        error: { name: 'APIError', data: { message: 'rate limited', isRetryable: false } },
      }),
      event('session.status', { sessionID: 'ses_1', status: { type: 'idle' } }),
    );
    expect(state.errors).toEqual({ ses_1: 'rate limited' });
    state = play(state, event('session.status', { sessionID: 'ses_1', status: { type: 'busy' } }));
    expect(state.errors).toEqual({});
    state = play(
      state,
      event('session.error', {
        sessionID: 'ses_1',
        error: { name: 'MessageAbortedError', data: { message: 'Aborted' } },
      }),
    );
    expect(state.errors).toEqual({});
  });

  it('tracks a retry as the session status, and idle', () => {
    const retry = { type: 'retry', attempt: 2, message: 'overloaded', next: 5 };
    let state = play(initialState, event('session.status', { sessionID: 'ses_1', status: retry }));
    expect(state.status.ses_1).toEqual(retry);
    state = play(state, event('session.idle', { sessionID: 'ses_1' }));
    expect(state.status.ses_1).toEqual({ type: 'idle' });
  });

  it('replaces the todo list of a session', () => {
    const todos = [{ content: 'write tests', status: 'in_progress', priority: 'high' }];
    const state = play(initialState, event('todo.updated', { sessionID: 'ses_1', todos }));
    expect(state.todos.ses_1).toEqual(todos);
  });

  it('adds, renames and deletes sessions, dropping a deleted one’s messages', () => {
    let state = play(
      initialState,
      event('session.created', { sessionID: 'ses_1', info: session('ses_1', 1) }),
      event('session.updated', {
        sessionID: 'ses_1',
        info: session('ses_1', 2, { title: 'Renamed' }),
      }),
      event('message.updated', { sessionID: 'ses_1', info: userMessage('msg_1') }),
    );
    expect(state.sessions.ses_1!.title).toBe('Renamed');
    state = play(
      state,
      event('session.deleted', { sessionID: 'ses_1', info: session('ses_1', 2) }),
    );
    expect(state.sessions).toEqual({});
    expect(state.messages).toEqual({});
  });

  it('leaves the state untouched for events it does not show', () => {
    expect(play(initialState, event('server.connected', {}))).toBe(initialState);
    expect(play(initialState, event('lsp.updated', {}))).toBe(initialState);
  });
});

describe('loads racing events', () => {
  const dispatchEvent = (state: ClientState, e: Event) =>
    reduce(state, { type: 'event', event: e });

  it('keeps a session created while the list was on its way, and drops one deleted meanwhile', () => {
    let state = reduce(initialState, {
      type: 'sessions.loaded',
      since: 0,
      sessions: [session('ses_a', 1)],
    });
    const since = state.clock;
    state = dispatchEvent(
      state,
      event('session.created', { sessionID: 'ses_new', info: session('ses_new', 5) }),
    );
    state = dispatchEvent(
      state,
      event('session.deleted', { sessionID: 'ses_a', info: session('ses_a', 1) }),
    );
    // The list was taken before both events.
    state = reduce(state, {
      type: 'sessions.loaded',
      since,
      sessions: [session('ses_a', 1), session('ses_b', 2)],
    });
    expect(Object.keys(state.sessions).sort()).toEqual(['ses_b', 'ses_new']);
  });

  it('keeps the streamed version of a message touched while its session loaded', () => {
    let state = initialState;
    const since = state.clock;
    state = dispatchEvent(
      state,
      event('message.updated', { sessionID: 'ses_1', info: assistantMessage('msg_2') }),
    );
    state = dispatchEvent(
      state,
      event('message.part.updated', {
        sessionID: 'ses_1',
        part: textPart('prt_1', 'msg_2', 'streamed'),
        time: 1,
      }),
    );
    state = reduce(state, {
      type: 'messages.loaded',
      sessionID: 'ses_1',
      since,
      messages: [
        { info: userMessage('msg_1'), parts: [] },
        { info: assistantMessage('msg_2'), parts: [textPart('prt_1', 'msg_2', 'str')] },
      ],
    });
    expect(state.messages.ses_1!.map((entry) => entry.info.id)).toEqual(['msg_1', 'msg_2']);
    expect(state.messages.ses_1![1]!.parts).toEqual([textPart('prt_1', 'msg_2', 'streamed')]);
  });
});

describe('session list', () => {
  it('lists root sessions newest first, without subagent or archived sessions', () => {
    const state = reduce(initialState, {
      type: 'sessions.loaded',
      since: 0,
      sessions: [
        session('ses_old', 1),
        session('ses_new', 3),
        session('ses_child', 4, { parentID: 'ses_new' }),
        session('ses_archived', 5, { time: { created: 5, updated: 5, archived: 6 } }),
      ],
    });
    expect(listedSessions(state).map((item) => item.id)).toEqual(['ses_new', 'ses_old']);
    expect([...sessionFamily(state, 'ses_new')].sort()).toEqual(['ses_child', 'ses_new']);
  });
});
