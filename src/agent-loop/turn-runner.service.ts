import { Injectable, Logger } from '@nestjs/common';
import { AutoCompactionService } from '../compaction/auto-compaction.service';
import { isContextOverflow } from '../compaction/context-overflow';
import { BusService } from '../core/bus/bus.service';
import { abortError } from '../core/errors/abort-error';
import { errorMessage } from '../core/errors/error-message';
import { IdGenerator } from '../core/id';
import type { Instance } from '../core/instance/instance';
import { toMessageError, type MessageError } from '../llm/llm-errors';
import { newAssistantMessage } from '../session/assistant-message';
import type { UserMessage } from '../session/dto/message.dto';
import { MessageService } from '../session/message.service';
import { SessionTurnQueue } from '../session/session-turn-queue';
import { SessionDiffService } from '../snapshot/session-diff.service';
import { finishError, ModelStepService } from './model-step.service';
import { QueuedPrompts } from './queued-prompts';
import { StepRecorder } from './step-recorder';
import { ToolExecutorService } from './tool-executor.service';
import { TurnSetupService } from './turn-setup.service';
import type { TurnResult, TurnSetup } from './turn.types';

/**
 * The agent loop's entry: answers a stored prompt as a turn of its session, queued behind the
 * session's earlier work. A turn runs the prompt's `subtask` parts, then model steps (one
 * assistant message each) while the model asks for tools; it compacts the session when the
 * context fills up, clears old tool outputs and refreshes the session diff at its end.
 */
@Injectable()
export class TurnRunnerService {
  private readonly logger = new Logger(TurnRunnerService.name);

  constructor(
    private readonly queue: SessionTurnQueue,
    private readonly setups: TurnSetupService,
    private readonly steps: ModelStepService,
    private readonly tools: ToolExecutorService,
    private readonly compaction: AutoCompactionService,
    private readonly diffs: SessionDiffService,
    private readonly messages: MessageService,
    private readonly ids: IdGenerator,
    private readonly bus: BusService,
    private readonly queued: QueuedPrompts,
  ) {}

  /**
   * Queues an answer to a stored user message; resolves with the last assistant message of its
   * turn (failures included: they are stored on the message, never thrown).
   */
  answer(instance: Instance, user: UserMessage): Promise<TurnResult> {
    this.queued.add(user.id);
    return new Promise<TurnResult>((settle) => {
      this.queue.enqueue(instance, user.sessionID, {
        run: async (signal) => {
          this.queued.remove(user.id);
          const result = await this.runTurnSafely(instance, user, signal);
          return () => settle(result);
        },
        skip: (error) => {
          this.queued.remove(user.id);
          settle(this.unanswered(instance, user, error));
        },
      });
    });
  }

  /**
   * Runs a turn; whatever goes wrong (the session deleted under it, storage failing), the
   * caller gets an answer carrying the error instead of waiting forever.
   */
  private async runTurnSafely(
    instance: Instance,
    user: UserMessage,
    signal: AbortSignal,
  ): Promise<TurnResult> {
    try {
      return await this.runTurn(instance, user, signal);
    } catch (error) {
      if (!signal.aborted) {
        this.logger.error(`turn of ${user.sessionID} failed: ${errorMessage(error)}`);
      }
      return this.unanswered(instance, user, signal.aborted ? abortError() : error);
    }
  }

  private async runTurn(
    instance: Instance,
    user: UserMessage,
    signal: AbortSignal,
  ): Promise<TurnResult> {
    let setup: TurnSetup;
    try {
      setup = await this.setups.prepare(instance, user, signal);
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
      const outcome = await this.steps.run(setup, recorder);
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
        if (!(await this.compaction.autocontinue(instance, setup.user, false))) break;
        setup.user = this.compaction.continuation(instance, setup.user);
        setup.call = { ...setup.call, requestID: setup.user.id, afterCompaction: true };
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
      await this.tools
        .execute(setup, recorder, task, input, this.ids.ascending('tool'))
        .catch(() => undefined);
    }
    recorder.message.finish = 'tool-calls';
    recorder.message.time.completed = Date.now();
    recorder.saveMessage();
    return { info: recorder.message, parts: recorder.parts() };
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
    setup.call = { ...setup.call, requestID: setup.user.id, afterCompaction: true };
    return true;
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
