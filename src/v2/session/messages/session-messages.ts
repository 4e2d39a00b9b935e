import type { SessionDurableEvent } from '../log/session-event.types';

/** A message of the `/api` routes (see `SessionMessageDto`): plain JSON, built from events. */
export interface SessionMessage {
  id: string;
  type: string;
  time: { created: number; completed?: number };
  [field: string]: unknown;
}

interface ToolContent {
  type: 'tool';
  id: string;
  name: string;
  provider?: { executed: boolean };
  state: Record<string, unknown> & { status: string };
  time: { created: number; ran?: number; completed?: number };
}

type Content =
  | { type: 'text'; id: string; text: string }
  | { type: 'reasoning'; id: string; text: string; time: { created: number; completed?: number } }
  | ToolContent;

/**
 * The messages of a session, oldest first, from its durable events (those that change only the
 * session, a staged revert say, are passed over): each event is folded into
 * the message it names (a prompt, a model step, a switch, a shell command, a compaction); a
 * committed revert drops every message after its boundary.
 */
export function projectMessages(events: readonly SessionDurableEvent[]): SessionMessage[] {
  const messages = new Map<string, SessionMessage>();
  /** Shell commands by call id (their `ended` names only the call). */
  const shells = new Map<string, SessionMessage>();
  for (const { type, data } of events) {
    const name = type.slice('session.next.'.length);
    const at = data.timestamp;
    const str = (field: string) => data[field] as string;
    const assistant = () => messages.get(str('assistantMessageID'));
    const content = () => (assistant()?.content ?? []) as Content[];
    const tool = () =>
      content().find(
        (item): item is ToolContent => item.type === 'tool' && item.id === str('callID'),
      );
    /** A new message, created now: its id, its time, then its own fields. */
    const add = (id: string, fields: Record<string, unknown>): SessionMessage => {
      const message = { id, time: { created: at }, ...fields } as SessionMessage;
      messages.set(id, message);
      return message;
    };
    switch (name) {
      case 'prompted':
        add(str('messageID'), { ...(data.prompt as object), type: 'user' });
        break;
      case 'agent.switched':
        add(str('messageID'), { type: 'agent-switched', agent: data.agent });
        break;
      case 'model.switched':
        add(str('messageID'), { type: 'model-switched', model: data.model });
        break;
      case 'synthetic':
        add(str('messageID'), { sessionID: data.sessionID, text: data.text, type: 'synthetic' });
        break;
      case 'shell.started': {
        const shell = add(str('messageID'), {
          type: 'shell',
          callID: str('callID'),
          command: data.command,
          output: '',
        });
        shells.set(str('callID'), shell);
        break;
      }
      case 'shell.ended': {
        const shell = shells.get(str('callID'));
        if (shell)
          Object.assign(shell, { output: data.output, time: { ...shell.time, completed: at } });
        break;
      }
      case 'step.started':
        add(str('assistantMessageID'), {
          type: 'assistant',
          agent: data.agent,
          model: data.model,
          content: [],
          ...(data.snapshot !== undefined && { snapshot: { start: data.snapshot } }),
        });
        break;
      case 'step.ended': {
        const message = assistant();
        if (!message) break;
        const snapshot = (message.snapshot ?? {}) as Record<string, unknown>;
        Object.assign(message, {
          time: { ...message.time, completed: at },
          ...((data.snapshot !== undefined || data.files !== undefined) && {
            snapshot: {
              ...snapshot,
              ...(data.snapshot !== undefined && { end: data.snapshot }),
              ...(data.files !== undefined && { files: data.files }),
            },
          }),
          finish: data.finish,
          cost: data.cost,
          tokens: data.tokens,
        });
        break;
      }
      case 'step.failed': {
        const message = assistant();
        if (message)
          Object.assign(message, { time: { ...message.time, completed: at }, error: data.error });
        break;
      }
      case 'text.started':
        content().push({ type: 'text', id: str('textID'), text: '' });
        break;
      case 'reasoning.started':
        content().push({
          type: 'reasoning',
          id: str('reasoningID'),
          text: '',
          ...(data.providerMetadata !== undefined && { providerMetadata: data.providerMetadata }),
          time: { created: at },
        });
        break;
      case 'text.ended':
      case 'reasoning.ended': {
        const id = name === 'text.ended' ? str('textID') : str('reasoningID');
        const item = content().find((entry) => entry.type !== 'tool' && entry.id === id);
        if (!item || item.type === 'tool') break;
        item.text = str('text');
        if (item.type === 'reasoning') item.time.completed = at;
        break;
      }
      case 'tool.input.started':
        content().push({
          type: 'tool',
          id: str('callID'),
          name: str('name'),
          state: { status: 'pending', input: '' },
          time: { created: at },
        });
        break;
      case 'tool.input.ended': {
        const item = tool();
        if (item) item.state = { status: 'pending', input: data.text };
        break;
      }
      case 'tool.called': {
        const item = tool();
        if (!item) break;
        item.provider = data.provider as ToolContent['provider'];
        item.state = { status: 'running', input: data.input, structured: {}, content: [] };
        item.time.ran = at;
        break;
      }
      case 'tool.progress': {
        const item = tool();
        if (item)
          item.state = { ...item.state, structured: data.structured, content: data.content };
        break;
      }
      case 'tool.success':
      case 'tool.failed': {
        const item = tool();
        if (!item) break;
        const input = item.state.status === 'running' ? item.state.input : {};
        item.state =
          name === 'tool.success'
            ? {
                status: 'completed',
                input,
                content: data.content,
                structured: data.structured,
                ...(data.outputPaths !== undefined && { outputPaths: data.outputPaths }),
                ...(data.result !== undefined && { result: data.result }),
              }
            : {
                status: 'error',
                input,
                content: [],
                structured: {},
                error: data.error,
                ...(data.result !== undefined && { result: data.result }),
              };
        item.time.completed = at;
        break;
      }
      case 'compaction.started':
        add(str('messageID'), { type: 'compaction', reason: data.reason, summary: '', recent: '' });
        break;
      case 'compaction.ended': {
        const message = messages.get(str('messageID'));
        if (message) Object.assign(message, { summary: data.text, recent: data.recent });
        break;
      }
      case 'revert.committed': {
        let after = false;
        for (const id of [...messages.keys()]) {
          if (after) messages.delete(id);
          else if (id === str('messageID')) after = true;
        }
        break;
      }
    }
  }
  return [...messages.values()];
}

/** What the model sees: the messages from the latest compaction on (all when none), oldest first. */
export function contextOf(messages: readonly SessionMessage[]): SessionMessage[] {
  let start = 0;
  messages.forEach((message, index) => {
    if (message.type === 'compaction') start = index;
  });
  return messages.slice(start);
}
