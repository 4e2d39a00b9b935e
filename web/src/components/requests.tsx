import type { PermissionRequest, QuestionRequest } from '@opencode-ai/sdk/v2/client';
import { useState } from 'preact/hooks';

export type PermissionReply = 'once' | 'always' | 'reject';

interface PermissionCardProps {
  request: PermissionRequest;
  /** The session's title when the ask comes from another session than the open one. */
  from?: string;
  onReply: (reply: PermissionReply) => void;
}

/** One permission ask. Alt+1 / Alt+2 / Alt+3 answer the first one shown (see app.tsx). */
export function PermissionCard({ request, from, onReply }: PermissionCardProps) {
  const detail = describePermission(request);
  return (
    <section class="request permission" role="alertdialog" aria-label="Permission needed">
      <div class="request-head">
        <strong>Allow {request.permission}?</strong>
        {from && <span class="muted"> in {from}</span>}
      </div>
      {detail && <pre class="request-detail">{detail}</pre>}
      <div class="actions">
        <button type="button" data-testid="permission-allow-once" onClick={() => onReply('once')}>
          Allow once <kbd>Alt+1</kbd>
        </button>
        <button
          type="button"
          data-testid="permission-allow-always"
          title={request.always.length ? `Always allow ${request.always.join(', ')}` : undefined}
          onClick={() => onReply('always')}
        >
          Always allow <kbd>Alt+2</kbd>
        </button>
        <button
          type="button"
          class="danger"
          data-testid="permission-reject"
          onClick={() => onReply('reject')}
        >
          Reject <kbd>Alt+3</kbd>
        </button>
      </div>
    </section>
  );
}

/** What the ask is about: the command, the file, else the patterns it would allow. */
export function describePermission(request: PermissionRequest): string {
  const metadata = request.metadata;
  for (const key of ['command', 'filepath', 'filePath', 'path', 'url']) {
    const value = metadata[key];
    if (typeof value === 'string' && value) return value;
  }
  return request.patterns.join('\n');
}

interface QuestionCardProps {
  request: QuestionRequest;
  from?: string;
  onReply: (answers: string[][]) => void;
  onDismiss: () => void;
}

/** A question of the agent: pick options (or type an answer), one set per question. */
export function QuestionCard({ request, from, onReply, onDismiss }: QuestionCardProps) {
  const [picked, setPicked] = useState<string[][]>(() => request.questions.map(() => []));
  const [custom, setCustom] = useState<string[]>(() => request.questions.map(() => ''));
  const toggle = (index: number, label: string, multiple: boolean) =>
    setPicked((current) =>
      current.map((labels, i) => {
        if (i !== index) return labels;
        if (!multiple) return [label];
        return labels.includes(label) ? labels.filter((l) => l !== label) : [...labels, label];
      }),
    );
  const answers = request.questions.map((_question, index) => {
    const typed = custom[index]!.trim();
    return typed ? [...picked[index]!, typed] : picked[index]!;
  });
  return (
    <section class="request question" role="dialog" aria-label="Question">
      {from && <div class="muted">From {from}</div>}
      {request.questions.map((question, index) => (
        <fieldset key={index}>
          <legend>{question.header || 'Question'}</legend>
          <p>{question.question}</p>
          <div class="options">
            {question.options.map((option) => (
              <button
                type="button"
                key={option.label}
                class="option"
                aria-pressed={picked[index]!.includes(option.label)}
                title={option.description}
                onClick={() => toggle(index, option.label, question.multiple === true)}
              >
                {option.label}
              </button>
            ))}
          </div>
          {question.custom !== false && (
            <input
              type="text"
              placeholder="Or type your answer"
              value={custom[index]}
              onInput={(event) => {
                const value = event.currentTarget.value;
                setCustom((current) => current.map((text, i) => (i === index ? value : text)));
              }}
            />
          )}
        </fieldset>
      ))}
      <div class="actions">
        <button
          type="button"
          data-testid="question-submit"
          disabled={answers.some((answer) => answer.length === 0)}
          onClick={() => onReply(answers)}
        >
          Answer
        </button>
        <button type="button" data-testid="question-dismiss" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    </section>
  );
}
