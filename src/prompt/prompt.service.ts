import { modelVariants } from '../provider/model-variants';
import { Injectable } from '@nestjs/common';
import { BadRequestError, NamedError } from '../core/errors/named-error';
import { IdGenerator } from '../core/id';
import type { Instance } from '../core/instance/instance';
import { resolveShell, runShell } from '../core/shell';
import { AppEnvironment } from '../core/config/app-environment';
import { PluginHooks } from '../core/plugin/plugin-hooks';
import { AgentService } from '../agent/agent.service';
import { TurnRunnerService } from '../agent-loop/turn-runner.service';
import type { TurnResult } from '../agent-loop/turn.types';
import { CommandService } from '../command/command.service';
import { ConfigService } from '../config/config.service';
import { BusService } from '../core/bus/bus.service';
import { ProjectService } from '../project/project.service';
import { ProviderService } from '../provider/provider.service';
import { RevertService } from '../revert/revert.service';
import { newAssistantMessage } from '../session/assistant-message';
import type { AssistantMessage, UserMessage } from '../session/dto/message.dto';
import type { MessageWithParts } from '../session/dto/message-with-parts.dto';
import type { Part, TextPart, ToolPart } from '../session/dto/part.dto';
import { MessageService } from '../session/message.service';
import { SessionRunRegistry } from '../session/session-run.registry';
import { SessionTurnQueue } from '../session/session-turn-queue';
import { SessionService } from '../session/session.service';
import { ToolRegistryService } from '../tool/tool-registry.service';
import type { SubagentRunner, SubtaskRequest } from '../tool/tools/task.tool';
import type { ToolContext } from '../tool/tool.types';
import type { CommandBodyDto, InitBodyDto } from './dto/command.dto';
import type { PartInput, PromptBodyDto } from './dto/prompt-input.dto';
import type { ShellBodyDto } from './dto/shell.dto';
import { toStoredParts } from './prompt-parts';
import { TitleService } from './title.service';

const SHELL_TIMEOUT_MS = 10 * 60_000;

export interface AcceptedPrompt {
  user: MessageWithParts;
  /** The turn's answer; absent for `noReply` prompts. */
  answer?: Promise<TurnResult>;
}

interface PromptRequest {
  messageID?: string;
  agent?: string;
  model?: { providerID: string; modelID: string };
  /** The reasoning variant of the model to use (`high`, `max`, ...). */
  variant?: string;
  system?: string;
  tools?: Record<string, boolean>;
  noReply?: boolean;
  parts: PartInput[];
}

/**
 * The ways work enters a session: prompts (answered now or in the background), slash commands,
 * and shell commands run for the user. Every check that can fail (session, agent, model, parts)
 * runs before anything is stored, so a rejected request leaves no trace.
 */
@Injectable()
export class PromptService implements SubagentRunner {
  constructor(
    private readonly sessions: SessionService,
    private readonly messages: MessageService,
    private readonly loop: TurnRunnerService,
    private readonly providers: ProviderService,
    private readonly agents: AgentService,
    private readonly commands: CommandService,
    private readonly titles: TitleService,
    private readonly runs: SessionRunRegistry,
    private readonly ids: IdGenerator,
    private readonly reverts: RevertService,
    private readonly projects: ProjectService,
    private readonly bus: BusService,
    private readonly config: ConfigService,
    private readonly tools: ToolRegistryService,
    private readonly queue: SessionTurnQueue,
    private readonly plugins: PluginHooks,
    private readonly env: AppEnvironment,
  ) {}

  /** A `/shell` command's environment: the server's, with the plugins' `shell.env` over it. */
  private async shellEnv(
    instance: Instance,
    sessionID: string,
    callID: string,
  ): Promise<Record<string, string | undefined>> {
    const { env } = await this.plugins.trigger(
      instance,
      'shell.env',
      { cwd: instance.directory, sessionID, callID },
      { env: {} },
    );
    return { ...this.env.variables, ...env };
  }

  /**
   * `titled: false` leaves the session's title as it is: the `/api` prompts, whose loop (in the
   * reference) names no session, and whose clients script every model call of a turn.
   */
  prompt(
    instance: Instance,
    sessionID: string,
    body: PromptBodyDto,
    options: { titled?: boolean } = {},
  ): Promise<AcceptedPrompt> {
    return this.accept(instance, sessionID, body, options.titled ?? true);
  }

  /** Runs a configured slash command: its template, with the arguments, becomes the prompt. */
  async command(
    instance: Instance,
    sessionID: string,
    body: CommandBodyDto,
  ): Promise<AcceptedPrompt> {
    const command = await this.commands.get(instance, body.command);
    const text = this.commands.render(command, body.arguments);
    // Plugins see the expanded prompt and may change or add parts before it is sent.
    const { parts } = await this.plugins.trigger(
      instance,
      'command.execute.before',
      { command: command.name, sessionID, arguments: body.arguments },
      { parts: [{ type: 'text', text }, ...(body.parts ?? [])] as PromptRequest['parts'] },
    );
    const accepted = await this.accept(instance, sessionID, {
      messageID: body.messageID,
      agent: body.agent ?? command.agent,
      model: parseModelRef(body.model ?? command.model),
      ...(body.variant !== undefined && { variant: body.variant }),
      parts,
    });
    this.announceWhenAnswered(instance, command.name, body.arguments, accepted);
    return accepted;
  }

  /** `/init`: asks the model to study the project and write its AGENTS.md. */
  async init(instance: Instance, sessionID: string, body: InitBodyDto): Promise<AcceptedPrompt> {
    const command = await this.commands.get(instance, 'init');
    const accepted = await this.accept(instance, sessionID, {
      messageID: body.messageID,
      model: { providerID: body.providerID, modelID: body.modelID },
      parts: [{ type: 'text', text: this.commands.render(command, '') }],
    });
    // The reference runs /init as the `init` command, so it is announced like any other.
    this.announceWhenAnswered(instance, command.name, '', accepted);
    return {
      ...accepted,
      // The project counts as initialized once the model has answered the init prompt.
      answer: accepted.answer?.then((result) => {
        if (!result.info.error) this.projects.markInitialized(instance);
        return result;
      }),
    };
  }

  /**
   * Runs a command for the user in the project directory, without the model, and records it as
   * a user message and an assistant message holding a `bash` tool part.
   */
  async shell(
    instance: Instance,
    sessionID: string,
    body: ShellBodyDto,
  ): Promise<MessageWithParts> {
    this.sessions.get(sessionID);
    const agent = await this.resolveAgent(instance, body.agent);
    const model = await this.resolveModel(instance, body.model, agent.model);
    if (body.messageID) this.assertNewMessageID(body.messageID);
    // Run as the session's turn: prompts sent meanwhile wait for it instead of racing it.
    return this.queue.runExclusive(instance, sessionID, async (signal) => {
      const user: UserMessage = {
        id: body.messageID ?? this.ids.ascending('message'),
        sessionID,
        role: 'user',
        time: { created: Date.now() },
        agent: agent.name,
        model,
      };
      await this.reverts.cleanup(instance, sessionID);
      this.messages.saveMessage(instance, user);
      this.messages.savePart(instance, {
        id: this.ids.ascending('part'),
        sessionID,
        messageID: user.id,
        type: 'text',
        text: 'The following tool was executed by the user',
        synthetic: true,
      });
      const assistant = newAssistantMessage({
        id: this.ids.ascending('message'),
        instance,
        prompt: user,
      });
      this.messages.saveMessage(instance, assistant);
      const start = Date.now();
      const input = { command: body.command };
      const base = { id: this.ids.ascending('part'), sessionID, messageID: assistant.id };
      const callID = this.ids.ascending('tool');
      this.messages.savePart(instance, {
        ...base,
        type: 'tool',
        callID,
        tool: 'bash',
        state: { status: 'running', input, time: { start } },
      } satisfies ToolPart);
      const run = await runShell(
        body.command,
        instance.directory,
        SHELL_TIMEOUT_MS,
        signal,
        () => undefined,
        resolveShell((await this.config.get(instance)).shell),
        await this.shellEnv(instance, sessionID, callID),
      );
      const end = Date.now();
      const part: ToolPart = run.aborted
        ? {
            ...base,
            type: 'tool',
            callID,
            tool: 'bash',
            state: {
              status: 'error',
              input,
              error: 'Tool execution aborted',
              metadata: { interrupted: true },
              time: { start, end },
            },
          }
        : {
            ...base,
            type: 'tool',
            callID,
            tool: 'bash',
            state: {
              status: 'completed',
              input,
              output: run.text,
              title: body.command,
              metadata: { output: run.tail, exit: run.exitCode, description: body.command },
              time: { start, end },
            },
          };
      this.messages.savePart(instance, part);
      const done: AssistantMessage = {
        ...assistant,
        time: { created: assistant.time.created, completed: end },
        ...(run.aborted && {
          error: { name: 'MessageAbortedError', data: { message: 'Aborted' } },
        }),
      };
      this.messages.saveMessage(instance, done);
      return this.messages.getMessage(sessionID, assistant.id);
    });
  }

  /** The `task` tool: a child session of the caller's, answered by the named subagent. */
  async runSubtask(
    context: ToolContext,
    request: SubtaskRequest,
  ): Promise<{ sessionID: string; text: string }> {
    const { instance } = context;
    const child = this.sessions.create(instance, {
      parentID: context.sessionID,
      title: `${request.description} (@${request.agent} subagent)`,
    });
    const accepted = await this.accept(instance, child.id, {
      agent: request.agent,
      parts: [{ type: 'text', text: request.prompt }],
    });
    const stop = () => this.runs.abort(child.id);
    context.abort.addEventListener('abort', stop, { once: true });
    try {
      const result = await accepted.answer!;
      if (result.info.error) {
        const detail =
          'message' in result.info.error.data
            ? result.info.error.data.message
            : result.info.error.name;
        throw new Error(`The ${request.agent} subagent failed: ${detail}`);
      }
      const text = result.parts
        .filter((part): part is TextPart => part.type === 'text' && !part.synthetic)
        .map((part) => part.text)
        .join('\n');
      return { sessionID: child.id, text };
    } finally {
      context.abort.removeEventListener('abort', stop);
    }
  }

  /**
   * Publishes `command.executed` as the reference does: once the command's turn is over, naming
   * the answer it ended with. A turn stores its failures rather than throwing; one that cannot
   * answer at all announces nothing.
   */
  private announceWhenAnswered(
    instance: Instance,
    name: string,
    args: string,
    accepted: AcceptedPrompt,
  ): void {
    void accepted.answer?.then(
      ({ info }) =>
        this.bus.publish(instance, 'command.executed', {
          name,
          sessionID: info.sessionID,
          arguments: args,
          messageID: info.id,
        }),
      () => undefined,
    );
  }

  private async accept(
    instance: Instance,
    sessionID: string,
    request: PromptRequest,
    titled = true,
  ): Promise<AcceptedPrompt> {
    const session = this.sessions.get(sessionID);
    const agent = await this.resolveAgent(
      instance,
      request.agent ?? session.agent ?? (await this.agents.defaultAgent(instance)).name,
    );
    const resolved = await this.resolveModel(instance, request.model, agent.model);
    const variant = request.variant ?? (await this.agentVariant(instance, agent, resolved));
    const model = { ...resolved, ...(variant !== undefined && { variant }) };
    if (request.messageID) this.assertNewMessageID(request.messageID);
    const user: UserMessage = {
      id: request.messageID ?? this.ids.ascending('message'),
      sessionID,
      role: 'user',
      time: { created: Date.now() },
      agent: agent.name,
      model,
      ...(request.system && { system: request.system }),
      ...(request.tools && { tools: request.tools }),
    };
    const parts = await toStoredParts(
      instance,
      { sessionID, messageID: user.id, newPartID: () => this.ids.ascending('part') },
      request.parts,
      agent.permission,
      (file) => this.tools.readForUser({ instance, sessionID, messageID: user.id }, file),
    );
    // Plugins may change the message and its parts before they are stored and sent.
    await this.plugins.trigger(
      instance,
      'chat.message',
      {
        sessionID,
        ...(request.agent !== undefined && { agent: request.agent }),
        ...(request.model !== undefined && { model: request.model }),
        ...(request.messageID !== undefined && { messageID: request.messageID }),
        ...(request.variant !== undefined && { variant: request.variant }),
      },
      { message: user, parts },
    );
    const isFirstPrompt =
      this.sessions.isDefaultTitle(session.title) && !this.hasUserMessages(sessionID);
    this.sessions.update(instance, sessionID, {
      agent: agent.name,
      // As the reference, a session without a chosen variant records `default`.
      model: { id: model.modelID, providerID: model.providerID, variant: variant ?? 'default' },
    });
    // A new prompt makes a pending revert final: the reverted messages are deleted now.
    await this.reverts.cleanup(instance, sessionID);
    this.messages.saveMessage(instance, user);
    for (const part of parts) this.messages.savePart(instance, part);
    if (titled && isFirstPrompt && !session.parentID)
      this.titles.generateInBackground(instance, user, promptText(parts));
    const stored = { info: user, parts };
    if (request.noReply) return { user: stored };
    return { user: stored, answer: this.loop.answer(instance, user) };
  }

  /**
   * A client-chosen id must be new (storing under a used one would overwrite that message) and
   * sort after the session's messages: they are listed, and the model's history is built, in id
   * order, so an older id would slip the prompt in among earlier messages.
   */
  /**
   * A client-chosen id must be unused, in any session (ids are unique). It is not required to
   * sort after the session's messages: clients mint ids on their own clock (the TUI and web app
   * send one with every prompt), and one running behind the server's would otherwise have every
   * prompt refused. The loop orders the model's history by when prompts arrived instead.
   */
  private assertNewMessageID(messageID: string): void {
    if (this.messages.isMessageIdTaken(messageID)) {
      throw new BadRequestError(`messageID ${messageID} is already used`, 'Body', 'messageID');
    }
  }

  private hasUserMessages(sessionID: string): boolean {
    return this.messages
      .listMessages(sessionID, { limit: 2 })
      .some((message) => message.info.role === 'user');
  }

  private async resolveAgent(instance: Instance, name: string) {
    try {
      return await this.agents.get(instance, name);
    } catch (error) {
      if (error instanceof NamedError && error.status === 404) {
        throw new BadRequestError(`Unknown agent: ${name}`, 'Body', 'agent');
      }
      throw error;
    }
  }

  /** The prompt's model, else the agent's, else the configured default; checked to exist (400). */
  /**
   * The agent's configured variant, when the prompt runs on the agent's own model and that
   * model has such a variant (a prompt's own `variant` wins over it).
   */
  private async agentVariant(
    instance: Instance,
    agent: { variant?: string; model?: { providerID: string; modelID: string } },
    model: { providerID: string; modelID: string },
  ): Promise<string | undefined> {
    if (!agent.variant || !agent.model) return undefined;
    if (agent.model.providerID !== model.providerID || agent.model.modelID !== model.modelID)
      return undefined;
    const resolved = await this.providers.getModel(instance, model.providerID, model.modelID);
    const variants = resolved.model.variants ?? modelVariants(resolved.model);
    return variants[agent.variant] ? agent.variant : undefined;
  }

  private async resolveModel(
    instance: Instance,
    requested: { providerID: string; modelID: string } | undefined,
    agentModel: { providerID: string; modelID: string } | undefined,
  ): Promise<{ providerID: string; modelID: string }> {
    const ref = requested ?? agentModel ?? (await this.providers.defaultModel(instance));
    await this.providers.getModel(instance, ref.providerID, ref.modelID);
    return { providerID: ref.providerID, modelID: ref.modelID };
  }
}

function parseModelRef(
  model: string | undefined,
): { providerID: string; modelID: string } | undefined {
  if (!model) return undefined;
  const slash = model.indexOf('/');
  return { providerID: model.slice(0, slash), modelID: model.slice(slash + 1) };
}

function promptText(parts: Part[]): string {
  return parts
    .filter((part): part is TextPart => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}
