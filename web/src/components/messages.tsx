import type { AssistantMessage, Part, ToolPart, Todo } from '@opencode-ai/sdk/v2/client';
import type { MessageEntry } from '../state';
import { Markdown } from './markdown';

interface MessagesProps {
  entries: MessageEntry[];
  /** The message the session is reverted to: it and what follows are hidden. */
  revertedFrom?: string;
  onRevert: (messageID: string) => void;
}

export function Messages({ entries, revertedFrom, onRevert }: MessagesProps) {
  const shown = revertedFrom ? entries.filter((entry) => entry.info.id < revertedFrom) : entries;
  return (
    <>
      {shown.map((entry) =>
        entry.info.role === 'user' ? (
          <UserMessage key={entry.info.id} entry={entry} onRevert={onRevert} />
        ) : (
          <AssistantMessageView key={entry.info.id} info={entry.info} parts={entry.parts} />
        ),
      )}
    </>
  );
}

function UserMessage({
  entry,
  onRevert,
}: {
  entry: MessageEntry;
  onRevert: (messageID: string) => void;
}) {
  const text = entry.parts
    .filter((part) => part.type === 'text' && !part.synthetic)
    .map((part) => (part.type === 'text' ? part.text : ''))
    .join('\n');
  const files = entry.parts.filter((part) => part.type === 'file');
  return (
    <article class="message user" data-testid="message-user" data-message-id={entry.info.id}>
      <div class="message-head">
        <span class="who">You</span>
        <button
          type="button"
          class="link"
          title="Undo this message and everything after it, file changes included"
          onClick={() => onRevert(entry.info.id)}
        >
          Revert
        </button>
      </div>
      <div class="text">{text}</div>
      {files.length > 0 && (
        <ul class="chips">
          {files.map((part) =>
            part.type === 'file' ? <li key={part.id}>@{part.filename ?? part.url}</li> : null,
          )}
        </ul>
      )}
    </article>
  );
}

function AssistantMessageView({ info, parts }: { info: AssistantMessage; parts: Part[] }) {
  const aborted = info.error?.name === 'MessageAbortedError';
  return (
    <article class="message assistant" data-testid="message-assistant" data-message-id={info.id}>
      <div class="message-head">
        <span class="who">{info.agent || info.mode}</span>
        <span class="muted">
          {info.providerID}/{info.modelID}
        </span>
      </div>
      {parts.map((part) => (
        <PartView key={part.id} part={part} />
      ))}
      {info.error && !aborted && (
        <div class="error" role="alert">
          {errorText(info.error)}
        </div>
      )}
      {aborted && <div class="muted">Stopped.</div>}
    </article>
  );
}

function PartView({ part }: { part: Part }) {
  switch (part.type) {
    case 'text':
      return part.synthetic || part.ignored ? null : <Markdown text={part.text} />;
    case 'reasoning':
      return part.text.trim() ? (
        <details class="reasoning">
          <summary>Thinking</summary>
          <div class="text">{part.text}</div>
        </details>
      ) : null;
    case 'tool':
      return <ToolView part={part} />;
    case 'retry':
      return (
        <div class="warning">
          Retry {part.attempt}: {part.error.data.message}
        </div>
      );
    case 'patch':
      return <div class="muted">Changed {part.files.join(', ')}</div>;
    case 'file':
      return <div class="muted">Attached {part.filename ?? part.url}</div>;
    case 'subtask':
      return (
        <div class="muted">
          Subtask for {part.agent}: {part.description}
        </div>
      );
    case 'agent':
      return <div class="muted">@{part.name}</div>;
    case 'compaction':
      return <div class="muted">The conversation so far was summarised.</div>;
    default:
      // step-start, step-finish, snapshot: bookkeeping, nothing to read.
      return null;
  }
}

function ToolView({ part }: { part: ToolPart }) {
  const { state } = part;
  const title = 'title' in state && state.title ? state.title : inputSummary(state.input);
  return (
    <details class={`tool ${state.status}`} data-testid="tool-part" data-tool={part.tool}>
      <summary>
        <span class="tool-name">{part.tool}</span>
        <span class="tool-title">{title}</span>
        <span class={`badge ${state.status}`}>{state.status}</span>
      </summary>
      <div class="tool-body">
        <h4>Input</h4>
        <pre>{JSON.stringify(state.input, null, 2)}</pre>
        {state.status === 'completed' && (
          <>
            <h4>Output</h4>
            <pre>{state.output}</pre>
          </>
        )}
        {state.status === 'error' && (
          <>
            <h4>Error</h4>
            <pre class="error">{state.error}</pre>
          </>
        )}
      </div>
    </details>
  );
}

/**
 * What a tool call is about before the tool has given it a title (pending, or waiting on a
 * permission): the model's own description of the call, else its command, path or pattern.
 */
export function inputSummary(input: Record<string, unknown> | undefined): string {
  for (const key of ['description', 'command', 'filePath', 'path', 'pattern', 'url']) {
    const value = input?.[key];
    if (typeof value === 'string' && value.trim()) return value.trim().split('\n')[0] ?? '';
  }
  return '';
}

export function TodoList({ todos }: { todos: Todo[] }) {
  if (todos.length === 0) return null;
  const mark: Record<string, string> = {
    completed: '[x]',
    in_progress: '[~]',
    cancelled: '[-]',
    pending: '[ ]',
  };
  return (
    <section class="todos" aria-label="To-do list">
      <ul>
        {todos.map((todo, index) => (
          <li key={index} class={todo.status}>
            <span class="mark">{mark[todo.status] ?? '[ ]'}</span> {todo.content}
          </li>
        ))}
      </ul>
    </section>
  );
}

function errorText(error: NonNullable<AssistantMessage['error']>): string {
  const data = error.data as { message?: unknown };
  return typeof data.message === 'string' && data.message ? data.message : error.name;
}
