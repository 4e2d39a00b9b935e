import { Injectable, Logger } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import { filter, firstValueFrom, merge, Subject } from 'rxjs';
import { BusService } from '../../../core/bus/bus.service';
import { errorMessage } from '../../../core/errors/error-message';
import { IdGenerator } from '../../../core/id';
import type { Instance } from '../../../core/instance/instance';
import { CompactionService } from '../../../compaction/compaction.service';
import { mimeTypeOf } from '../../../file/engine/file-reader';
import type { PartInput } from '../../../prompt/dto/prompt-input.dto';
import { PromptService } from '../../../prompt/prompt.service';
import { ProviderService } from '../../../provider/provider.service';
import type { Session } from '../../../session/dto/session.dto';
import { MessageService } from '../../../session/message.service';
import { SessionService } from '../../../session/session.service';
import { SessionStatusService } from '../../../session/session-status.service';
import type {
  PromptDto,
  PromptInputDto,
  SessionInputAdmittedDto,
  SessionPromptBodyDto,
} from '../dto/session-prompt.dto';
import { SessionEventLog } from '../log/session-event-log.service';
import { promptConflict } from '../session-v2.errors';
import { SessionV2Service } from '../session-v2.service';
import { SessionInputRepository } from './session-input.repository';

/**
 * The `/api` way of driving a session: prompts are admitted (stored as durable inputs, answered
 * at once) and the session's loop takes them one turn at a time, steered inputs before queued
 * ones, through the same agent loop the classic routes use. Also waits for the loop, interrupts
 * it and compacts the session.
 */
@Injectable()
export class SessionLoopService {
  private readonly logger = new Logger(SessionLoopService.name);
  /** Sessions whose inputs are being taken, and whether an interrupt asked that to stop. */
  private readonly draining = new Map<string, { stopped: boolean }>();
  /** Emits a session id whenever its loop stops taking inputs. */
  private readonly drained = new Subject<string>();

  constructor(
    private readonly sessions: SessionV2Service,
    private readonly classic: SessionService,
    private readonly inputs: SessionInputRepository,
    private readonly log: SessionEventLog,
    private readonly prompts: PromptService,
    private readonly messages: MessageService,
    private readonly statuses: SessionStatusService,
    private readonly compaction: CompactionService,
    private readonly providers: ProviderService,
    private readonly bus: BusService,
    private readonly ids: IdGenerator,
  ) {}

  /**
   * Records the input durably and answers its admission; wakes the loop unless `resume` is
   * false. The same id with the same input answers the same admission (nothing new stored);
   * with another input, or an id some message already has, it is a 409.
   */
  async admit(sessionID: string, body: SessionPromptBodyDto): Promise<SessionInputAdmittedDto> {
    const { instance } = await this.sessions.open(sessionID);
    const id = body.id ?? this.ids.ascending('message');
    const prompt = admittedPrompt(body.prompt);
    const delivery = body.delivery ?? 'steer';
    const existing = this.inputs.get(id);
    if (existing) {
      const same =
        existing.sessionID === sessionID &&
        existing.delivery === delivery &&
        isDeepStrictEqual(existing.prompt, prompt);
      if (!same) throw promptConflict(id);
      if (body.resume !== false) this.wake(instance, sessionID);
      return existing;
    }
    if (this.messages.isMessageIdTaken(id)) throw promptConflict(id);
    let admission: SessionInputAdmittedDto | undefined;
    this.log.append(
      instance,
      sessionID,
      'prompt.admitted',
      { messageID: id, prompt, delivery },
      (event) => {
        admission = {
          admittedSeq: event.durable.seq,
          id,
          sessionID,
          prompt,
          delivery,
          timeCreated: event.data.timestamp,
        };
        this.inputs.insert(admission);
      },
    );
    if (body.resume !== false) this.wake(instance, sessionID);
    return admission!;
  }

  /** Stops the running turn (its step ends as interrupted) and the taking of further inputs. */
  async interrupt(sessionID: string): Promise<void> {
    const { instance } = await this.sessions.open(sessionID);
    const drain = this.draining.get(sessionID);
    if (drain) drain.stopped = true;
    this.classic.abort(instance, sessionID);
  }

  /** Resolves once the session's loop is idle: at once when it is. */
  async wait(sessionID: string): Promise<void> {
    this.sessions.find(sessionID);
    const settled = merge(
      this.drained,
      this.bus.events$.pipe(filter((envelope) => envelope.payload.type === 'session.idle')),
    );
    while (this.isActive(sessionID)) {
      await firstValueFrom(settled.pipe(filter(() => !this.isActive(sessionID))), {
        defaultValue: undefined,
      });
    }
  }

  /** Compacts the session with its own model (else the default one), as a turn of its own. */
  async compact(sessionID: string): Promise<void> {
    const { session, instance } = await this.sessions.open(sessionID);
    const model = await this.modelOf(instance, session);
    await this.compaction.summarize(instance, sessionID, {
      providerID: model.providerID,
      modelID: model.modelID,
    });
  }

  private isActive(sessionID: string): boolean {
    return this.draining.has(sessionID) || this.statuses.get(sessionID).type !== 'idle';
  }

  /** Starts taking the session's inputs, unless that is already going on. */
  private wake(instance: Instance, sessionID: string): void {
    if (this.draining.has(sessionID)) return;
    const drain = { stopped: false };
    this.draining.set(sessionID, drain);
    void this.drain(instance, sessionID, drain).finally(() => {
      this.draining.delete(sessionID);
      this.drained.next(sessionID);
    });
  }

  private async drain(instance: Instance, sessionID: string, drain: { stopped: boolean }) {
    while (!drain.stopped) {
      const input = this.inputs.pending(sessionID)[0];
      if (!input) return;
      try {
        const session = this.sessions.find(sessionID);
        const model = session.model;
        const accepted = await this.prompts.prompt(
          instance,
          sessionID,
          {
            messageID: input.id,
            ...(model && {
              model: { providerID: model.providerID, modelID: model.id },
              ...(model.variant && model.variant !== 'default' && { variant: model.variant }),
            }),
            parts: partsOf(input.prompt),
          },
          { titled: false },
        );
        await accepted.answer;
      } catch (error) {
        // The input cannot be run (its session is gone, its model unknown): it is taken, and
        // why it got no answer is in the session's log, instead of it blocking every input
        // after it.
        this.logger.warn(`input ${input.id} of ${sessionID} not run: ${errorMessage(error)}`);
        this.settleUnrun(instance, sessionID, input, error);
      }
    }
  }

  private settleUnrun(
    instance: Instance,
    sessionID: string,
    input: SessionInputAdmittedDto,
    error: unknown,
  ): void {
    // Gone with its session, or taken by the loop after all: nothing to settle.
    const stored = this.inputs.get(input.id);
    if (!stored || stored.promotedSeq !== undefined) return;
    try {
      const prompted = this.log.append(instance, sessionID, 'prompted', {
        messageID: input.id,
        prompt: input.prompt,
        delivery: input.delivery,
      });
      this.inputs.promote(input.id, prompted.durable.seq);
      this.log.append(instance, sessionID, 'synthetic', {
        messageID: this.ids.ascending('message'),
        text: `This prompt was not run: ${errorMessage(error)}`,
      });
    } catch {
      // The session was deleted meanwhile: its inputs went with it.
    }
  }

  private async modelOf(
    instance: Instance,
    session: Session,
  ): Promise<{ providerID: string; modelID: string }> {
    if (session.model) return { providerID: session.model.providerID, modelID: session.model.id };
    return this.providers.defaultModel(instance);
  }
}

/** The prompt as admitted: each file with its media type. */
function admittedPrompt(input: PromptInputDto): PromptDto {
  return {
    text: input.text,
    ...(input.files && {
      files: input.files.map((file) => ({ ...file, mime: mimeOf(file.uri) })),
    }),
    ...(input.agents && { agents: input.agents }),
  };
}

/** A `data:` URI says its type; otherwise the name's extension does (text when unknown). */
function mimeOf(uri: string): string {
  const data = /^data:([^;,]+)/.exec(uri);
  if (data) return data[1];
  const type = mimeTypeOf(uri.split(/[?#]/)[0]);
  return type === 'application/octet-stream' ? 'text/plain' : type;
}

/** The input parts of the agent loop for an admitted prompt. */
function partsOf(prompt: PromptDto): PartInput[] {
  return [
    { type: 'text', text: prompt.text },
    ...(prompt.files ?? []).map((file): PartInput => ({
      type: 'file',
      url: file.uri,
      mime: file.mime,
      ...(file.name && { filename: file.name }),
    })),
    ...(prompt.agents ?? []).map((agent): PartInput => ({ type: 'agent', name: agent.name })),
  ];
}
