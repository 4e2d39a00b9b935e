import type { Session, SnapshotFileDiff } from '@opencode-ai/sdk/v2/client';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import { DiffView } from './components/diff-view';
import { Messages, TodoList } from './components/messages';
import { Prompt, type Choice } from './components/prompt';
import { PermissionCard, QuestionCard, type PermissionReply } from './components/requests';
import { SessionList } from './components/session-list';
import { TerminalPanel } from './components/terminal';
import { createClient, eventStreamUrl, type Connection } from './connection';
import { openEventStream } from './events';
import { promptParts } from './mention';
import { initialState, listedSessions, reduce, sessionFamily, type ClientState } from './state';

/** The open session lives in the URL's hash, so a reload (or a link) shows the same one. */
function sessionFromHash(): string | undefined {
  return decodeURIComponent(location.hash.slice(1)) || undefined;
}

export function App({ connection }: { connection: Connection }) {
  const client = useMemo(() => createClient(connection), [connection]);
  const [state, dispatch] = useReducer(reduce, initialState);
  const [selected, setSelected] = useState<string | undefined>(sessionFromHash);
  const [directory, setDirectory] = useState('');
  const [notice, setNotice] = useState<string>();
  const [agents, setAgents] = useState<Choice[]>([]);
  const [models, setModels] = useState<Choice[]>([]);
  const [agent, setAgent] = useState('');
  const [model, setModel] = useState('');
  const [showDiff, setShowDiff] = useState(false);
  const [diffs, setDiffs] = useState<SnapshotFileDiff[]>();
  const [showTerminal, setShowTerminal] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const promptRef = useRef<HTMLTextAreaElement>(null);
  const stateRef = useRef(state);
  stateRef.current = state;

  /** Runs an API call; a failure is shown, never thrown into the page. */
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    try {
      const result = await action();
      setNotice(undefined);
      return result;
    } catch (error) {
      setNotice(error instanceof Error ? error.message : String(error));
      return undefined;
    }
  }, []);

  const loadSession = useCallback(
    async (sessionID: string) => {
      await run(async () => {
        const since = stateRef.current.clock;
        const [messages, todos] = await Promise.all([
          client.session.messages({ sessionID }),
          client.session.todo({ sessionID }),
        ]);
        dispatch({ type: 'messages.loaded', sessionID, messages: messages.data ?? [], since });
        dispatch({ type: 'todos.loaded', sessionID, todos: todos.data ?? [] });
      });
    },
    [client, run],
  );

  /** Everything the page shows, from the API: at start and whenever the stream reopens. */
  const loadAll = useCallback(async () => {
    await run(async () => {
      const since = stateRef.current.clock;
      const [sessions, status, permissions, questions, path] = await Promise.all([
        client.session.list(),
        client.session.status(),
        client.permission.list(),
        client.question.list(),
        client.path.get(),
      ]);
      dispatch({ type: 'sessions.loaded', sessions: sessions.data ?? [], since });
      dispatch({ type: 'status.loaded', status: status.data ?? {} });
      dispatch({ type: 'permissions.loaded', permissions: permissions.data ?? [] });
      dispatch({ type: 'questions.loaded', questions: questions.data ?? [] });
      setDirectory(path.data?.directory ?? '');
    });
    const open = sessionFromHash();
    if (open) await loadSession(open);
  }, [client, run, loadSession]);

  // Agents and models change rarely: loaded once.
  useEffect(() => {
    void run(async () => {
      const [agentList, providers] = await Promise.all([
        client.app.agents(),
        client.config.providers(),
      ]);
      setAgents(
        (agentList.data ?? [])
          .filter((item) => item.mode !== 'subagent' && !item.hidden)
          .map((item) => ({ value: item.name, label: item.name })),
      );
      setModels(
        (providers.data?.providers ?? []).flatMap((provider) =>
          Object.values(provider.models).map((item) => ({
            value: `${provider.id}/${item.id}`,
            label: `${provider.name}: ${item.name}`,
          })),
        ),
      );
    });
  }, [client, run]);

  useEffect(
    () =>
      openEventStream(eventStreamUrl(connection), {
        onEvent: (event) => dispatch({ type: 'event', event }),
        onOpen: () => {
          dispatch({ type: 'connected', connected: true });
          void loadAll();
        },
        onClose: () => dispatch({ type: 'connected', connected: false }),
      }),
    [connection, loadAll],
  );

  // The open session follows the hash (back/forward, a pasted link) and the hash the session.
  useEffect(() => {
    const follow = () => setSelected(sessionFromHash());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  const select = useCallback(
    (sessionID: string | undefined) => {
      history.replaceState(null, '', sessionID ? `#${encodeURIComponent(sessionID)}` : '#');
      setSelected(sessionID);
      setRenaming(false);
      setConfirmDelete(false);
      setDiffs(undefined);
      if (sessionID) void loadSession(sessionID);
    },
    [loadSession],
  );

  const session = selected ? state.sessions[selected] : undefined;
  // The agent and model of the open session's last turn are the pickers' starting point.
  useEffect(() => {
    setAgent(session?.agent ?? '');
    setModel(session?.model ? `${session.model.providerID}/${session.model.id}` : '');
  }, [session?.id]);

  const status = selected ? state.status[selected] : undefined;
  const busy = status?.type === 'busy' || status?.type === 'retry';

  const refreshDiff = useCallback(
    async (sessionID: string) => {
      const result = await run(() => client.session.diff({ sessionID }));
      if (result && stateRef.current.sessions[sessionID]) setDiffs(result.data ?? []);
    },
    [client, run],
  );
  // Reloaded while shown, whenever the session changes (a turn ends, a revert).
  const diffKey = session ? `${session.id}:${session.time.updated}:${status?.type}` : '';
  useEffect(() => {
    // Not for a session just deleted: it has no diff any more.
    if (showDiff && session) void refreshDiff(session.id);
  }, [showDiff, diffKey]);

  const createSession = useCallback(async (): Promise<Session | undefined> => {
    const result = await run(() => client.session.create({}));
    const created = result?.data;
    if (created) {
      dispatch({
        type: 'event',
        event: {
          id: '',
          type: 'session.created',
          properties: { sessionID: created.id, info: created },
        },
      });
      select(created.id);
      promptRef.current?.focus();
    }
    return created;
  }, [client, run, select]);

  const submit = async (text: string, picked: ReadonlySet<string>): Promise<boolean> => {
    const target = session ?? (await createSession());
    if (!target) return false;
    const [providerID, ...rest] = model.split('/');
    const result = await run(() =>
      client.session.promptAsync({
        sessionID: target.id,
        parts: promptParts(text, picked, directory || target.directory),
        ...(agent ? { agent } : {}),
        ...(model && providerID ? { model: { providerID, modelID: rest.join('/') } } : {}),
      }),
    );
    return result !== undefined;
  };

  const abort = () => {
    if (selected) void run(() => client.session.abort({ sessionID: selected }));
  };

  const replyPermission = (requestID: string, reply: PermissionReply) =>
    run(async () => {
      await client.permission.reply({ requestID, reply });
      dispatch({ type: 'request.answered', requestID });
    });

  const rename = async (title: string) => {
    setRenaming(false);
    if (!selected || !title.trim() || title === session?.title) return;
    await run(() => client.session.update({ sessionID: selected, title: title.trim() }));
  };

  const fork = async () => {
    if (!selected) return;
    const result = await run(() => client.session.fork({ sessionID: selected }));
    if (result?.data) select(result.data.id);
  };

  const remove = async () => {
    if (!selected) return;
    if (!confirmDelete) {
      setConfirmDelete(true);
      return;
    }
    const sessionID = selected;
    const result = await run(() => client.session.delete({ sessionID }));
    if (result) {
      const next = listedSessions(stateRef.current).find((item) => item.id !== sessionID);
      select(next?.id);
    }
  };

  const revert = (messageID: string) => {
    if (!selected) return;
    void run(async () => {
      await client.session.revert({ sessionID: selected, messageID });
      setShowDiff(true);
    });
  };
  const unrevert = () => {
    if (selected) void run(() => client.session.unrevert({ sessionID: selected }));
  };

  const sessions = listedSessions(state);
  const family = selected ? sessionFamily(state, selected) : new Set<string>();
  const rootOf = useMemo(() => rootSessions(state), [state.sessions]);
  const permissions = ordered(Object.values(state.permissions), family);
  const questions = ordered(Object.values(state.questions), family);
  const waiting = new Set(
    [...permissions, ...questions].map((request) => rootOf(request.sessionID)),
  );
  const busySessions = new Set(
    Object.entries(state.status)
      .filter(([, value]) => value.type !== 'idle')
      .map(([id]) => rootOf(id)),
  );
  const from = (sessionID: string) =>
    family.has(sessionID) ? undefined : (state.sessions[sessionID]?.title ?? sessionID);

  // Keyboard first: every action of the page has a key.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey && event.key === '`') {
        event.preventDefault();
        setShowTerminal((open) => !open);
        return;
      }
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const key = event.key.toLowerCase();
      const first = permissions[0];
      const handled = (() => {
        switch (key) {
          case 'n':
            void createSession();
            return true;
          case 'd':
            setShowDiff((open) => !open);
            return true;
          case 'arrowup':
          case 'arrowdown': {
            const index = sessions.findIndex((item) => item.id === selected);
            const next = sessions[index + (key === 'arrowup' ? -1 : 1)];
            if (next) select(next.id);
            return true;
          }
          case '1':
          case '2':
          case '3':
            if (!first) return false;
            void replyPermission(
              first.id,
              key === '1' ? 'once' : key === '2' ? 'always' : 'reject',
            );
            return true;
          default:
            return false;
        }
      })();
      if (handled) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const entries = selected ? (state.messages[selected] ?? []) : [];
  const todos = selected ? (state.todos[selected] ?? []) : [];
  const error = selected ? state.errors[selected] : undefined;
  const messagesEnd = useRef<HTMLDivElement>(null);
  const lastPart = entries.at(-1)?.parts.at(-1);
  const progress = `${entries.length}:${lastPart?.id}:${lastPart?.type === 'text' ? lastPart.text.length : ''}`;
  useEffect(() => messagesEnd.current?.scrollIntoView({ block: 'end' }), [progress, selected]);

  return (
    <div class={`layout${showDiff ? ' with-diff' : ''}`}>
      <aside class="sidebar">
        <header class="brand">
          <strong>opencode</strong>
          <span class="muted directory" title={directory}>
            {directory}
          </span>
        </header>
        <SessionList
          sessions={sessions}
          selected={selected}
          waiting={waiting}
          busy={busySessions}
          onSelect={select}
          onCreate={() => void createSession()}
        />
        <footer class="keys muted">
          <kbd>Alt+↑/↓</kbd> sessions · <kbd>Alt+D</kbd> changes · <kbd>Ctrl+`</kbd> terminal ·{' '}
          <kbd>F2</kbd> rename
        </footer>
      </aside>
      <main class="main">
        <header class="session-head">
          {renaming && session ? (
            <input
              class="title-input"
              data-testid="session-title-input"
              aria-label="Session title"
              defaultValue={session.title}
              ref={(element) => element?.focus()}
              onKeyDown={(event) => {
                if (event.key === 'Enter') void rename(event.currentTarget.value);
                if (event.key === 'Escape') setRenaming(false);
              }}
              onBlur={(event) => void rename(event.currentTarget.value)}
            />
          ) : (
            <h1
              tabIndex={0}
              onKeyDown={(event) => event.key === 'F2' && setRenaming(true)}
              onDblClick={() => setRenaming(true)}
            >
              {session?.title ?? 'New session'}
            </h1>
          )}
          {!state.connected && <span class="badge warn">offline</span>}
          {session && (
            <>
              <button type="button" data-testid="session-rename" onClick={() => setRenaming(true)}>
                Rename
              </button>
              <button type="button" data-testid="session-fork" onClick={() => void fork()}>
                Fork
              </button>
              <button
                type="button"
                class="danger"
                data-testid="session-delete"
                onClick={() => void remove()}
                onBlur={() => setConfirmDelete(false)}
              >
                {confirmDelete ? 'Really delete?' : 'Delete'}
              </button>
              <button
                type="button"
                data-testid="diff-toggle"
                aria-pressed={showDiff}
                onClick={() => setShowDiff((open) => !open)}
              >
                Changes
              </button>
            </>
          )}
          <button
            type="button"
            data-testid="terminal-toggle"
            aria-pressed={showTerminal}
            onClick={() => setShowTerminal((open) => !open)}
          >
            Terminal
          </button>
        </header>
        {notice && (
          <div class="notice" role="alert">
            {notice}
            <button type="button" class="link" onClick={() => setNotice(undefined)}>
              Dismiss
            </button>
          </div>
        )}
        <div class="messages" aria-live="polite">
          {!session && <p class="muted empty">Pick a session, or write a prompt to start one.</p>}
          <Messages entries={entries} revertedFrom={session?.revert?.messageID} onRevert={revert} />
          {session?.revert && (
            <div class="reverted">
              Messages from here on were reverted.{' '}
              <button type="button" data-testid="session-unrevert" onClick={unrevert}>
                Unrevert
              </button>
            </div>
          )}
          {status?.type === 'retry' && (
            <div class="warning">
              Retrying (attempt {status.attempt}) at {new Date(status.next).toLocaleTimeString()}:{' '}
              {status.message}
            </div>
          )}
          {status?.type === 'busy' && <div class="working muted">Working…</div>}
          {error && (
            <div class="error" role="alert">
              {error}
            </div>
          )}
          <div ref={messagesEnd} />
        </div>
        <TodoList todos={todos} />
        {(permissions.length > 0 || questions.length > 0) && (
          <div class="requests">
            {permissions.map((request) => (
              <PermissionCard
                key={request.id}
                request={request}
                from={from(request.sessionID)}
                onReply={(reply) => void replyPermission(request.id, reply)}
              />
            ))}
            {questions.map((request) => (
              <QuestionCard
                key={request.id}
                request={request}
                from={from(request.sessionID)}
                onReply={(answers) =>
                  void run(async () => {
                    await client.question.reply({ requestID: request.id, answers });
                    dispatch({ type: 'request.answered', requestID: request.id });
                  })
                }
                onDismiss={() =>
                  void run(async () => {
                    await client.question.reject({ requestID: request.id });
                    dispatch({ type: 'request.answered', requestID: request.id });
                  })
                }
              />
            ))}
          </div>
        )}
        <Prompt
          client={client}
          inputRef={promptRef}
          busy={busy}
          agents={agents}
          models={models}
          agent={agent}
          model={model}
          onAgent={setAgent}
          onModel={setModel}
          onSubmit={submit}
          onAbort={abort}
        />
        {showTerminal && (
          <TerminalPanel
            client={client}
            connection={connection}
            onClose={() => setShowTerminal(false)}
          />
        )}
      </main>
      {showDiff && session && (
        <DiffView
          diffs={diffs}
          reverted={session.revert !== undefined}
          onUnrevert={unrevert}
          onClose={() => setShowDiff(false)}
        />
      )}
    </div>
  );
}

/** Requests of the open session (and its subagents) first, then the others, oldest first. */
function ordered<T extends { id: string; sessionID: string }>(
  requests: T[],
  family: ReadonlySet<string>,
): T[] {
  return [...requests].sort(
    (a, b) =>
      Number(!family.has(a.sessionID)) - Number(!family.has(b.sessionID)) || (a.id < b.id ? -1 : 1),
  );
}

/** Maps a session to the root of its subagent tree: where the session list shows it. */
function rootSessions(state: ClientState): (sessionID: string) => string {
  return (sessionID) => {
    let current = sessionID;
    const seen = new Set<string>();
    while (!seen.has(current)) {
      seen.add(current);
      const parent = state.sessions[current]?.parentID;
      if (!parent) break;
      current = parent;
    }
    return current;
  };
}
