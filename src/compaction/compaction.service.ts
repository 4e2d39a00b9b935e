import { Injectable, Logger } from '@nestjs/common';
import type { ModelMessage } from 'ai';
import { AgentService } from '../agent/agent.service';
import { BusService } from '../core/bus/bus.service';
import { BadRequestError } from '../core/errors/named-error';
import { IdGenerator } from '../core/id';
import type { Instance } from '../core/instance/instance';
import { PluginHooks } from '../core/plugin/plugin-hooks';
import { ABORTED_ERROR, toMessageError } from '../llm/llm-errors';
import { toModelMessages } from '../llm/model-messages';
import { LlmService } from '../llm/llm.service';
import { costOf, tokensOf } from '../llm/usage';
import { ProviderService } from '../provider/provider.service';
import type { ResolvedModel } from '../provider/provider.types';
import { RevertService } from '../revert/revert.service';
import { newAssistantMessage } from '../session/assistant-message';
import type { UserMessage } from '../session/dto/message.dto';
import type { MessageWithParts } from '../session/dto/message-with-parts.dto';
import type { Part } from '../session/dto/part.dto';
import { MessageService } from '../session/message.service';
import { SessionTurnQueue } from '../session/session-turn-queue';
import { SessionService } from '../session/session.service';

/** What the compaction prompt reads as when a summary opens the model's context. */
export const SUMMARY_QUESTION = 'What did we do so far?';

/** Characters of each tool output a summary of a conversation too long for the model sees. */
const OVERFLOW_TOOL_OUTPUT_CHARS = 2_000;

const SUMMARY_SYSTEM =
  'You write hand-over notes for coding sessions: precise, complete on what matters, short.';

const SUMMARY_PROMPT = `Summarize the conversation above for another assistant who cannot see it and must carry on the work from where it stopped. Do not call tools; answer with the summary only, in this layout:

## Goal
What the user wants done, in their terms.

## Instructions and constraints
Requirements, preferences and decisions the user stated that still apply.

## Progress
What is done, what is in progress and what is left, in order.

## Findings
Facts learned along the way that the next steps depend on: causes of bugs, APIs and commands that work, dead ends not to try again.

## Files
The files and directories read, created or changed that matter for the rest of the work, each with a few words on its role.

Be specific (names, paths, numbers, exact errors) and leave out pleasantries.`;

export interface SummarizeInput {
  providerID: string;
  modelID: string;
  auto?: boolean;
  /** The provider refused the conversation as too long: tool outputs are cut for the summary. */
  overflow?: boolean;
}

/**
 * Compaction, as the reference: a user message holding a `compaction` part, answered by an
 * assistant message marked `summary: true` whose text is a model-written summary of the
 * conversation. From then on the model's context starts at that summary (`history`), so a long
 * session keeps fitting the model's window.
 */
@Injectable()
export class CompactionService {
  private readonly logger = new Logger(CompactionService.name);

  constructor(
    private readonly sessions: SessionService,
    private readonly messages: MessageService,
    private readonly providers: ProviderService,
    private readonly agents: AgentService,
    private readonly reverts: RevertService,
    private readonly queue: SessionTurnQueue,
    private readonly ids: IdGenerator,
    private readonly bus: BusService,
    private readonly llm: LlmService,
    private readonly plugins: PluginHooks,
  ) {}

  /**
   * `POST /session/:id/summarize`: compacts the session with the given model as the session's
   * turn (busy meanwhile, abortable; a busy session is a 409). A pending revert is made final
   * first, as for a prompt. Answers true once the summary is stored and `session.compacted`
   * published; a failed model call is stored on the summary message, published as
   * `session.error`, and answered false (the reference answers true whatever happened).
   */
  async summarize(instance: Instance, sessionID: string, input: SummarizeInput): Promise<boolean> {
    if (this.conversation(sessionID).length === 0) {
      throw new BadRequestError('The session has no messages to summarize');
    }
    const model = await this.providers.getModel(instance, input.providerID, input.modelID);
    return this.queue.runExclusive(instance, sessionID, async (signal) => {
      await this.reverts.cleanup(instance, sessionID);
      return this.compact(instance, sessionID, input, model, signal);
    });
  }

  /**
   * The conversation the model works from: every message from the last completed summary's
   * compaction prompt on (all of them when there is none), that prompt reading as
   * {@link SUMMARY_QUESTION} so the summary answers it. Messages are oldest first, as stored.
   */
  history(messages: MessageWithParts[]): MessageWithParts[] {
    for (let i = messages.length - 1; i >= 0; i--) {
      const { info } = messages[i];
      if (info.role !== 'assistant' || !isCompletedSummary(messages[i])) continue;
      const start = messages.findIndex((message) => message.info.id === info.parentID);
      if (start < 0) return messages.slice(i);
      const prompt = messages[start];
      return [
        { info: prompt.info, parts: [...prompt.parts, questionPart(prompt)] },
        ...messages.slice(start + 1),
      ];
    }
    return messages;
  }

  /** {@link history} of a stored session: what the agent loop sends the model. */
  conversation(sessionID: string): MessageWithParts[] {
    return this.history(this.messages.conversation(sessionID));
  }

  /**
   * The compaction itself, for a caller that already holds the session's run (the agent loop
   * compacting a session whose context is full, with `auto: true`): stores the compaction
   * prompt and the summary, publishes `session.compacted` on success, and answers whether the
   * summary was written. `POST /session/:id/summarize` goes through {@link summarize}.
   */
  async compact(
    instance: Instance,
    sessionID: string,
    input: SummarizeInput,
    model: ResolvedModel,
    signal: AbortSignal,
  ): Promise<boolean> {
    const history = this.conversation(sessionID);
    // The plugins' say comes first, so that a hook that throws leaves nothing half-written.
    const request = await this.summaryRequest(instance, sessionID, history);
    const session = this.sessions.update(instance, sessionID, { time: { compacting: Date.now() } });
    let summarized = false;
    try {
      const lastPrompt = history.findLast((message) => message.info.role === 'user');
      const agent =
        lastPrompt?.info.agent ?? session.agent ?? (await this.agents.defaultAgent(instance)).name;
      const prompt = this.storePrompt(instance, sessionID, agent, input);
      // A conversation the provider refused as too long would be refused for the summary too:
      // the summary gets the gist of each tool output, not all of it.
      const messages = toModelMessages(request.history, {
        toolOutputLimit: input.overflow ? OVERFLOW_TOOL_OUTPUT_CHARS : undefined,
      });
      messages.push({ role: 'user', content: request.instruction });
      summarized = await this.writeSummary(instance, prompt, model, messages, signal);
    } finally {
      this.sessions.update(instance, sessionID, { time: { compacting: null } });
    }
    if (summarized) this.bus.publish(instance, 'session.compacted', { sessionID });
    return summarized;
  }

  /**
   * What the summary is asked from, after the plugins' hooks, as the reference: the
   * `experimental.session.compacting` hooks add `context` strings to the instruction or replace
   * it with `prompt`, and the `experimental.chat.messages.transform` hooks see (and may change)
   * a copy of the conversation, which is what the summary is written from; nothing they do is
   * stored.
   */
  private async summaryRequest(
    instance: Instance,
    sessionID: string,
    history: MessageWithParts[],
  ): Promise<{ history: MessageWithParts[]; instruction: string }> {
    if (!this.plugins.active) return { history, instruction: SUMMARY_PROMPT };
    const additions: { context: unknown[]; prompt?: unknown } = { context: [], prompt: undefined };
    const compacting = await this.plugins.trigger(
      instance,
      'experimental.session.compacting',
      { sessionID },
      additions,
    );
    const transformed = await this.plugins.trigger(
      instance,
      'experimental.chat.messages.transform',
      {},
      { messages: structuredClone(history) },
    );
    const instruction =
      typeof compacting.prompt === 'string' && compacting.prompt
        ? compacting.prompt
        : [SUMMARY_PROMPT, ...compacting.context]
            .filter((entry): entry is string => typeof entry === 'string' && entry.length > 0)
            .join('\n\n');
    return { history: transformed.messages, instruction };
  }

  private storePrompt(
    instance: Instance,
    sessionID: string,
    agent: string,
    input: SummarizeInput,
  ): UserMessage {
    const prompt: UserMessage = {
      id: this.ids.ascending('message'),
      sessionID,
      role: 'user',
      time: { created: Date.now() },
      agent,
      model: { providerID: input.providerID, modelID: input.modelID },
    };
    this.messages.saveMessage(instance, prompt);
    this.messages.savePart(instance, {
      id: this.ids.ascending('part'),
      sessionID,
      messageID: prompt.id,
      type: 'compaction',
      auto: input.auto ?? false,
      ...(input.overflow && { overflow: true }),
    });
    return prompt;
  }

  /** Asks the model for the summary and stores it as the prompt's answer; false on failure. */
  private async writeSummary(
    instance: Instance,
    prompt: UserMessage,
    model: ResolvedModel,
    messages: ModelMessage[],
    signal: AbortSignal,
  ): Promise<boolean> {
    const { sessionID } = prompt;
    const answer = newAssistantMessage({
      id: this.ids.ascending('message'),
      instance,
      prompt,
      agent: 'compaction',
      summary: true,
    });
    this.messages.saveMessage(instance, answer);
    const base = () => ({ id: this.ids.ascending('part'), sessionID, messageID: answer.id });
    this.messages.savePart(instance, { ...base(), type: 'step-start' });
    const start = Date.now();
    try {
      const result = await this.llm.generate({
        model: model.language,
        context: {
          model: model.model,
          providerOptions: model.provider.options,
          sessionID,
          requestID: prompt.id,
          agent: 'compaction',
        },
        system: SUMMARY_SYSTEM,
        messages,
        signal,
        maxRetries: 2,
      });
      const text = result.text.replace(/<think>[\s\S]*?<\/think>/g, '').trim();
      if (!text) throw new Error('The model answered with an empty summary');
      const tokens = tokensOf(result.usage);
      const cost = costOf(model.model.cost, tokens);
      this.messages.savePart(instance, {
        ...base(),
        type: 'text',
        text,
        time: { start, end: Date.now() },
      });
      this.messages.savePart(instance, {
        ...base(),
        type: 'step-finish',
        reason: result.finishReason,
        cost,
        tokens,
      });
      this.messages.saveMessage(instance, {
        ...answer,
        time: { created: answer.time.created, completed: Date.now() },
        finish: result.finishReason,
        cost,
        tokens,
      });
      this.sessions.addUsage(instance, sessionID, { cost, tokens });
      return true;
    } catch (error) {
      const stored = signal.aborted ? ABORTED_ERROR : toMessageError(error, answer.providerID);
      if (!signal.aborted) this.logger.warn(`summary of ${sessionID} failed: ${stored.name}`);
      this.messages.saveMessage(instance, {
        ...answer,
        time: { created: answer.time.created, completed: Date.now() },
        error: stored,
      });
      this.bus.publish(instance, 'session.error', { sessionID, error: stored });
      return false;
    }
  }
}

function isCompletedSummary({ info, parts }: MessageWithParts): boolean {
  return (
    info.role === 'assistant' &&
    info.summary === true &&
    !info.error &&
    info.time.completed !== undefined &&
    parts.some((part) => part.type === 'text' && part.text.length > 0)
  );
}

/** The compaction prompt's question, in memory only: the stored prompt holds no text. */
function questionPart(prompt: MessageWithParts): Part {
  return {
    id: prompt.parts[0]?.id ?? prompt.info.id.replace(/^msg_/, 'prt_'),
    sessionID: prompt.info.sessionID,
    messageID: prompt.info.id,
    type: 'text',
    text: SUMMARY_QUESTION,
    synthetic: true,
  };
}
