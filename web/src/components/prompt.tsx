import type { OpencodeClient } from '@opencode-ai/sdk/v2/client';
import type { Ref } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { activeMention, completeMention, type ActiveMention } from '../mention';

export interface Choice {
  value: string;
  label: string;
}

interface PromptProps {
  client: OpencodeClient;
  inputRef: Ref<HTMLTextAreaElement>;
  busy: boolean;
  agents: Choice[];
  models: Choice[];
  agent: string;
  model: string;
  onAgent: (agent: string) => void;
  onModel: (model: string) => void;
  /** Resolves true once the prompt was accepted: only then is the input cleared. */
  onSubmit: (text: string, picked: ReadonlySet<string>) => Promise<boolean>;
  onAbort: () => void;
}

/** How many files the `@` suggestions list. */
const SUGGESTIONS = 10;

/**
 * The prompt: Enter sends (Shift+Enter for a new line), Esc stops a running turn, `@` suggests
 * the project's files (↑/↓ to choose, Enter or Tab to take one).
 */
export function Prompt(props: PromptProps) {
  const { client, inputRef, busy, agents, models, agent, model } = props;
  const [text, setText] = useState('');
  const [mention, setMention] = useState<ActiveMention>();
  const [suggestions, setSuggestions] = useState<string[]>([]);
  const [highlighted, setHighlighted] = useState(0);
  const [picked, setPicked] = useState<Set<string>>(() => new Set());
  const [sending, setSending] = useState(false);

  const query = mention?.query;
  useEffect(() => {
    if (query === undefined) {
      setSuggestions([]);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      client.find
        .files({ query, dirs: 'false', limit: SUGGESTIONS })
        .then(({ data }) => {
          if (!current) return;
          setSuggestions(data ?? []);
          setHighlighted(0);
        })
        .catch(() => current && setSuggestions([]));
    }, 120);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, query]);

  const track = (element: HTMLTextAreaElement) => {
    setText(element.value);
    setMention(activeMention(element.value, element.selectionStart));
  };

  const take = (path: string, element: HTMLTextAreaElement) => {
    if (!mention) return;
    const next = completeMention(text, mention, element.selectionStart, path);
    element.value = next.text;
    element.setSelectionRange(next.caret, next.caret);
    setText(next.text);
    setMention(undefined);
    setPicked((current) => new Set(current).add(path));
  };

  const submit = async () => {
    if (!text.trim() || sending) return;
    setSending(true);
    const accepted = await props.onSubmit(text, picked);
    setSending(false);
    if (accepted) {
      setText('');
      setPicked(new Set());
      setMention(undefined);
    }
  };

  const onKeyDown = (event: KeyboardEvent & { currentTarget: HTMLTextAreaElement }) => {
    if (event.isComposing) return;
    const open = mention !== undefined && suggestions.length > 0;
    if (open && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setHighlighted((index) => (index + step + suggestions.length) % suggestions.length);
    } else if (open && (event.key === 'Enter' || event.key === 'Tab')) {
      event.preventDefault();
      take(suggestions[highlighted]!, event.currentTarget);
    } else if (event.key === 'Escape') {
      if (open) setMention(undefined);
      else if (busy) props.onAbort();
    } else if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void submit();
    }
  };

  return (
    <form
      class="prompt"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      {mention && suggestions.length > 0 && (
        <ul class="suggestions" role="listbox" aria-label="Files">
          {suggestions.map((path, index) => (
            <li
              key={path}
              role="option"
              aria-selected={index === highlighted}
              onMouseDown={(event) => {
                event.preventDefault();
                const element = (inputRef as { current: HTMLTextAreaElement | null }).current;
                if (element) take(path, element);
              }}
            >
              {path}
            </li>
          ))}
        </ul>
      )}
      <textarea
        ref={inputRef}
        data-testid="prompt-input"
        aria-label="Prompt"
        rows={3}
        placeholder="Ask anything; @ to mention a file"
        value={text}
        onInput={(event) => track(event.currentTarget)}
        onClick={(event) => track(event.currentTarget)}
        onKeyUp={(event) => {
          if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') track(event.currentTarget);
        }}
        onKeyDown={onKeyDown}
      />
      <div class="prompt-bar">
        <label>
          <span class="visually-hidden">Agent</span>
          <select
            data-testid="agent-select"
            value={agent}
            onChange={(event) => props.onAgent(event.currentTarget.value)}
          >
            <option value="">Default agent</option>
            {agents.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span class="visually-hidden">Model</span>
          <select
            data-testid="model-select"
            value={model}
            onChange={(event) => props.onModel(event.currentTarget.value)}
          >
            <option value="">Default model</option>
            {models.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <span class="spacer" />
        {busy && (
          <button type="button" class="danger" data-testid="prompt-abort" onClick={props.onAbort}>
            Stop <kbd>Esc</kbd>
          </button>
        )}
        <button
          type="submit"
          class="primary"
          data-testid="prompt-submit"
          disabled={sending || !text.trim()}
        >
          Send <kbd>Enter</kbd>
        </button>
      </div>
    </form>
  );
}
