import { Injectable, Logger } from '@nestjs/common';
import { AgentService } from '../agent/agent.service';
import { BusService } from '../core/bus/bus.service';
import { errorMessage } from '../core/errors/error-message';
import { IdGenerator } from '../core/id';
import type { Instance } from '../core/instance/instance';
import { PluginHooks } from '../core/plugin/plugin-hooks';
import { toMessageError } from '../llm/llm-errors';
import { ProviderService } from '../provider/provider.service';
import type { ModelRef } from '../provider/provider.types';
import type { UserMessage } from '../session/dto/message.dto';
import { MessageService } from '../session/message.service';
import { CompactionService } from './compaction.service';
import { toolOutputsToPrune } from './tool-output-pruning';

/** The prompt that resumes a turn whose context was just summarized to make room. */
export const CONTINUE_AFTER_COMPACTION =
  'The conversation so far has been summarized above to make room in the context. Carry on with the task from where it stopped; if it is unclear how to go on, stop and ask.';

/**
 * What the agent loop does to keep a session within its model's context: summarize the session
 * (an `auto` compaction) when a step filled the context or the provider refused a call as too
 * long, write the synthetic prompt the turn carries on from, and clear old tool outputs after
 * each turn.
 */
@Injectable()
export class AutoCompactionService {
  private readonly logger = new Logger(AutoCompactionService.name);

  constructor(
    private readonly compactions: CompactionService,
    private readonly agents: AgentService,
    private readonly providers: ProviderService,
    private readonly messages: MessageService,
    private readonly ids: IdGenerator,
    private readonly bus: BusService,
    private readonly plugins: PluginHooks,
  ) {}

  /**
   * Summarizes `prompt`'s session with the `compaction` agent's model, else the prompt's;
   * `overflow` when the provider refused the conversation as too long. False when it failed,
   * which is published as `session.error` (and stored on the summary message when the model
   * was called).
   */
  async compact(
    instance: Instance,
    prompt: UserMessage,
    signal: AbortSignal,
    overflow: boolean,
  ): Promise<boolean> {
    const agent = await this.agents.find(instance, 'compaction');
    const ref: ModelRef = agent?.model ?? prompt.model;
    try {
      const model = await this.providers.getModel(instance, ref.providerID, ref.modelID);
      return await this.compactions.compact(
        instance,
        prompt.sessionID,
        { providerID: ref.providerID, modelID: ref.modelID, auto: true, overflow },
        model,
        signal,
      );
    } catch (error) {
      // The compaction model is gone (the config changed): the turn cannot go on; say why.
      const stored = toMessageError(error, ref.providerID);
      this.bus.publish(instance, 'session.error', { sessionID: prompt.sessionID, error: stored });
      return false;
    }
  }

  /**
   * Whether a turn goes on after an automatic compaction of `prompt`'s session (with the
   * synthetic prompt of {@link continuation}): yes, unless a plugin's
   * `experimental.compaction.autocontinue` hook sets `enabled` to false, in which case the turn
   * ends at the summary. The hook gets the prompt's model and provider, as the reference.
   */
  async autocontinue(instance: Instance, prompt: UserMessage, overflow: boolean): Promise<boolean> {
    if (!(await this.plugins.has(instance, 'experimental.compaction.autocontinue'))) return true;
    const { model, provider } = await this.providers.getModel(
      instance,
      prompt.model.providerID,
      prompt.model.modelID,
    );
    const decision: { enabled: unknown } = { enabled: true };
    const output = await this.plugins.trigger(
      instance,
      'experimental.compaction.autocontinue',
      {
        sessionID: prompt.sessionID,
        agent: prompt.agent,
        model,
        provider: { source: provider.source, info: provider, options: provider.options },
        message: prompt,
        overflow,
      },
      decision,
    );
    return output.enabled !== false;
  }

  /**
   * Stores the synthetic prompt a turn carries on from after a compaction: as `prompt`'s (agent,
   * model, tools), asking the model to go on. The turn's next steps answer it, so their context
   * starts at the summary.
   */
  continuation(instance: Instance, prompt: UserMessage): UserMessage {
    const next: UserMessage = {
      id: this.ids.ascending('message'),
      sessionID: prompt.sessionID,
      role: 'user',
      time: { created: Date.now() },
      agent: prompt.agent,
      model: prompt.model,
      ...(prompt.system && { system: prompt.system }),
      ...(prompt.tools && { tools: prompt.tools }),
    };
    this.messages.saveMessage(instance, next);
    this.messages.savePart(instance, {
      id: this.ids.ascending('part'),
      sessionID: next.sessionID,
      messageID: next.id,
      type: 'text',
      text: CONTINUE_AFTER_COMPACTION,
      synthetic: true,
    });
    return next;
  }

  /**
   * Clears old tool outputs from the model's context, as the reference does after each turn:
   * the parts keep their output for clients and get `time.compacted`; the model reads a
   * placeholder instead. A failure is only logged: the turn already ended.
   */
  prune(instance: Instance, sessionID: string): void {
    try {
      const parts = toolOutputsToPrune(this.compactions.conversation(sessionID));
      const compacted = Date.now();
      for (const part of parts) {
        const time = { ...part.state.time, compacted };
        this.messages.savePart(instance, { ...part, state: { ...part.state, time } });
      }
      if (parts.length > 0)
        this.logger.log(`cleared ${parts.length} old tool outputs of ${sessionID}`);
    } catch (error) {
      this.logger.warn(`old tool outputs of ${sessionID} not cleared: ${errorMessage(error)}`);
    }
  }
}
