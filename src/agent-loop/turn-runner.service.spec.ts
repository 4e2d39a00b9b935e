import { Logger } from '@nestjs/common';
import {
  fakeTool,
  FakeMessages,
  loopInstance,
  turnSetup,
  userMessage,
} from '../../test/support/agent-loop-fakes';
import type { AutoCompactionService } from '../compaction/auto-compaction.service';
import type { BusService } from '../core/bus/bus.service';
import { IdGenerator } from '../core/id';
import type { Instance } from '../core/instance/instance';
import type { UserMessage } from '../session/dto/message.dto';
import type { SessionTurnQueue, SessionWork } from '../session/session-turn-queue';
import type { SessionDiffService } from '../snapshot/session-diff.service';
import type { ModelStepService, StepOutcome } from './model-step.service';
import type { StepRecorder } from './step-recorder';
import type { ToolExecutorService } from './tool-executor.service';
import type { TurnSetupService } from './turn-setup.service';
import { QueuedPrompts } from './queued-prompts';
import { TurnRunnerService } from './turn-runner.service';
import type { TurnSetup } from './turn.types';

/** One model step as the fake plays it: what it records, and how it ends. */
type Step = (setup: TurnSetup, recorder: StepRecorder) => StepOutcome;

const tokens = (input: number) => ({
  input,
  output: 10,
  reasoning: 0,
  cache: { read: 0, write: 0 },
});

/** A step that answers with text and ends with `finish`, having used `input` tokens. */
function answers(text: string, finish = 'stop', input = 100): Step {
  return (_setup, recorder) => {
    recorder.stepStart();
    recorder.streamStart('text', 't');
    recorder.streamDelta('text', 't', text);
    recorder.streamEnd('text', 't');
    recorder.stepFinish(finish, tokens(input), 0.01);
    return { finish };
  };
}

describe('TurnRunnerService', () => {
  let messages: FakeMessages;
  let work: { abort: AbortController; skip?: unknown };
  let prepare: (user: UserMessage, signal: AbortSignal) => Promise<TurnSetup>;
  let steps: Step[];
  let stepsRun: number;
  let compacted: { overflow: boolean; user: string }[];
  let compactSucceeds: boolean;
  let pruned: string[];
  let refreshed: string[];
  let published: { type: string; properties: unknown }[];
  let subtaskCalls: Record<string, unknown>[];
  let runner: TurnRunnerService;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    messages = new FakeMessages();
    work = { abort: new AbortController() };
    prepare = (user, signal) => Promise.resolve(turnSetup({ user, signal }));
    steps = [];
    stepsRun = 0;
    compacted = [];
    compactSucceeds = true;
    pruned = [];
    refreshed = [];
    published = [];
    subtaskCalls = [];
    const ids = new IdGenerator();
    const queue = {
      enqueue: (_instance: Instance, _sessionID: string, item: SessionWork) => {
        if (work.skip) return item.skip(work.skip);
        void item.run(work.abort.signal).then((deliver) => deliver());
      },
    } as unknown as SessionTurnQueue;
    const setups = {
      prepare: (_instance: Instance, user: UserMessage, signal: AbortSignal) =>
        prepare(user, signal),
    } as unknown as TurnSetupService;
    const stepService = {
      run: (setup: TurnSetup, recorder: StepRecorder) => {
        stepsRun++;
        const step = steps.shift();
        if (!step) throw new Error('no step scripted');
        return Promise.resolve(step(setup, recorder));
      },
    } as unknown as ModelStepService;
    const tools = {
      execute: (_setup: TurnSetup, recorder: StepRecorder, _tool: unknown, input: never) => {
        subtaskCalls.push(input);
        recorder.toolRunning(`call_${subtaskCalls.length}`, 'task', input);
        return Promise.reject(new Error('subagent failed'));
      },
    } as unknown as ToolExecutorService;
    const compaction = {
      compact: (
        _instance: Instance,
        user: UserMessage,
        _signal: AbortSignal,
        overflow: boolean,
      ) => {
        compacted.push({ overflow, user: user.id });
        return Promise.resolve(compactSucceeds);
      },
      autocontinue: () => Promise.resolve(true),
      continuation: (instance: Instance, user: UserMessage) =>
        messages.saveMessage(instance, { ...user, id: ids.ascending('message') }),
      prune: (_instance: Instance, sessionID: string) => pruned.push(sessionID),
    } as unknown as AutoCompactionService;
    const diffs = {
      refresh: (_instance: Instance, sessionID: string) => {
        refreshed.push(sessionID);
        return Promise.resolve();
      },
    } as unknown as SessionDiffService;
    const bus = {
      publish: (_instance: Instance, type: string, properties: unknown) =>
        published.push({ type, properties }),
    } as unknown as BusService;
    runner = new TurnRunnerService(
      queue,
      setups,
      stepService,
      tools,
      compaction,
      diffs,
      messages.asService(),
      ids,
      bus,
      new QueuedPrompts(),
    );
  });

  function prompt(overrides: Partial<UserMessage> = {}): UserMessage {
    return messages.saveMessage(loopInstance, userMessage(overrides));
  }

  it('answers with the last message of the turn, then prunes and refreshes the diff', async () => {
    steps.push(answers('Hello'));
    const result = await runner.answer(loopInstance, prompt());
    expect(result.info).toMatchObject({
      role: 'assistant',
      parentID: 'msg_user',
      agent: 'build',
      finish: 'stop',
    });
    expect(result.info.time.completed).toEqual(expect.any(Number));
    expect(result.parts.map((part) => part.type)).toEqual(['step-start', 'text', 'step-finish']);
    expect(messages.getMessage('ses_1', result.info.id).info).toEqual(result.info);
    expect(pruned).toEqual(['ses_1']);
    expect(refreshed).toEqual(['ses_1']);
    expect(published).toEqual([]);
  });

  it('runs steps while the model calls tools, each in a message of its own', async () => {
    steps.push(answers('Reading', 'tool-calls'), answers('Done'));
    const result = await runner.answer(loopInstance, prompt());
    expect(stepsRun).toBe(2);
    expect(messages.infos('assistant')).toHaveLength(2);
    expect(result.parts[1]).toMatchObject({ text: 'Done' });
  });

  it('stops at the step limit of the agent', async () => {
    prepare = (user, signal) => Promise.resolve(turnSetup({ user, signal, maxSteps: 2 }));
    steps.push(answers('1', 'tool-calls'), answers('2', 'tool-calls'), answers('3'));
    await runner.answer(loopInstance, prompt());
    expect(stepsRun).toBe(2);
  });

  it('stores the error of a failed step on its message, publishes it and ends the turn', async () => {
    const error = { name: 'APIError' as const, data: { message: 'bad', isRetryable: false } };
    steps.push(() => ({ error }), answers('never'));
    const result = await runner.answer(loopInstance, prompt());
    expect(result.info.error).toEqual(error);
    expect(published).toEqual([
      { type: 'session.error', properties: { sessionID: 'ses_1', error } },
    ]);
    expect(stepsRun).toBe(1);
  });

  it('tells the user about an answer cut off at the output limit', async () => {
    steps.push(answers('Half', 'length'));
    const result = await runner.answer(loopInstance, prompt());
    expect(result.info.error).toEqual({ name: 'MessageOutputLengthError', data: {} });
    expect(published.map(({ type }) => type)).toEqual(['session.error']);
  });

  it('answers with the error when the turn cannot start (agent or model gone)', async () => {
    prepare = () => Promise.reject(new Error('Model not found: fake/gone'));
    const result = await runner.answer(loopInstance, prompt());
    expect(result.parts).toEqual([]);
    expect(result.info.error).toEqual({
      name: 'UnknownError',
      data: { message: 'Model not found: fake/gone' },
    });
    expect(result.info.time.completed).toBe(result.info.time.created);
    expect(messages.infos('assistant')).toEqual([result.info]);
    expect(published.map(({ type }) => type)).toEqual(['session.error']);
    expect(stepsRun).toBe(0);
  });

  it('answers a prompt that an abort skipped as aborted', async () => {
    work.skip = Object.assign(new Error('Aborted'), { name: 'AbortError' });
    const result = await runner.answer(loopInstance, prompt());
    expect(result.info.error).toEqual({
      name: 'MessageAbortedError',
      data: { message: 'Aborted' },
    });
  });

  it('answers with the error when the turn breaks, and as aborted when it was aborted', async () => {
    steps.push(() => {
      throw new Error('disk full');
    });
    const broken = await runner.answer(loopInstance, prompt());
    expect(broken.info.error).toMatchObject({
      name: 'UnknownError',
      data: { message: 'disk full' },
    });
    steps.push(() => {
      work.abort.abort();
      throw new Error('stream closed');
    });
    const aborted = await runner.answer(loopInstance, prompt({ id: 'msg_user2' }));
    expect(aborted.info.error?.name).toBe('MessageAbortedError');
  });

  it('ends the turn after a step in which the user rejected a tool call', async () => {
    steps.push((setup, recorder) => {
      setup.rejected = true;
      return answers('Tried', 'tool-calls')(setup, recorder);
    }, answers('never'));
    await runner.answer(loopInstance, prompt());
    expect(stepsRun).toBe(1);
  });

  it('summarizes and goes on from the summary when the provider refuses an overlong step', async () => {
    const overflow = { name: 'ContextOverflowError' as const, data: { message: 'too long' } };
    steps.push(() => ({ error: overflow }), answers('Fits now'));
    const user = prompt();
    const result = await runner.answer(loopInstance, user);
    expect(compacted).toEqual([{ overflow: true, user: 'msg_user' }]);
    // The failed step's message is gone; the answer replies to the continuation prompt.
    expect(messages.infos('assistant')).toEqual([result.info]);
    expect(result.info.parentID).not.toBe(user.id);
    expect(result.info.error).toBeUndefined();
  });

  it('does not summarize again when the step after a fresh summary overflows too', async () => {
    const overflow = { name: 'ContextOverflowError' as const, data: { message: 'too long' } };
    steps.push(
      () => ({ error: overflow }),
      () => ({ error: overflow }),
    );
    const result = await runner.answer(loopInstance, prompt());
    expect(compacted).toHaveLength(1);
    expect(result.info.error).toEqual(overflow);
  });

  it('keeps the overflow error when the step produced something, or compaction is off', async () => {
    const overflow = { name: 'ContextOverflowError' as const, data: { message: 'too long' } };
    steps.push((_setup, recorder) => {
      recorder.stepStart();
      recorder.streamDelta('text', 't', 'partial');
      return { error: overflow };
    });
    await runner.answer(loopInstance, prompt());
    prepare = (user, signal) =>
      Promise.resolve(turnSetup({ user, signal, compaction: { auto: false, prune: false } }));
    steps.push(() => ({ error: overflow }));
    await runner.answer(loopInstance, prompt({ id: 'msg_user2' }));
    expect(compacted).toEqual([]);
    expect(pruned).toEqual(['ses_1']);
  });

  it('summarizes a full context after a step and carries on from a continuation prompt', async () => {
    prepare = (user, signal) =>
      Promise.resolve(turnSetup({ user, signal, limit: { context: 10_000, output: 1_000 } }));
    steps.push(answers('Working', 'tool-calls', 9_500), answers('Done'));
    const result = await runner.answer(loopInstance, prompt());
    expect(compacted).toEqual([{ overflow: false, user: 'msg_user' }]);
    expect(stepsRun).toBe(2);
    expect(result.info.parentID).not.toBe('msg_user');
  });

  it('ends the turn when summarizing a full context fails', async () => {
    compactSucceeds = false;
    prepare = (user, signal) =>
      Promise.resolve(turnSetup({ user, signal, limit: { context: 10_000, output: 1_000 } }));
    steps.push(answers('Working', 'tool-calls', 9_500), answers('never'));
    await runner.answer(loopInstance, prompt());
    expect(stepsRun).toBe(1);
  });

  it('runs subtask parts as task calls in a message of their own before the model answers', async () => {
    const task = fakeTool('task');
    prepare = (user, signal) => Promise.resolve(turnSetup({ user, signal, tools: [task] }));
    const user = prompt();
    messages.savePart(loopInstance, {
      id: 'prt_sub',
      sessionID: 'ses_1',
      messageID: user.id,
      type: 'subtask',
      prompt: 'find the bug',
      description: 'bug hunt',
      agent: 'explore',
    });
    steps.push(answers('Found it'));
    const result = await runner.answer(loopInstance, user);
    expect(subtaskCalls).toEqual([
      { description: 'bug hunt', prompt: 'find the bug', subagent_type: 'explore' },
    ]);
    const [subtasks, answer] = messages.infos('assistant');
    expect(subtasks).toMatchObject({ finish: 'tool-calls' });
    expect(answer.id).toBe(result.info.id);
  });

  it('ends the turn after the subtasks when it was aborted during them', async () => {
    const task = fakeTool('task');
    prepare = (user, signal) => Promise.resolve(turnSetup({ user, signal, tools: [task] }));
    const user = prompt();
    messages.savePart(loopInstance, {
      id: 'prt_sub',
      sessionID: 'ses_1',
      messageID: user.id,
      type: 'subtask',
      prompt: 'p',
      description: 'd',
      agent: 'explore',
    });
    work.abort.abort();
    const result = await runner.answer(loopInstance, user);
    expect(stepsRun).toBe(0);
    expect(result.info.finish).toBe('tool-calls');
    expect(pruned).toEqual([]);
  });
});
