import type { Session } from '@opencode-ai/sdk/v2/client';

interface SessionListProps {
  sessions: Session[];
  selected?: string;
  /** Sessions with an ask or a question waiting (theirs or a subagent's). */
  waiting: ReadonlySet<string>;
  busy: ReadonlySet<string>;
  onSelect: (sessionID: string) => void;
  onCreate: () => void;
}

export function SessionList(props: SessionListProps) {
  const { sessions, selected, waiting, busy, onSelect, onCreate } = props;
  return (
    <nav class="sessions" aria-label="Sessions">
      <button type="button" class="primary" data-testid="session-new" onClick={onCreate}>
        New session <kbd>Alt+N</kbd>
      </button>
      <ul data-testid="session-list">
        {sessions.map((session) => (
          <li key={session.id}>
            <button
              type="button"
              data-testid="session-item"
              data-session-id={session.id}
              aria-current={session.id === selected ? 'page' : undefined}
              onClick={() => onSelect(session.id)}
            >
              <span class="session-title">{session.title || session.id}</span>
              <span class="session-meta">
                {waiting.has(session.id) && <span class="badge ask">needs you</span>}
                {busy.has(session.id) && <span class="badge busy">working</span>}
                <time dateTime={new Date(session.time.updated).toISOString()}>
                  {formatTime(session.time.updated)}
                </time>
              </span>
            </button>
          </li>
        ))}
        {sessions.length === 0 && <li class="muted empty-list">No sessions yet.</li>}
      </ul>
    </nav>
  );
}

function formatTime(ms: number): string {
  const date = new Date(ms);
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}
