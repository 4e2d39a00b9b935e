import { Injectable, Logger, Optional } from '@nestjs/common';
import { CompactionService } from '../compaction/compaction.service';
import { abortError } from '../core/errors/abort-error';
import { errorMessage } from '../core/errors/error-message';
import { PluginHooks } from '../core/plugin/plugin-hooks';
import {
  ABORTED_ERROR,
  isAbortError,
  isTransientError,
  retryDelayMs,
  toMessageError,
  type MessageError,
} from '../llm/llm-errors';
import { LlmService } from '../llm/llm.service';
import { toModelMessages } from '../llm/model-messages';
import { costOf, tokensOf } from '../llm/usage';
import type { MessageTokensDto } from '../session/dto/message.dto';
import { SessionStatusService } from '../session/session-status.service';
import { SessionService } from '../session/session.service';
import { SnapshotService } from '../snapshot/snapshot.service';
import type { SnapshotPatch } from '../snapshot/snapshot.types';
import type { StepRecorder } from './step-recorder';
import { ToolExecutorService } from './tool-executor.service';
import { QueuedPrompts } from './queued-prompts';
import { turnHistory } from './turn-history';
import type { TurnSetup } from './turn.types';

/** Attempts of one model step before its error is stored. */
export const MAX_STEP_ATTEMPTS = 4;
/** Longest wait between attempts, whatever `retry-after` says. */
const MAX_RETRY_DELAY_MS = 30_000;

/** How a step ended: the model's finish reason, or the error stored on its message. */
export interface StepOutcome {
  finish?: string;
  error?: MessageError;
}

/**
 * One model step of a turn: the conversation so far goes to the model, its answer streams into
 * the step's assistant message (tools run as it asks for them), and the step's usage, cost and
 * file changes (snapshot and patch) are recorded at its end. Transient failures are tried again.
 */
@Injectable()
export class ModelStepService {
  private readonly logger = new Logger(ModelStepService.name);

  constructor(
    private readonly llm: LlmService,
    private readonly tools: ToolExecutorService,
    private readonly snapshots: SnapshotService,
    private readonly status: SessionStatusService,
    private readonly sessions: SessionService,
    private readonly compactions: CompactionService,
    @Optional() private readonly plugins: PluginHooks = new PluginHooks(),
    @Optional() private readonly queued: QueuedPrompts = new QueuedPrompts(),
  ) {}

  /**
   * Runs the step, tried again on transient failures (rate limits, 5xx, dropped connections)
   * with the server's `retry-after` or a backoff, as long as the attempt's parts can be undone.
   * Never throws: a failure is the outcome's `error`.
   */
  async run(setup: TurnSetup, recorder: StepRecorder): Promise<StepOutcome> {
    const { instance, user, signal } = setup;
    for (let attempt = 1; ; attempt++) {
      recorder.beginAttempt();
      try {
        const finish = await this.stream(setup, recorder);
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
  private async stream(setup: TurnSetup, recorder: StepRecorder): Promise<string> {
    // The context starts at the last summary (compaction), if the session has one.
    // Read at every step: a `noReply` message stored since the last one is new input of the turn.
    const history = turnHistory(
      this.compactions.conversation(setup.user.sessionID),
      setup.user,
      (messageID) => this.queued.has(messageID),
    );
    // Plugins may rewrite the history and the system prompt of this call only: they work on
    // copies, so nothing they change is stored.
    const transformed = await this.plugins.trigger(
      setup.instance,
      'experimental.chat.messages.transform',
      {},
      { messages: structuredClone(history) },
    );
    const messages = toModelMessages(transformed.messages);
    const { system } = await this.plugins.trigger(
      setup.instance,
      'experimental.chat.system.transform',
      { sessionID: setup.user.sessionID, model: setup.call.model },
      { system: [...setup.system] },
    );
    // Taken before the call: the SDK runs tools while this loop still reads earlier parts, so a
    // snapshot taken on `start-step` could already include their changes.
    const startSnapshot = setup.snapshot ?? (await this.snapshots.track(setup.instance));
    const stream = await this.llm.streamStep({
      model: setup.language,
      // The turn's plugins adjust each call (`chat.params`, `chat.headers`).
      context: { ...setup.call, plugins: { instance: setup.instance, message: setup.user } },
      system: system.join('\n\n'),
      messages,
      tools: this.tools.toolsFor(setup, recorder),
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
          recorder.streamEnd(
            'text',
            part.id,
            undefined,
            await this.completedText(setup, recorder, part.id),
          );
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

  /** The text a finished text part is stored with, as plugins leave it (`experimental.text.complete`). */
  private async completedText(
    setup: TurnSetup,
    recorder: StepRecorder,
    streamID: string,
  ): Promise<string | undefined> {
    const part = recorder.streamingText(streamID);
    if (!part || !(await this.plugins.has(setup.instance, 'experimental.text.complete'))) {
      return undefined;
    }
    const output = await this.plugins.trigger(
      setup.instance,
      'experimental.text.complete',
      { sessionID: setup.user.sessionID, messageID: recorder.message.id, partID: part.id },
      { text: part.text.trimEnd() },
    );
    return String(output.text);
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
}

/**
 * The error a step's finish reason stands for: an answer cut off at the output limit, or one the
 * provider's content filter stopped. The user must be told either way.
 */
export function finishError(finish: string | undefined): MessageError | undefined {
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
