import type { UserMessage } from './dto/message.dto';
import { newAssistantMessage } from './assistant-message';

const prompt: UserMessage = {
  id: 'msg_user',
  sessionID: 'ses_1',
  role: 'user',
  time: { created: 1 },
  agent: 'build',
  model: { providerID: 'fake', modelID: 'fake-model' },
};
const instance = { directory: '/work/app/src', worktree: '/work/app' };

describe('newAssistantMessage', () => {
  it('answers the prompt with its model and agent, nothing spent', () => {
    const message = newAssistantMessage({ id: 'msg_answer', instance, prompt });
    expect(message).toEqual({
      id: 'msg_answer',
      sessionID: 'ses_1',
      role: 'assistant',
      time: { created: expect.any(Number) as number },
      parentID: 'msg_user',
      modelID: 'fake-model',
      providerID: 'fake',
      mode: 'build',
      agent: 'build',
      path: { cwd: '/work/app/src', root: '/work/app' },
      cost: 0,
      tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } },
    });
    expect(message.time.completed).toBeUndefined();
  });

  it('names another agent as both agent and mode, and marks a summary', () => {
    const message = newAssistantMessage({
      id: 'msg_summary',
      instance,
      prompt,
      agent: 'compaction',
      summary: true,
    });
    expect(message).toMatchObject({ agent: 'compaction', mode: 'compaction', summary: true });
  });

  it('is complete at once when it only carries a failure', () => {
    const error = { name: 'MessageAbortedError' as const, data: { message: 'Aborted' } };
    const message = newAssistantMessage({ id: 'msg_failed', instance, prompt, error });
    expect(message.error).toEqual(error);
    expect(message.time.completed).toBe(message.time.created);
    expect(Object.keys(message).at(-1)).toBe('error');
  });

  it('gives each message tokens of its own', () => {
    const first = newAssistantMessage({ id: 'msg_a', instance, prompt });
    const second = newAssistantMessage({ id: 'msg_b', instance, prompt });
    first.tokens.cache.read = 5;
    expect(second.tokens.cache.read).toBe(0);
  });
});
