import { APICallError } from '@ai-sdk/provider';
import { Logger } from '@nestjs/common';
import {
  fakeTool,
  FakeMessages,
  stepRecorder,
  turnSetup,
  userMessage,
} from '../../test/support/agent-loop-fakes';
import type { CompactionService } from '../compaction/compaction.service';
import type { Instance } from '../core/instance/instance';
import type { LlmService, StepRequest, StepStreamPart } from '../llm/llm.service';
import type { SessionStatus } from '../session/dto/session-status.dto';
import type { SessionStatusService } from '../session/session-status.service';
import type { SessionService, SessionUsage } from '../session/session.service';
import type { SnapshotService } from '../snapshot/snapshot.service';
import type { StepRecorder } from './step-recorder';
import type { ToolExecutorService } from './tool-executor.service';
import { finishError, MAX_STEP_ATTEMPTS, ModelStepService } from './model-step.service';
import { QueuedPrompts } from './queued-prompts';
import type { TurnSetup } from './turn.types';

/**
 * What one model call streams, in order; a function stands for what happens in between (a tool
 * the SDK runs, recorded on the step's recorder).
 */
type Attempt = (StepStreamPart | ((recorder: StepRecorder) => void))[];

const usage = {
  inputTokens: 100,
  outputTokens: 20,
  totalTokens: 120,
  inputTokenDetails: { noCacheTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0 },
  outputTokenDetails: { textTokens: 20, reasoningTokens: 0 },
};

function part(value: Record<string, unknown>): StepStreamPart {
  return value as unknown as StepStreamPart;
}

const answer = (text: string, finishReason = 'stop'): Attempt => [
  part({ type: 'start-step' }),
  part({ type: 'text-start', id: 't' }),
  part({ type: 'text-delta', id: 't', text }),
  part({ type: 'text-end', id: 't' }),
  part({ type: 'finish-step', finishReason, usage }),
];

const failure = (error: unknown): Attempt => [
  part({ type: 'start-step' }),
  part({ type: 'error', error }),
];

function apiError(statusCode: number): APICallError {
  return new APICallError({
    message: `status ${statusCode}`,
    url: 'http://127.0.0.1/v1/chat/completions',
    requestBodyValues: {},
    statusCode,
    // No wait between attempts in a unit test.
    responseHeaders: { 'retry-after-ms': '0' },
    isRetryable: statusCode >= 500,
  });
}

describe('ModelStepService', () => {
  let messages: FakeMessages;
  let attempts: Attempt[];
  let requests: StepRequest[];
  let statuses: string[];
  let usages: SessionUsage[];
  let snapshots: string[];
  let patches: string[];
  let step: ModelStepService;
  let queued: QueuedPrompts;
  let currentRecorder: StepRecorder;

  beforeEach(() => {
    // Failed steps are logged; the assertions say what matters.
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    messages = new FakeMessages();
    attempts = [];
    requests = [];
    statuses = [];
    usages = [];
    snapshots = [];
    patches = [];
    const llm = {
      streamStep: (request: StepRequest) => {
        requests.push(request);
        const script = attempts.shift() ?? [];
        return Promise.resolve(
          (async function* () {
            for (const item of script) {
              await Promise.resolve();
              if (typeof item === 'function') item(currentRecorder);
              else yield item;
            }
          })(),
        );
      },
    } as unknown as LlmService;
    const tools = { toolsFor: () => ({}) } as unknown as ToolExecutorService;
    const snapshotService = {
      track: () => {
        snapshots.push(`snap_${snapshots.length + 1}`);
        return Promise.resolve(snapshots.at(-1));
      },
      patch: (_instance: Instance, from: string) => {
        patches.push(from);
        return Promise.resolve({ hash: from, files: ['/work/app/a.txt'] });
      },
    } as unknown as SnapshotService;
    const status = {
      set: (_instance: Instance, _sessionID: string, value: SessionStatus) =>
        statuses.push(value.type === 'retry' ? `retry ${value.attempt}` : value.type),
    } as unknown as SessionStatusService;
    const sessions = {
      addUsage: (_instance: Instance, _sessionID: string, value: SessionUsage) =>
        usages.push(value),
    } as unknown as SessionService;
    const compactions = {
      conversation: (sessionID: string) => messages.conversation(sessionID),
    } as unknown as CompactionService;
    queued = new QueuedPrompts();
    step = new ModelStepService(
      llm,
      tools,
      snapshotService,
      status,
      sessions,
      compactions,
      undefined,
      queued,
    );
  });

  function begin(setup: TurnSetup): StepRecorder {
    messages.saveMessage(setup.instance, setup.user);
    messages.savePart(setup.instance, {
      id: 'prt_prompt',
      sessionID: setup.user.sessionID,
      messageID: setup.user.id,
      type: 'text',
      text: 'hello',
    });
    currentRecorder = stepRecorder(messages, setup);
    return currentRecorder;
  }

  it('streams the answer into the message and records usage, cost and snapshots', async () => {
    const setup = turnSetup({ temperature: 0.3 });
    const recorder = begin(setup);
    attempts.push(answer('Hi there'));
    await expect(step.run(setup, recorder)).resolves.toEqual({ finish: 'stop' });
    expect(recorder.parts().map((p) => p.type)).toEqual(['step-start', 'text', 'step-finish']);
    expect(recorder.parts()[0]).toMatchObject({ snapshot: 'snap_1' });
    expect(recorder.parts()[1]).toMatchObject({ text: 'Hi there' });
    // 100 input at $1/M and 20 output at $2/M.
    const cost = (100 * 1 + 20 * 2) / 1_000_000;
    expect(recorder.message).toMatchObject({ finish: 'stop', cost, tokens: { input: 100 } });
    expect(usages).toEqual([
      { cost, tokens: { input: 100, output: 20, reasoning: 0, cache: { read: 0, write: 0 } } },
    ]);
    // A step that ran no tool changed no file: its end snapshot is its start's.
    expect(snapshots).toEqual(['snap_1']);
    expect(setup.snapshot).toBe('snap_1');
    const [request] = requests;
    expect(request).toMatchObject({ system: 'You are a test.', temperature: 0.3 });
    expect(request.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hello' }] },
    ]);
  });

  it('starts from the snapshot of the previous step and records the patch of a step that wrote', async () => {
    const setup = turnSetup({ tools: [fakeTool('write')], snapshot: 'snap_0' });
    const recorder = begin(setup);
    attempts.push([
      part({ type: 'start-step' }),
      (rec) => {
        rec.toolRunning('call_1', 'write', { value: 'a' });
        rec.toolCompleted('call_1', { title: 'a.txt', output: 'written', metadata: {} });
      },
      part({ type: 'finish-step', finishReason: 'tool-calls', usage }),
    ]);
    await expect(step.run(setup, recorder)).resolves.toEqual({ finish: 'tool-calls' });
    expect(snapshots).toEqual(['snap_1']);
    expect(patches).toEqual(['snap_0']);
    expect(setup.snapshot).toBe('snap_1');
    const types = recorder.parts().map((p) => p.type);
    expect(types).toEqual(['step-start', 'tool', 'step-finish', 'patch']);
    expect(recorder.parts()[0]).toMatchObject({ snapshot: 'snap_0' });
    expect(recorder.parts()[3]).toMatchObject({ hash: 'snap_0', files: ['/work/app/a.txt'] });
  });

  it('takes no snapshot after a step whose tools only read', async () => {
    const setup = turnSetup({ tools: [fakeTool('read', { readOnly: true })], snapshot: 'snap_0' });
    const recorder = begin(setup);
    attempts.push([
      part({ type: 'start-step' }),
      (rec) => {
        rec.toolRunning('call_1', 'read', {});
        rec.toolCompleted('call_1', { title: 'a.txt', output: 'hi', metadata: {} });
      },
      part({ type: 'finish-step', finishReason: 'tool-calls', usage }),
    ]);
    await step.run(setup, recorder);
    expect(snapshots).toEqual([]);
    expect(patches).toEqual([]);
  });

  it('tries a transient failure again, its parts discarded, status retry then busy', async () => {
    const setup = turnSetup();
    const recorder = begin(setup);
    attempts.push(failure(apiError(503)), answer('Recovered'));
    await expect(step.run(setup, recorder)).resolves.toEqual({ finish: 'stop' });
    expect(statuses).toEqual(['retry 1', 'busy']);
    expect(recorder.parts().map((p) => p.type)).toEqual(['step-start', 'text', 'step-finish']);
    expect(requests).toHaveLength(2);
  });

  it(`gives up after ${MAX_STEP_ATTEMPTS} attempts with the provider's error`, async () => {
    const setup = turnSetup();
    const recorder = begin(setup);
    for (let i = 0; i < MAX_STEP_ATTEMPTS + 1; i++) attempts.push(failure(apiError(503)));
    const outcome = await step.run(setup, recorder);
    expect(outcome.error).toMatchObject({
      name: 'APIError',
      data: { statusCode: 503, isRetryable: true },
    });
    expect(requests).toHaveLength(MAX_STEP_ATTEMPTS);
  });

  it('does not try again an error that would fail again', async () => {
    const setup = turnSetup();
    const recorder = begin(setup);
    attempts.push(failure(apiError(400)));
    const outcome = await step.run(setup, recorder);
    expect(outcome.error).toMatchObject({ name: 'APIError', data: { isRetryable: false } });
    expect(requests).toHaveLength(1);
    expect(statuses).toEqual([]);
  });

  it('does not try again an attempt in which a tool ran: its effects cannot be undone', async () => {
    const setup = turnSetup();
    const recorder = begin(setup);
    attempts.push([
      part({ type: 'start-step' }),
      (rec) => rec.toolRunning('call_1', 'bash', { value: 'rm -rf build' }),
      part({ type: 'error', error: apiError(503) }),
    ]);
    const outcome = await step.run(setup, recorder);
    expect(outcome.error?.name).toBe('APIError');
    expect(requests).toHaveLength(1);
    const tool = recorder.parts().find((p) => p.type === 'tool');
    expect(tool?.type === 'tool' && tool.state).toMatchObject({
      status: 'error',
      error: 'Tool execution was interrupted by an error',
      metadata: { interrupted: true },
    });
  });

  it('answers an aborted step as aborted, keeping what streamed and interrupting open tools', async () => {
    const abort = new AbortController();
    const setup = turnSetup({ signal: abort.signal });
    const recorder = begin(setup);
    attempts.push([
      part({ type: 'start-step' }),
      part({ type: 'tool-input-start', id: 'call_1', toolName: 'bash' }),
      part({ type: 'text-start', id: 't' }),
      part({ type: 'text-delta', id: 't', text: 'Half an ans' }),
      () => abort.abort(),
      part({ type: 'abort' }),
    ]);
    const outcome = await step.run(setup, recorder);
    expect(outcome).toEqual({
      error: { name: 'MessageAbortedError', data: { message: 'Aborted' } },
    });
    const parts = recorder.parts();
    expect(parts.find((p) => p.type === 'text')).toMatchObject({ text: 'Half an ans' });
    const tool = parts.find((p) => p.type === 'tool');
    expect(tool?.type === 'tool' && tool.state.status).toBe('error');
  });

  it('sends the conversation up to the prompt of the turn, each prompt with its answers', async () => {
    const later = userMessage({ id: 'msg_later', time: { created: 5 } });
    const setup = turnSetup();
    const recorder = begin(setup);
    // Waiting for its own turn.
    queued.add('msg_later');
    messages.saveMessage(setup.instance, later);
    messages.savePart(setup.instance, {
      id: 'prt_later',
      sessionID: 'ses_1',
      messageID: 'msg_later',
      type: 'text',
      text: 'a later prompt, queued',
    });
    attempts.push(answer('ok'));
    await step.run(setup, recorder);
    expect(JSON.stringify(requests[0].messages)).not.toContain('queued');
  });

  it('reads a user message stored since the turn began that gets no turn of its own', async () => {
    const setup = turnSetup();
    const recorder = begin(setup);
    messages.saveMessage(setup.instance, userMessage({ id: 'msg_aside', time: { created: 5 } }));
    messages.savePart(setup.instance, {
      id: 'prt_aside',
      sessionID: 'ses_1',
      messageID: 'msg_aside',
      type: 'text',
      text: 'context handed in by a plugin',
    });
    attempts.push(answer('ok'));
    await step.run(setup, recorder);
    expect(JSON.stringify(requests[0].messages)).toContain('context handed in by a plugin');
  });
});

describe('finishError', () => {
  it('turns the finish reasons the user must hear about into message errors', () => {
    expect(finishError('length')).toEqual({ name: 'MessageOutputLengthError', data: {} });
    expect(finishError('content-filter')?.name).toBe('ContentFilterError');
    expect(finishError('stop')).toBeUndefined();
    expect(finishError('tool-calls')).toBeUndefined();
    expect(finishError(undefined)).toBeUndefined();
  });
});
