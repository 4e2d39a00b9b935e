import type { OpencodeClient, PermissionRequest } from '@opencode-ai/sdk/v2/client';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { createRef } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MessageEntry } from '../state';
import { DiffView, patchLines } from './diff-view';
import { inputSummary, Messages } from './messages';
import { Prompt } from './prompt';
import { PermissionCard, QuestionCard } from './requests';

afterEach(cleanup);

const ask: PermissionRequest = {
  id: 'per_1',
  sessionID: 'ses_1',
  permission: 'bash',
  patterns: ['echo hi'],
  metadata: { command: 'echo hi > hi.txt' },
  always: ['echo *'],
};

describe('PermissionCard', () => {
  it('shows what is asked and answers once, always or reject', () => {
    const onReply = vi.fn();
    render(<PermissionCard request={ask} onReply={onReply} />);
    expect(screen.getByText('echo hi > hi.txt')).toBeTruthy();
    fireEvent.click(screen.getByTestId('permission-allow-once'));
    fireEvent.click(screen.getByTestId('permission-allow-always'));
    fireEvent.click(screen.getByTestId('permission-reject'));
    expect(onReply.mock.calls).toEqual([['once'], ['always'], ['reject']]);
  });
});

describe('QuestionCard', () => {
  it('answers with the picked option and the typed text, one list per question', () => {
    const onReply = vi.fn();
    render(
      <QuestionCard
        request={{
          id: 'que_1',
          sessionID: 'ses_1',
          questions: [
            {
              header: 'Colour',
              question: 'Which colour?',
              options: [
                { label: 'Red', description: '' },
                { label: 'Blue', description: '' },
              ],
            },
          ],
        }}
        onReply={onReply}
        onDismiss={() => undefined}
      />,
    );
    const submit = screen.getByTestId<HTMLButtonElement>('question-submit');
    expect(submit.disabled).toBe(true);
    fireEvent.click(screen.getByText('Red'));
    fireEvent.click(screen.getByText('Blue'));
    fireEvent.input(screen.getByPlaceholderText('Or type your answer'), {
      target: { value: 'teal' },
    });
    fireEvent.click(submit);
    expect(onReply).toHaveBeenCalledWith([['Blue', 'teal']]);
  });
});

describe('Messages', () => {
  const entries: MessageEntry[] = [
    {
      info: {
        id: 'msg_1',
        sessionID: 'ses_1',
        role: 'user',
        time: { created: 1 },
        agent: 'build',
        model: { providerID: 'fake', modelID: 'fake-model' },
      },
      parts: [
        { id: 'prt_1', sessionID: 'ses_1', messageID: 'msg_1', type: 'text', text: 'Read a.txt' },
      ],
    },
    {
      info: {
        id: 'msg_2',
        sessionID: 'ses_1',
        role: 'assistant',
        time: { created: 2 },
        parentID: 'msg_1',
        modelID: 'fake-model',
        providerID: 'fake',
        mode: 'build',
        agent: 'build',
        path: { cwd: '/p', root: '/p' },
        cost: 0,
        tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } },
        error: { name: 'APIError', data: { message: 'upstream failed', isRetryable: false } },
      },
      parts: [
        {
          id: 'prt_2',
          sessionID: 'ses_1',
          messageID: 'msg_2',
          type: 'tool',
          callID: 'c1',
          tool: 'read',
          state: {
            status: 'completed',
            input: { filePath: 'a.txt' },
            output: 'alpha',
            title: 'a.txt',
            metadata: {},
            time: { start: 1, end: 2 },
          },
        },
        {
          id: 'prt_3',
          sessionID: 'ses_1',
          messageID: 'msg_2',
          type: 'text',
          text: 'It says alpha.',
        },
      ],
    },
  ];

  it('shows the prompt, each tool call with its input and output, the answer and its error', () => {
    render(<Messages entries={entries} onRevert={() => undefined} />);
    expect(screen.getByTestId('message-user').textContent).toContain('Read a.txt');
    const tool = screen.getByTestId('tool-part');
    expect(tool.textContent).toContain('read');
    expect(tool.textContent).toContain('"filePath": "a.txt"');
    expect(tool.textContent).toContain('alpha');
    const answer = screen.getByTestId('message-assistant');
    expect(answer.textContent).toContain('It says alpha.');
    expect(answer.textContent).toContain('upstream failed');
  });

  it('hides the reverted messages and reverts to a user message', () => {
    const onRevert = vi.fn();
    render(<Messages entries={entries} revertedFrom="msg_2" onRevert={onRevert} />);
    expect(screen.queryByTestId('message-assistant')).toBeNull();
    fireEvent.click(screen.getByText('Revert'));
    expect(onRevert).toHaveBeenCalledWith('msg_1');
  });
});

describe('DiffView', () => {
  it('classifies the lines of a unified diff', () => {
    const patch = 'Index: a.txt\n===\n--- a.txt\n+++ a.txt\n@@ -1 +1 @@\n-old\n+new\n same\n';
    expect(patchLines(patch)).toEqual([
      { kind: 'hunk', text: '@@ -1 +1 @@' },
      { kind: 'del', text: '-old' },
      { kind: 'add', text: '+new' },
      { kind: 'ctx', text: ' same' },
    ]);
  });

  it('lists the changed files and offers unrevert after a revert', () => {
    const onUnrevert = vi.fn();
    render(
      <DiffView
        diffs={[
          {
            file: 'a.txt',
            patch: '@@ -1 +1 @@\n-old\n+new',
            additions: 1,
            deletions: 1,
            status: 'modified',
          },
        ]}
        reverted
        onUnrevert={onUnrevert}
        onClose={() => undefined}
      />,
    );
    expect(screen.getByTestId('diff-view').textContent).toContain('a.txt');
    fireEvent.click(screen.getByText('Unrevert'));
    expect(onUnrevert).toHaveBeenCalled();
  });
});

describe('Prompt', () => {
  it('suggests files after @, takes one with Enter, and sends the text with it picked', async () => {
    const files = vi.fn(() => Promise.resolve({ data: ['src/main.ts', 'src/other.ts'] }));
    const client = { find: { files } } as unknown as OpencodeClient;
    const onSubmit = vi.fn(() => Promise.resolve(true));
    render(
      <Prompt
        client={client}
        inputRef={createRef()}
        busy={false}
        agents={[]}
        models={[]}
        agent=""
        model=""
        onAgent={() => undefined}
        onModel={() => undefined}
        onSubmit={onSubmit}
        onAbort={() => undefined}
      />,
    );
    const input = screen.getByTestId<HTMLTextAreaElement>('prompt-input');
    input.value = 'look at @src/ma';
    input.setSelectionRange(15, 15);
    fireEvent.input(input);
    await waitFor(() => expect(screen.getByRole('listbox')).toBeTruthy());
    expect(files).toHaveBeenCalledWith({ query: 'src/ma', dirs: 'false', limit: 10 });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(input.value).toBe('look at @src/main.ts ');
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(onSubmit).toHaveBeenCalled());
    const [text, picked] = onSubmit.mock.calls[0] as unknown as [string, Set<string>];
    expect(text).toBe('look at @src/main.ts ');
    expect([...picked]).toEqual(['src/main.ts']);
    await waitFor(() => expect(input.value).toBe(''));
  });
});

describe('inputSummary', () => {
  it('names a pending call by its description, else its command or path', () => {
    expect(inputSummary({ command: 'rm -rf build', description: 'Remove the build' })).toBe(
      'Remove the build',
    );
    expect(inputSummary({ command: 'ls\nwc -l' })).toBe('ls');
    expect(inputSummary({ filePath: 'src/a.ts' })).toBe('src/a.ts');
    expect(inputSummary({})).toBe('');
    expect(inputSummary(undefined)).toBe('');
  });
});
