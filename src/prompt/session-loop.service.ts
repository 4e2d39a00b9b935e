import { abortError } from '../core/errors/abort-error';
import { errorMessage } from '../core/errors/error-message';
import { Injectable, Logger } from '@nestjs/common';
import type { LanguageModel } from 'ai';
import { BusService } from '../core/bus/bus.service';
import { compareIds, IdGenerator } from '../core/id';
import type { Instance } from '../core/instance/instance';
import { AgentService } from '../agent/agent.service';
import { PermissionService } from '../permission/permission.service';
import type { PermissionRule } from '../permission/permission-rules';
import { ProviderService } from '../provider/provider.service';
import type { ModelCost, ModelInfo } from '../provider/provider.types';
import { newAssistantMessage } from '../session/assistant-message';
import type { AssistantMessage, MessageTokensDto, UserMessage } from '../session/dto/message.dto';
import type { MessageWithParts } from '../session/dto/message-with-parts.dto';
import { MessageService } from '../session/message.service';
import { SessionStatusService } from '../session/session-status.service';
import { SessionTurnQueue } from '../session/session-turn-queue';
import { SessionService } from '../session/session.service';
import { SessionDiffService } from '../snapshot/session-diff.service';
import { SnapshotService } from '../snapshot/snapshot.service';
import type { SnapshotPatch } from '../snapshot/snapshot.types';
import { ConfigService } from '../config/config.service';
import { AutoCompactionService } from '../compaction/auto-compaction.service';
import { isContextOverflow } from '../compaction/context-overflow';
import { CompactionService } from '../compaction/compaction.service';
import {
  DEFAULT_TOOL_OUTPUT_LIMIT,
  limitToolOutput,
  type ToolOutputLimit,
} from '../tool/tool-output-limit';
import { ToolRegistryService } from '../tool/tool-registry.service';
import { type ToolContext, type ToolDefinition, UserRejectedError } from '../tool/tool.types';
import {
  ABORTED_ERROR,
  isAbortError,
  isTransientError,
  retryDelayMs,
  toMessageError,
  type MessageError,
} from '../llm/llm-errors';
import { LlmService, type LlmTool } from '../llm/llm.service';
import { toModelMessages } from '../llm/model-messages';
import { StepRecorder } from './step-recorder';
import { costOf, tokensOf } from '../llm/usage';
import { SystemPromptService } from './system-prompt.service';

/** Attempts of one model step before its error is stored. */
export const MAX_STEP_ATTEMPTS = 4;
/** Longest wait between attempts, whatever `retry-after` says. */
const MAX_RETRY_DELAY_MS = 30_000;
/** Steps of one turn when the agent sets no limit. */
const DEFAULT_MAX_STEPS = 100;
/** Nesting below which a session's turns may start subagents: root sessions only. */
const DEFAULT_SUBAGENT_DEPTH = 1;
/** Identical consecutive tool calls that make a doom loop. */
const DOOM_LOOP_THRESHOLD = 3;

export interface TurnResult {
  info: AssistantMessage;
  parts: MessageWithParts['parts'];
}

interface QueuedTurn {
  instance: Instance;
  user: UserMessage;
}

/** Everything one turn needs, resolved once before its first step. */
interface TurnSetup {
  instance: Instance;
  user: UserMessage;
  agentName: string;
  language: LanguageModel;
  prices: ModelCost;
  /** The model's context window, for the overflow check after each step. */
  limit: ModelInfo['limit'];
  /**
   * Config `compaction`: summarize on overflow and clear old tool outputs after each turn (both
   * on unless false), and the tokens kept free for an answer.
   */
  compaction: { auto: boolean; prune: boolean; reserved?: number };
  /** Config `tool_output`: where the output of a tool without limits of its own is cut. */
  toolOutput: ToolOutputLimit;
  /** Config `experimental.continue_loop_on_deny`: a rejected permission or question does not stop the turn. */
  continueOnReject: boolean;
  /** Set when the user rejected a tool call: the turn ends once the current step is over. */
  rejected: boolean;
  system: string[];
  rules: PermissionRule[];
  tools: ToolDefinition[];
  maxSteps: number;
  temperature?: number;
  topP?: number;
  signal: AbortSignal;
  /**
   * The worktree snapshot as of the end of the previous step: nothing of the turn runs between
   * two steps, so it is the next step's start snapshot and saves a snapshot per step.
   */
  snapshot?: string;
}

/**
 * The agent loop. Prompts of a session are answered one at a time, in the order they arrived:
 * each turn runs model steps (one assistant message each) while the model asks for tools, storing
 * every part as it streams. Status goes busy when a session starts working and idle once its
 * queue is empty; an abort stops the running turn and answers the queued ones as aborted.
 */
@Injectable()
export class SessionLoopService {
  private readonly logger = new Logger(SessionLoopService.name);

  constructor(
    private readonly sessions: SessionService,
    private readonly messages: MessageService,
    private readonly status: SessionStatusService,
    private readonly queue: SessionTurnQueue,
    private readonly providers: ProviderService,
    private readonly agents: AgentService,
    private readonly toolRegistry: ToolRegistryService,
    private readonly permissions: PermissionService,
    private readonly systemPrompts: SystemPromptService,
    private readonly ids: IdGenerator,
    private readonly bus: BusService,
    private readonly snapshots: SnapshotService,
    private readonly compactions: CompactionService,
    private readonly compaction: AutoCompactionService,
    private readonly config: ConfigService,
    private readonly diffs: SessionDiffService,
    private readonly llm: LlmService,
  ) {}

  /**
   * Queues an answer to a stored user message; resolves with the last assistant message of its
   * turn (failures included: they are stored on the message, never thrown).
   */
  answer(instance: Instance, user: UserMessage): Promise<TurnResult> {
    return new Promise<TurnResult>((settle) => {
      const turn: QueuedTurn = { instance, user };
      this.queue.enqueue(instance, user.sessionID, {
        run: async (signal) => {
          const result = await this.runTurnSafely(turn, signal);
          return () => settle(result);
        },
        skip: (error) => settle(this.unanswered(instance, user, error)),
      });
    });
  }

  /**
   * Runs a turn; whatever goes wrong (the session deleted under it, storage failing), the
   * caller gets an answer carrying the error instead of waiting forever.
   */
  private async runTurnSafely(turn: QueuedTurn, signal: AbortSignal): Promise<TurnResult> {
    try {
      return await this.runTurn(turn, signal);
    } catch (error) {
      if (!signal.aborted) {
        this.logger.error(`turn of ${turn.user.sessionID} failed: ${errorMessage(error)}`);
      }
      return this.unanswered(turn.instance, turn.user, signal.aborted ? abortError() : error);
    }
  }

  private async runTurn(turn: QueuedTurn, signal: AbortSignal): Promise<TurnResult> {
    const { instance, user } = turn;
    let setup: TurnSetup;
    try {
      setup = await this.prepare(instance, user, signal);
    } catch (error) {
      return this.unanswered(instance, user, error);
    }
    let last = await this.runSubtaskParts(setup);
    // Set while the next step starts from a summary this turn just made: a step that overflows
    // again right after is not summarized again, which could go in circles.
    let fromFreshSummary = false;
    // An abort during the subtasks ends the turn there; otherwise the model takes over.
    for (let step = 1; step <= setup.maxSteps && !(last && signal.aborted); step++) {
      const recorder = this.startAssistantMessage(setup);
      const outcome = await this.runStepWithRetries(setup, recorder);
      const mayCompact = setup.compaction.auto && !fromFreshSummary && !signal.aborted;
      fromFreshSummary = false;
      if (
        mayCompact &&
        outcome.error?.name === 'ContextOverflowError' &&
        (await this.recoverFromOverflow(setup, recorder))
      ) {
        fromFreshSummary = true;
        step--;
        continue;
      }
      recorder.message.time.completed = Date.now();
      outcome.error ??= finishError(outcome.finish);
      if (outcome.error) {
        recorder.message.error = outcome.error;
        this.publishError(instance, user.sessionID, outcome.error);
      }
      recorder.saveMessage();
      last = { info: recorder.message, parts: recorder.parts() };
      if (outcome.error || signal.aborted || setup.rejected) break;
      const continues = outcome.finish === 'tool-calls';
      const { limit, compaction } = setup;
      if (mayCompact && isContextOverflow(recorder.message.tokens, limit, compaction.reserved)) {
        // Summarized now rather than when the next call fails: after the turn's last answer
        // too, so that the next prompt starts from the summary.
        const compacted = await this.compaction.compact(instance, setup.user, signal, false);
        if (!compacted || !continues || signal.aborted) break;
        setup.user = this.compaction.continuation(instance, setup.user);
        fromFreshSummary = true;
      } else if (!continues) break;
    }
    if (setup.compaction.prune && !signal.aborted) this.compaction.prune(instance, user.sessionID);
    // The session's summary of changed files, and `session.diff`, follow every turn.
    await this.diffs
      .refresh(instance, user.sessionID, user.id)
      .catch((error: unknown) =>
        this.logger.warn(`diff of ${user.sessionID} not refreshed: ${errorMessage(error)}`),
      );
    return last!;
  }

  private async prepare(
    instance: Instance,
    user: UserMessage,
    signal: AbortSignal,
  ): Promise<TurnSetup> {
    const agent = await this.agents.get(instance, user.agent);
    const resolved = await this.providers.getModel(
      instance,
      user.model.providerID,
      user.model.modelID,
    );
    const config = await this.config.get(instance);
    const { compaction, tool_output: toolOutput } = config;
    // Subagents start no subagents of their own unless config `subagent_depth` allows deeper.
    const delegate =
      this.sessions.depth(user.sessionID) < (config.subagent_depth ?? DEFAULT_SUBAGENT_DEPTH);
    // The session's own rules (a client denies `question` for sessions nobody can answer) come
    // after the agent's, so they win, as the reference merges them.
    const rules = [
      ...(agent.permission ?? []),
      ...(this.sessions.get(user.sessionID).permission ?? []),
    ];
    const tools = await this.toolRegistry.toolsFor(
      instance,
      { permission: rules },
      user.tools,
      delegate,
    );
    const system = await this.systemPrompts.build(instance, {
      agentPrompt: agent.prompt,
      model: `${user.model.providerID}/${user.model.modelID}`,
      extra: user.system,
    });
    return {
      instance,
      user,
      agentName: agent.name,
      language: resolved.language,
      prices: resolved.model.cost,
      limit: resolved.model.limit,
      compaction: {
        auto: compaction?.auto ?? true,
        prune: compaction?.prune ?? true,
        reserved: compaction?.reserved,
      },
      toolOutput: {
        maxLines: toolOutput?.max_lines ?? DEFAULT_TOOL_OUTPUT_LIMIT.maxLines,
        maxBytes: toolOutput?.max_bytes ?? DEFAULT_TOOL_OUTPUT_LIMIT.maxBytes,
      },
      continueOnReject: config.experimental?.continue_loop_on_deny ?? false,
      rejected: false,
      system,
      rules,
      tools,
      maxSteps: agent.steps ?? DEFAULT_MAX_STEPS,
      ...(agent.temperature !== undefined && { temperature: agent.temperature }),
      ...(agent.topP !== undefined && { topP: agent.topP }),
      signal,
    };
  }

  private startAssistantMessage(setup: TurnSetup): StepRecorder {
    const { instance, user } = setup;
    const message = newAssistantMessage({
      id: this.ids.ascending('message'),
      instance,
      prompt: user,
      agent: setup.agentName,
    });
    const recorder = new StepRecorder(instance, message, this.messages, this.ids);
    recorder.saveMessage();
    return recorder;
  }

  /**
   * One model step, tried again on transient failures (rate limits, 5xx, dropped connections)
   * with the server's `retry-after` or a backoff, as long as the attempt's parts can be undone.
   */
  private async runStepWithRetries(
    setup: TurnSetup,
    recorder: StepRecorder,
  ): Promise<{ finish?: string; error?: MessageError }> {
    const { instance, user, signal } = setup;
    for (let attempt = 1; ; attempt++) {
      recorder.beginAttempt();
      try {
        const finish = await this.streamStep(setup, recorder);
        return { finish };
      } catch (error) {
        recorder.closeOpenStreams();
        if (signal.aborted || isAbortError(error)) {
          recorder.interruptOpenTools('Tool execution aborted');
          return { error: ABORTED_ERROR };
        }
        const messageError = toMessageError(error, user.model.providerID);
        // A tool that ran in this attempt may have had effects; retrying would have the model ask
        // for it again and run it twice. Such a step ends with the error instead, keeping its
        // finished tool parts as the record of what was done, and the user decides how to go
        // on: continuing the turn unasked would build on an answer cut off mid-stream. (The
        // installed AI SDK starts tools only after the provider's finish, which a broken stream
        // never sends, so this guards against an SDK that starts them sooner.)
        if (!isTransientError(error) || attempt >= MAX_STEP_ATTEMPTS || recorder.startedTools()) {
          recorder.interruptOpenTools('Tool execution was interrupted by an error');
          this.logger.warn(`model step failed for ${user.sessionID}: ${messageError.name}`);
          return { error: messageError };
        }
        recorder.discardAttempt();
        const delay = retryDelayMs(error, attempt, MAX_RETRY_DELAY_MS);
        const message =
          'message' in messageError.data ? messageError.data.message : messageError.name;
        this.status.set(instance, user.sessionID, {
          type: 'retry',
          attempt,
          message,
          next: Date.now() + delay,
        });
        const waited = await sleep(delay, signal);
        if (!waited) return { error: ABORTED_ERROR };
        this.status.set(instance, user.sessionID, { type: 'busy' });
      }
    }
  }

  /** Streams one model call into the recorder; returns the finish reason. Throws on failure. */
  private async streamStep(setup: TurnSetup, recorder: StepRecorder): Promise<string> {
    const history = this.historyFor(setup.user);
    const messages = toModelMessages(history);
    // Taken before the call: the SDK runs tools while this loop still reads earlier parts, so a
    // snapshot taken on `start-step` could already include their changes.
    const startSnapshot = setup.snapshot ?? (await this.snapshots.track(setup.instance));
    const stream = await this.llm.streamStep({
      model: setup.language,
      system: setup.system.join('\n\n'),
      messages,
      tools: this.aiTools(setup, recorder),
      signal: setup.signal,
      ...(setup.temperature !== undefined && { temperature: setup.temperature }),
      ...(setup.topP !== undefined && { topP: setup.topP }),
    });
    let finish = 'unknown';
    for await (const part of stream) {
      switch (part.type) {
        case 'start-step':
          recorder.stepStart(startSnapshot);
          break;
        case 'text-start':
          recorder.streamStart('text', part.id);
          break;
        case 'text-delta':
          recorder.streamDelta('text', part.id, part.text);
          break;
        case 'text-end':
          recorder.streamEnd('text', part.id);
          break;
        case 'reasoning-start':
          recorder.streamStart('reasoning', part.id, part.providerMetadata);
          break;
        case 'reasoning-delta':
          recorder.streamDelta('reasoning', part.id, part.text);
          break;
        case 'reasoning-end':
          recorder.streamEnd('reasoning', part.id, part.providerMetadata);
          break;
        case 'tool-input-start':
          recorder.toolPending(part.id, part.toolName);
          break;
        case 'tool-error':
          recorder.toolFailed(
            part.toolCallId,
            part.toolName,
            errorMessage(part.error),
            asInput(part.input),
          );
          break;
        case 'finish-step': {
          finish = part.finishReason;
          const end = await this.endSnapshot(setup, recorder, startSnapshot);
          this.recordUsage(setup, recorder, finish, tokensOf(part.usage), end.snapshot);
          if (end.patch) recorder.patch(end.patch);
          break;
        }
        case 'error':
          throw part.error;
        case 'abort':
          throw abortError();
        default:
          break;
      }
    }
    return finish;
  }

  /** The turn's tools for the model, each call recorded in its tool part. */
  private aiTools(setup: TurnSetup, recorder: StepRecorder): Record<string, LlmTool> {
    const tools: Record<string, LlmTool> = {};
    for (const definition of setup.tools) {
      tools[definition.id] = {
        description: definition.description,
        parameters: definition.parameters,
        execute: (input, callID) => this.executeTool(setup, recorder, definition, input, callID),
      };
    }
    return tools;
  }

  private async executeTool(
    setup: TurnSetup,
    recorder: StepRecorder,
    definition: ToolDefinition,
    input: Record<string, unknown>,
    callID: string,
  ): Promise<string> {
    const { instance, user } = setup;
    recorder.toolRunning(callID, definition.id, input);
    const context: ToolContext = {
      instance,
      sessionID: user.sessionID,
      messageID: recorder.message.id,
      callID,
      agent: setup.agentName,
      abort: setup.signal,
      ask: (request) =>
        this.permissions.ask(
          {
            instance,
            sessionID: user.sessionID,
            messageID: recorder.message.id,
            callID,
            rules: setup.rules,
            signal: setup.signal,
          },
          request,
        ),
      progress: (update) => recorder.toolProgress(callID, update),
    };
    try {
      if (isDoomLoop(recorder, definition.id, input)) {
        await context.ask({
          permission: 'doom_loop',
          patterns: [definition.id],
          always: [definition.id],
          metadata: { tool: definition.id, input },
        });
      }
      const executed = await definition.execute(input, context);
      // Tools that keep their output within limits of their own say so (`metadata.truncated`);
      // the output of the others is cut to the config's `tool_output` limits.
      const result =
        executed.metadata.truncated === undefined
          ? { ...executed, output: limitToolOutput(executed.output, setup.toolOutput) }
          : executed;
      recorder.toolCompleted(callID, result);
      this.toolRegistry.afterExecution(instance, definition.id, result);
      return result.output;
    } catch (error) {
      const aborted = setup.signal.aborted;
      if (error instanceof UserRejectedError && !setup.continueOnReject) setup.rejected = true;
      recorder.toolFailed(
        callID,
        definition.id,
        aborted ? 'Tool execution aborted' : errorMessage(error),
        input,
        aborted ? { interrupted: true } : undefined,
      );
      throw error;
    }
  }

  /**
   * `subtask` parts of the prompt run first, as calls of the `task` tool in an assistant message
   * of their own (as the reference does); the model then answers with their results in view.
   */
  private async runSubtaskParts(setup: TurnSetup): Promise<TurnResult | undefined> {
    const { user } = setup;
    const subtasks = this.messages
      .getMessage(user.sessionID, user.id)
      .parts.filter((part) => part.type === 'subtask');
    const task = setup.tools.find((tool) => tool.id === 'task');
    if (subtasks.length === 0 || !task) return undefined;
    const recorder = this.startAssistantMessage(setup);
    recorder.stepStart(setup.snapshot);
    for (const subtask of subtasks) {
      const input = {
        description: subtask.description,
        prompt: subtask.prompt,
        subagent_type: subtask.agent,
      };
      // A failed subtask is recorded on its tool part; the model sees that error.
      await this.executeTool(setup, recorder, task, input, this.ids.ascending('tool')).catch(
        () => undefined,
      );
    }
    recorder.message.finish = 'tool-calls';
    recorder.message.time.completed = Date.now();
    recorder.saveMessage();
    return { info: recorder.message, parts: recorder.parts() };
  }

  /**
   * The conversation up to this turn's prompt, each prompt followed by its answers: later
   * prompts wait for their own turn. Prompts queued while the session was busy were stored
   * before the answers to earlier ones, so storage order is not conversation order.
   */
  private historyFor(user: UserMessage): MessageWithParts[] {
    // The context starts at the last summary (compaction), if the session has one.
    const all = this.compactions.conversation(user.sessionID);
    const answers = new Map<string, MessageWithParts[]>();
    for (const message of all) {
      if (message.info.role !== 'assistant') continue;
      const list = answers.get(message.info.parentID) ?? [];
      list.push(message);
      answers.set(message.info.parentID, list);
    }
    // Prompts in the order they reached the server, up to this one: a client-chosen id comes
    // from the client's clock and may sort before earlier prompts; creation times are ours.
    const prompts = all
      .filter(({ info }) => info.role === 'user')
      .sort(
        (a, b) => a.info.time.created - b.info.time.created || compareIds(a.info.id, b.info.id),
      );
    const current = prompts.findIndex(({ info }) => info.id === user.id);
    return prompts
      .slice(0, current < 0 ? prompts.length : current + 1)
      .flatMap((prompt) => [prompt, ...(answers.get(prompt.info.id) ?? [])]);
  }

  private recordUsage(
    setup: TurnSetup,
    recorder: StepRecorder,
    finish: string,
    tokens: MessageTokensDto,
    snapshot: string | undefined,
  ): void {
    const cost = costOf(setup.prices, tokens);
    recorder.stepFinish(finish, tokens, cost, snapshot);
    const { total: _total, ...sessionTokens } = tokens;
    this.sessions.addUsage(setup.instance, setup.user.sessionID, { cost, tokens: sessionTokens });
  }

  /**
   * The provider refused a step as too long for the context. When the step produced nothing,
   * the session is summarized, the step's message (which holds only the failure) is dropped and
   * the turn goes on from the summary. False when that could not be done: the error stands.
   */
  private async recoverFromOverflow(setup: TurnSetup, recorder: StepRecorder): Promise<boolean> {
    const { instance, user, signal } = setup;
    if (recorder.parts().some((part) => part.type !== 'step-start')) return false;
    if (!(await this.compaction.compact(instance, user, signal, true))) return false;
    this.messages.removeMessage(instance, recorder.message.sessionID, recorder.message.id);
    setup.user = this.compaction.continuation(instance, user);
    return true;
  }

  /**
   * The snapshot at the end of a step, and the files it changed (the `patch` part, for the
   * session diff and revert). Only tools change files, so a step that ran none, or only
   * read-only ones, costs no git run.
   */
  private async endSnapshot(
    setup: TurnSetup,
    recorder: StepRecorder,
    start: string | undefined,
  ): Promise<{ snapshot?: string; patch?: SnapshotPatch }> {
    const readOnly = new Set(setup.tools.filter((tool) => tool.readOnly).map((tool) => tool.id));
    const mayHaveWritten = recorder
      .parts()
      .some((part) => part.type === 'tool' && !readOnly.has(part.tool));
    const snapshot = mayHaveWritten || !start ? await this.snapshots.track(setup.instance) : start;
    setup.snapshot = snapshot;
    if (!start || !snapshot || snapshot === start) return { snapshot };
    const patch = await this.snapshots.patch(setup.instance, start);
    return { snapshot, ...(patch.files.length > 0 && { patch }) };
  }

  /**
   * An answer that holds only an error: the turn could not start (agent or model gone since the
   * prompt was accepted), waited behind an aborted turn, or broke. It is stored and published
   * when the session still exists; otherwise the caller gets it unstored.
   */
  private unanswered(instance: Instance, user: UserMessage, error: unknown): TurnResult {
    const messageError = toMessageError(error, user.model.providerID);
    const message = newAssistantMessage({
      id: this.ids.ascending('message'),
      instance,
      prompt: user,
      error: messageError,
    });
    try {
      this.messages.saveMessage(instance, message);
    } catch {
      // The session was deleted: there is nothing to store the answer in.
    }
    this.publishError(instance, user.sessionID, messageError);
    return { info: message, parts: [] };
  }

  /** Failures are never silent: every stored message error is also a `session.error` event. */
  private publishError(instance: Instance, sessionID: string, error: MessageError): void {
    this.bus.publish(instance, 'session.error', { sessionID, error });
  }
}

/**
 * The model called the same tool with the same input several times in a row within the current
 * assistant message, as the reference counts: calls of earlier steps or turns (the same prompt
 * sent again) are not a loop.
 */
function isDoomLoop(recorder: StepRecorder, tool: string, input: Record<string, unknown>): boolean {
  const signature = JSON.stringify([tool, input]);
  const calls = recorder
    .parts()
    .filter((part) => part.type === 'tool' && part.state.status !== 'pending')
    .map((part) => (part.type === 'tool' ? JSON.stringify([part.tool, part.state.input]) : ''));
  // The current call is already recorded as running: it and the ones before it must all match.
  const recent = calls.slice(-DOOM_LOOP_THRESHOLD);
  return recent.length === DOOM_LOOP_THRESHOLD && recent.every((call) => call === signature);
}

function asInput(input: unknown): Record<string, unknown> | undefined {
  return typeof input === 'object' && input !== null
    ? (input as Record<string, unknown>)
    : undefined;
}

/** Waits `ms`, or less when `signal` aborts; true when the full time passed. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The error a step's finish reason stands for: an answer cut off at the output limit, or one the
 * provider's content filter stopped. The user must be told either way.
 */
function finishError(finish: string | undefined): MessageError | undefined {
  switch (finish) {
    case 'length':
      return { name: 'MessageOutputLengthError', data: {} };
    case 'content-filter':
      return {
        name: 'ContentFilterError',
        data: { message: 'The provider stopped the answer with its content filter' },
      };
    default:
      return undefined;
  }
}
