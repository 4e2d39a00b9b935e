import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { BusEnvelope, BusEventMap } from '../../../core/bus/bus-event';
import { BusService, type EventSource } from '../../../core/bus/bus.service';
import { errorMessage } from '../../../core/errors/error-message';
import type { AssistantMessage, MessageInfo, UserMessage } from '../../../session/dto/message.dto';
import type { Part, ToolPart } from '../../../session/dto/part.dto';
import { InterruptedWorkService } from '../../../session/interrupted-work.service';
import type { MessageKey } from '../../../session/message.repository';
import { MessageService } from '../../../session/message.service';
import { SessionRepository } from '../../../session/session.repository';
import { SessionInputRepository } from '../prompt/session-input.repository';
import { SessionEventLog, type EventFields } from './session-event-log.service';
import type { DurableType } from './session-event.types';

/** Where one assistant message of a turn stands in its durable events. */
interface StepState {
  info: AssistantMessage;
  /** A model step (`step-start` seen); without one, a tool part is a `/shell` command. */
  open: boolean;
  closed: boolean;
  /** Text and reasoning parts by id: whether their `started` and `ended` went out. */
  streams: Map<string, { kind: 'text' | 'reasoning'; ended: boolean }>;
  /** Tool calls by call id: how far their events went. */
  tools: Map<string, 'input' | 'called' | 'done'>;
  files?: string[];
}

/** The interruption of a step, named as the reference names it. */
const INTERRUPTED = 'Provider turn interrupted';

/**
 * Writes every turn into the session's durable event log, as the `/api` routes show it: it
 * follows the messages and parts the agent loop stores (one loop serves both APIs, so a classic
 * prompt's turn is on the session's `/api` stream too) and appends the matching
 * `session.next.*` events in the order they happen. Each assistant message is one step, as the
 * reference numbers them.
 */
@Injectable()
export class TurnTranslator implements OnModuleDestroy {
  private readonly logger = new Logger(TurnTranslator.name);
  private readonly steps = new Map<string, StepState>();
  /** User messages whose `prompted` is about to go out, by id. */
  private readonly prompted = new Set<string>();
  /** Compaction requests (user messages) whose `compaction.started` went out, by message id. */
  private readonly compactions = new Map<string, 'auto' | 'manual'>();
  private readonly subscription: Subscription;

  constructor(
    bus: BusService,
    private readonly log: SessionEventLog,
    private readonly messages: MessageService,
    private readonly inputs: SessionInputRepository,
    private readonly sessions: SessionRepository,
    interrupted: InterruptedWorkService,
  ) {
    // A server stopped mid-turn (a crash) left steps open in the log; the answers it closed at
    // start-up close them here too.
    interrupted.onAnswersClosed((answers) => this.closeInterruptedSteps(answers));
    this.subscription = bus.events$.subscribe((envelope) => {
      try {
        this.translate(envelope);
      } catch (error) {
        // The session was deleted under the turn (its log went with it), or storage failed:
        // the turn itself goes on; only its /api view misses the event.
        this.logger.warn(`event ${envelope.payload.type} not logged: ${errorMessage(error)}`);
      }
    });
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }

  private translate(envelope: BusEnvelope): void {
    if (envelope.directory === undefined || envelope.project === undefined) return;
    const source: EventSource = { directory: envelope.directory, projectID: envelope.project };
    const { type, properties } = envelope.payload;
    switch (type) {
      case 'message.updated':
        return this.onMessage(source, (properties as BusEventMap['message.updated']).info);
      case 'message.part.updated':
        return this.onPart(source, (properties as BusEventMap['message.part.updated']).part);
      case 'message.part.delta':
        return this.onDelta(source, properties as BusEventMap['message.part.delta']);
      case 'session.status':
        return this.onStatus(source, properties as BusEventMap['session.status']);
      case 'session.deleted':
        return this.forget((properties as BusEventMap['session.deleted']).info.id);
      default:
        // Nothing else is part of a turn.
        return;
    }
  }

  private onMessage(source: EventSource, info: MessageInfo): void {
    if (info.role === 'user') return this.onUserMessage(source, info);
    let step = this.steps.get(info.id);
    if (!step) {
      step = { info, open: false, closed: false, streams: new Map(), tools: new Map() };
      this.steps.set(info.id, step);
    }
    step.info = info;
    if (info.summary) return this.onSummary(source, step);
    if (info.error && step.open && !step.closed) {
      step.closed = true;
      const aborted = info.error.name === 'MessageAbortedError';
      this.append(source, info.sessionID, 'step.failed', {
        assistantMessageID: info.id,
        error: {
          type: 'unknown',
          message: aborted ? INTERRUPTED : (errorText(info.error) ?? info.error.name),
        },
      });
    }
    if (info.time.completed) this.steps.delete(info.id);
  }

  /**
   * A prompt is logged once its parts are stored: they are saved right after the message, in
   * the same tick, so the event waits for the end of it.
   */
  private onUserMessage(source: EventSource, info: UserMessage): void {
    if (this.prompted.has(info.id)) return;
    this.prompted.add(info.id);
    queueMicrotask(() => {
      try {
        this.logPrompt(source, info);
      } catch (error) {
        this.logger.warn(`prompt ${info.id} not logged: ${errorMessage(error)}`);
      } finally {
        // Later updates of the message (its diff summary) find the event in the log.
        this.prompted.delete(info.id);
      }
    });
  }

  private logPrompt(source: EventSource, info: UserMessage): void {
    if (this.log.hasPrompted(info.sessionID, info.id)) return;
    const admitted = this.inputs.get(info.id);
    const parts = this.messages.getMessage(info.sessionID, info.id).parts;
    const compaction = parts.find((part) => part.type === 'compaction');
    if (compaction) {
      const reason = compaction.auto ? 'auto' : 'manual';
      this.compactions.set(info.id, reason);
      this.append(source, info.sessionID, 'compaction.started', { messageID: info.id, reason });
      return;
    }
    const event = this.append(source, info.sessionID, 'prompted', {
      messageID: info.id,
      prompt: admitted?.prompt ?? promptOf(parts),
      delivery: admitted?.delivery ?? 'steer',
    });
    if (admitted) this.inputs.promote(info.id, event.durable.seq);
  }

  /** The summary a compaction wrote: its text ends the compaction started by its request. */
  private onSummary(source: EventSource, step: StepState): void {
    const { info } = step;
    if (!info.time.completed) return;
    this.steps.delete(info.id);
    const reason = this.compactions.get(info.parentID);
    if (!reason) return;
    this.compactions.delete(info.parentID);
    const text = this.messages
      .getMessage(info.sessionID, info.id)
      .parts.flatMap((part) => (part.type === 'text' && !part.synthetic ? [part.text] : []))
      .join('\n');
    this.append(source, info.sessionID, 'compaction.ended', {
      messageID: info.parentID,
      reason,
      text,
      recent: '',
    });
  }

  private onPart(source: EventSource, part: Part): void {
    const step = this.steps.get(part.messageID);
    if (!step || step.info.summary) return;
    const { sessionID } = part;
    const assistantMessageID = part.messageID;
    switch (part.type) {
      case 'step-start': {
        if (step.open) return;
        step.open = true;
        const { info } = step;
        this.append(source, sessionID, 'step.started', {
          assistantMessageID,
          agent: info.agent ?? info.mode,
          model: {
            id: info.modelID,
            providerID: info.providerID,
            ...(info.variant !== undefined && { variant: info.variant }),
          },
          ...(part.snapshot && { snapshot: part.snapshot }),
        });
        return;
      }
      case 'text':
      case 'reasoning': {
        if (!step.open) return;
        const idField = part.type === 'text' ? 'textID' : 'reasoningID';
        let stream = step.streams.get(part.id);
        if (!stream) {
          stream = { kind: part.type, ended: false };
          step.streams.set(part.id, stream);
          this.append(source, sessionID, `${part.type}.started`, {
            assistantMessageID,
            [idField]: part.id,
            ...(part.type === 'reasoning' && part.metadata && { providerMetadata: part.metadata }),
          });
        }
        if (part.time?.end && !stream.ended) {
          stream.ended = true;
          this.append(source, sessionID, `${part.type}.ended`, {
            assistantMessageID,
            [idField]: part.id,
            text: part.text,
          });
        }
        return;
      }
      case 'patch':
        step.files = part.files;
        return;
      case 'tool':
        return step.open ? this.onTool(source, step, part) : this.onShell(source, step, part);
      case 'step-finish': {
        if (!step.open || step.closed) return;
        step.closed = true;
        const { tokens } = part;
        this.append(source, sessionID, 'step.ended', {
          assistantMessageID,
          finish: part.reason,
          cost: part.cost,
          tokens: {
            input: tokens.input,
            output: tokens.output,
            reasoning: tokens.reasoning,
            cache: { read: tokens.cache.read, write: tokens.cache.write },
          },
          ...(part.snapshot && { snapshot: part.snapshot }),
          ...(step.files && { files: step.files }),
        });
        return;
      }
      default:
        // Files, agents, subtasks and snapshots are shown through the prompt and the steps.
        return;
    }
  }

  private onTool(source: EventSource, step: StepState, part: ToolPart): void {
    const { sessionID, callID } = part;
    const assistantMessageID = part.messageID;
    const base = { assistantMessageID, callID };
    let stage = step.tools.get(callID);
    if (stage === 'done') return;
    if (!stage) {
      stage = 'input';
      step.tools.set(callID, stage);
      this.append(source, sessionID, 'tool.input.started', { ...base, name: part.tool });
    }
    const { state } = part;
    if (state.status === 'pending') return;
    if (stage === 'input') {
      step.tools.set(callID, 'called');
      this.append(source, sessionID, 'tool.input.ended', {
        ...base,
        text: JSON.stringify(state.input),
      });
      this.append(source, sessionID, 'tool.called', {
        ...base,
        tool: part.tool,
        input: state.input,
        provider: { executed: false },
      });
      if (state.status === 'running') return;
    }
    if (state.status === 'running') {
      this.append(source, sessionID, 'tool.progress', {
        ...base,
        structured: state.metadata ?? {},
        content: [],
      });
      return;
    }
    step.tools.set(callID, 'done');
    if (state.status === 'completed') {
      this.append(source, sessionID, 'tool.success', {
        ...base,
        structured: state.metadata ?? {},
        content: [{ type: 'text', text: state.output }],
        provider: { executed: false },
      });
    } else {
      this.append(source, sessionID, 'tool.failed', {
        ...base,
        error: { type: 'unknown', message: state.error },
        provider: { executed: false },
      });
    }
  }

  /** A tool part outside a model step: a command the user ran (`/shell`). */
  private onShell(source: EventSource, step: StepState, part: ToolPart): void {
    const { sessionID, callID, state } = part;
    const stage = step.tools.get(callID);
    if (stage === 'done') return;
    if (!stage) {
      step.tools.set(callID, 'called');
      this.append(source, sessionID, 'shell.started', {
        messageID: part.messageID,
        callID,
        command: typeof state.input.command === 'string' ? state.input.command : '',
      });
    }
    if (state.status !== 'completed' && state.status !== 'error') return;
    step.tools.set(callID, 'done');
    this.append(source, sessionID, 'shell.ended', {
      callID,
      output: state.status === 'completed' ? state.output : state.error,
    });
  }

  private onDelta(source: EventSource, delta: BusEventMap['message.part.delta']): void {
    const stream = this.steps.get(delta.messageID)?.streams.get(delta.partID);
    if (!stream || delta.field !== 'text') return;
    const fields = {
      assistantMessageID: delta.messageID,
      [stream.kind === 'text' ? 'textID' : 'reasoningID']: delta.partID,
      delta: delta.delta,
    };
    this.log.publishDelta(source, delta.sessionID, `${stream.kind}.delta`, fields);
  }

  private onStatus(
    source: EventSource,
    { sessionID, status }: BusEventMap['session.status'],
  ): void {
    if (status.type !== 'retry') return;
    this.append(source, sessionID, 'retried', {
      attempt: status.attempt,
      error: { message: status.message, isRetryable: true },
    });
  }

  private closeInterruptedSteps(answers: readonly MessageKey[]): void {
    for (const { sessionID, messageID } of answers) {
      const session = this.sessions.get(sessionID);
      if (!session || !this.log.isStepOpen(sessionID, messageID)) continue;
      this.append(session, sessionID, 'step.failed', {
        assistantMessageID: messageID,
        error: { type: 'unknown', message: 'Interrupted: the server stopped during the step' },
      });
    }
  }

  private forget(sessionID: string): void {
    for (const [id, step] of this.steps)
      if (step.info.sessionID === sessionID) this.steps.delete(id);
  }

  private append(source: EventSource, sessionID: string, type: DurableType, fields: EventFields) {
    return this.log.append(source, sessionID, type, fields);
  }
}

/** The prompt of a classic user message: its text (synthetic text left out), files, agents. */
function promptOf(parts: Part[]): { text: string; files?: object[]; agents?: object[] } {
  const text = parts
    .flatMap((part) => (part.type === 'text' && !part.synthetic ? [part.text] : []))
    .join('\n');
  const files = parts.flatMap((part) =>
    part.type === 'file'
      ? [{ uri: part.url, mime: part.mime, ...(part.filename && { name: part.filename }) }]
      : [],
  );
  const agents = parts.flatMap((part) => (part.type === 'agent' ? [{ name: part.name }] : []));
  return { text, ...(files.length > 0 && { files }), ...(agents.length > 0 && { agents }) };
}

function errorText(error: NonNullable<AssistantMessage['error']>): string | undefined {
  const data = error.data as { message?: unknown } | undefined;
  return typeof data?.message === 'string' ? data.message : undefined;
}
