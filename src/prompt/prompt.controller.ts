import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { ApiExtraModels } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { EventStreamService } from '../event/event-stream.service';
import { SessionParamsDto } from '../session/dto/session-request.dto';
import { MessageWithPartsDto, type MessageWithParts } from '../session/dto/message-with-parts.dto';
import { CommandBodyDto, InitBodyDto } from './dto/command.dto';
import { PromptBodyDto } from './dto/prompt-input.dto';
import { ShellBodyDto } from './dto/shell.dto';
import { PromptService, type AcceptedPrompt } from './prompt.service';

@Controller('session/:sessionID')
@ApiExtraModels(MessageWithPartsDto)
export class PromptController {
  constructor(
    private readonly prompts: PromptService,
    private readonly streams: EventStreamService,
  ) {}

  @Post('message')
  @Endpoint({
    operationId: 'session.prompt',
    idempotent: true,
    tag: 'session',
    summary: 'Send message',
    description: 'Create and send a new message to a session, streaming the AI response.',
    response: MessageWithPartsDto,
    responseDescription: 'Created message',
    notFound: true,
  })
  async prompt(
    @CurrentInstance() instance: Instance,
    @Param() { sessionID }: SessionParamsDto,
    @Body() body: PromptBodyDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.respondWhenAnswered(
      reply,
      instance,
      await this.prompts.prompt(instance, sessionID, body),
    );
  }

  @Post('prompt_async')
  @Endpoint({
    operationId: 'session.prompt_async',
    idempotent: true,
    tag: 'session',
    summary: 'Send async message',
    description:
      'Create and send a new message to a session asynchronously, starting the session if needed and returning immediately.',
    response: 'none',
    responseDescription: 'Prompt accepted',
    notFound: true,
  })
  async promptAsync(
    @CurrentInstance() instance: Instance,
    @Param() { sessionID }: SessionParamsDto,
    @Body() body: PromptBodyDto,
  ): Promise<void> {
    // The outcome is stored and published (message error, `session.error`); nothing to await.
    await this.prompts.prompt(instance, sessionID, body);
  }

  @Post('command')
  @Endpoint({
    operationId: 'session.command',
    idempotent: true,
    tag: 'session',
    summary: 'Send command',
    description: 'Send a new command to a session for execution by the AI assistant.',
    response: MessageWithPartsDto,
    responseDescription: 'Created message',
    notFound: true,
  })
  async command(
    @CurrentInstance() instance: Instance,
    @Param() { sessionID }: SessionParamsDto,
    @Body() body: CommandBodyDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.respondWhenAnswered(
      reply,
      instance,
      await this.prompts.command(instance, sessionID, body),
    );
  }

  @Post('shell')
  @Endpoint({
    operationId: 'session.shell',
    idempotent: true,
    tag: 'session',
    summary: 'Run shell command',
    description: "Execute a shell command within the session context and return the AI's response.",
    response: MessageWithPartsDto,
    responseDescription: 'Created message',
    notFound: true,
  })
  async shell(
    @CurrentInstance() instance: Instance,
    @Param() { sessionID }: SessionParamsDto,
    @Body() body: ShellBodyDto,
  ): Promise<MessageWithParts> {
    const result = await this.prompts.shell(instance, sessionID, body);
    await this.streams.flushed(instance.directory);
    return result;
  }

  @Post('init')
  @Endpoint({
    operationId: 'session.init',
    tag: 'session',
    summary: 'Initialize session',
    description:
      'Analyze the current application and create an AGENTS.md file with project-specific agent configurations.',
    response: 'boolean',
    responseDescription: '200',
    notFound: true,
  })
  async init(
    @CurrentInstance() instance: Instance,
    @Param() { sessionID }: SessionParamsDto,
    @Body() body: InitBodyDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const accepted = await this.prompts.init(instance, sessionID, body);
    await this.respondWhenAnswered(reply, instance, {
      user: accepted.user,
      answer: accepted.answer?.then(() => true),
    });
  }

  /**
   * Sends the status line and headers at once and the JSON body when the turn ends, so a long
   * turn does not trip a client's header timeout. Everything that can fail with a 4xx has been
   * checked before this point; the turn itself stores its failures on the message instead of
   * throwing. The body goes out only after the turn's last events have been written to every
   * event stream of the directory: clients such as `opencode run --attach` stop reading `/event`
   * as soon as this answer arrives, and would otherwise miss the final `step-finish` and idle.
   */
  private async respondWhenAnswered(
    reply: FastifyReply,
    instance: Instance,
    accepted: Pick<AcceptedPrompt, 'user'> & { answer?: Promise<unknown> },
  ): Promise<void> {
    reply.hijack();
    const headers = { ...reply.getHeaders(), 'content-type': 'application/json; charset=utf-8' };
    reply.raw.writeHead(200, headers as Record<string, string>);
    reply.raw.flushHeaders();
    const body = accepted.answer ? await accepted.answer : accepted.user;
    await this.streams.flushed(instance.directory);
    reply.raw.end(JSON.stringify(body));
  }
}
