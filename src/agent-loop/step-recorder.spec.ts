import { IdGenerator } from '../core/id';
import type { Instance } from '../core/instance/instance';
import type { AssistantMessage } from '../session/dto/message.dto';
import type { Part } from '../session/dto/part.dto';
import type { MessageService } from '../session/message.service';
import { StepRecorder } from './step-recorder';

describe('StepRecorder', () => {
  const stored = new Map<string, Part>();
  const messages = {
    saveMessage: () => undefined,
    savePart: (_instance: Instance, part: Part) => stored.set(part.id, part),
    removePart: (_instance: Instance, _sessionID: string, _messageID: string, partID: string) =>
      stored.delete(partID),
    publishPartDelta: () => undefined,
  } as unknown as MessageService;

  function recorder(): StepRecorder {
    stored.clear();
    const message: AssistantMessage = {
      id: 'msg_1',
      sessionID: 'ses_1',
      role: 'assistant',
      time: { created: 1 },
      parentID: 'msg_0',
      modelID: 'fake-model',
      providerID: 'fake',
      mode: 'build',
      agent: 'build',
      path: { cwd: '/tmp', root: '/tmp' },
      cost: 0,
      tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } },
    };
    return new StepRecorder({} as Instance, message, messages, new IdGenerator());
  }

  it('an attempt that only streamed a tool call can be discarded; its parts go', () => {
    const step = recorder();
    step.beginAttempt();
    step.stepStart();
    step.toolPending('call_1', 'bash');
    expect(step.startedTools()).toBe(false);
    step.discardAttempt();
    expect(step.parts()).toEqual([]);
    expect(stored.size).toBe(0);
  });

  it('remembers per attempt that a tool started executing, finished or not', () => {
    const step = recorder();
    step.beginAttempt();
    step.toolRunning('call_1', 'bash', { command: 'echo hi' });
    expect(step.startedTools()).toBe(true);
    step.toolCompleted('call_1', { title: 'echo', output: 'hi', metadata: {} });
    expect(step.startedTools()).toBe(true);
    // The next attempt starts clean.
    step.beginAttempt();
    expect(step.startedTools()).toBe(false);
  });
});
