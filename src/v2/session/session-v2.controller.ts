import { Body, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExtraModels } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Field } from '../../core/http/field.decorators';
import { CurrentLocation } from '../../core/http/request-context';
import type { RequestLocation } from '../../core/http/v2/request-location';
import { V2Controller } from '../../core/http/v2/v2-controller.decorator';
import { V2Endpoint } from '../../core/http/v2/v2-endpoint.decorator';
import { LocationQueryDto } from '../../core/http/v2/location.dto';
import { RevertStageBodyDto, RevertStateDto } from './dto/revert-state.dto';
import {
  SessionDurableEventDto,
  SessionEventsQueryDto,
  SessionHistoryDto,
  SessionHistoryQueryDto,
  SessionMessageDto,
  SessionMessagesQueryDto,
  SessionMessagesResponseDto,
} from './dto/session-message.dto';
import { SessionInputAdmittedDto, SessionPromptBodyDto } from './dto/session-prompt.dto';
import {
  CreateSessionV2BodyDto,
  SessionActiveDto,
  SessionListQueryDto,
  SessionsResponseDto,
  SessionV2InfoDto,
  SwitchAgentBodyDto,
  SwitchModelBodyDto,
} from './dto/session-v2.dto';
import { SessionHistoryService } from './messages/session-history.service';
import type { SessionMessage } from './messages/session-messages';
import { SessionLoopService } from './prompt/session-loop.service';
import { RevertStagingService } from './revert/revert-staging.service';
import {
  ConflictErrorDto,
  InvalidCursorErrorDto,
  MessageNotFoundErrorDto,
  SessionNotFoundErrorDto,
} from './session-v2.errors';
import { SessionV2Service } from './session-v2.service';
import { SessionEventStreamService } from './stream/session-event-stream.service';

class SessionParamsDto {
  @Field.id('session')
  sessionID: string;
}

class MessageParamsDto extends SessionParamsDto {
  @Field.id('message')
  messageID: string;
}

const TAG = 'session';
const NOT_FOUND = [404, SessionNotFoundErrorDto] as const;

/** The `/api/session` routes: sessions, their prompts and loop, messages, events, revert. */
@V2Controller('session')
export class SessionV2Controller {
  constructor(
    private readonly sessions: SessionV2Service,
    private readonly loop: SessionLoopService,
    private readonly history: SessionHistoryService,
    private readonly reverts: RevertStagingService,
    private readonly streams: SessionEventStreamService,
  ) {}

  @Get()
  @V2Endpoint({
    operationId: 'v2.session.list',
    tag: TAG,
    summary: 'List sessions',
    description:
      'Sessions by creation time, newest first unless order=asc; a cursor from an earlier page keeps its filters and order.',
    response: SessionsResponseDto,
    location: false,
    errors: [[400, InvalidCursorErrorDto]],
  })
  list(@Query() query: SessionListQueryDto): SessionsResponseDto {
    return this.sessions.list(query);
  }

  @Post()
  @V2Endpoint({
    operationId: 'v2.session.create',
    tag: TAG,
    summary: 'Create session',
    description:
      'Create a session in the body location (else the request location); an id that exists answers that session.',
    response: { data: SessionV2InfoDto },
  })
  async create(
    @CurrentLocation() location: RequestLocation,
    @Body() body: CreateSessionV2BodyDto,
  ): Promise<{ data: SessionV2InfoDto }> {
    return { data: await this.sessions.create(location.instance, body) };
  }

  @Get('active')
  @V2Endpoint({
    operationId: 'v2.session.active',
    tag: TAG,
    summary: 'Active sessions',
    description: 'The sessions whose agent loop is running, by id.',
    response: {
      schema: {
        type: 'object',
        properties: {
          data: {
            type: 'object',
            patternProperties: { '^ses': { $ref: '#/components/schemas/SessionActive' } },
          },
        },
        required: ['data'],
        additionalProperties: false,
      },
    },
    location: false,
  })
  @ApiExtraModels(SessionActiveDto)
  active(@Query() _query: LocationQueryDto): { data: Record<string, SessionActiveDto> } {
    return { data: this.sessions.active() };
  }

  @Get(':sessionID')
  @V2Endpoint({
    operationId: 'v2.session.get',
    tag: TAG,
    summary: 'Get session',
    description: 'One session.',
    response: { data: SessionV2InfoDto },
    location: false,
    errors: [NOT_FOUND],
  })
  get(
    @Param() { sessionID }: SessionParamsDto,
    @Query() _query: LocationQueryDto,
  ): { data: SessionV2InfoDto } {
    return { data: this.sessions.get(sessionID) };
  }

  @Post(':sessionID/agent')
  @V2Endpoint({
    operationId: 'v2.session.switchAgent',
    tag: TAG,
    summary: 'Switch agent',
    description: 'The agent that answers the next prompts.',
    response: 'none',
    location: false,
    errors: [NOT_FOUND],
  })
  switchAgent(
    @Param() { sessionID }: SessionParamsDto,
    @Body() body: SwitchAgentBodyDto,
  ): Promise<void> {
    return this.sessions.switchAgent(sessionID, body.agent);
  }

  @Post(':sessionID/model')
  @V2Endpoint({
    operationId: 'v2.session.switchModel',
    tag: TAG,
    summary: 'Switch model',
    description: 'The model that answers the next prompts.',
    response: 'none',
    location: false,
    errors: [NOT_FOUND],
  })
  switchModel(
    @Param() { sessionID }: SessionParamsDto,
    @Body() body: SwitchModelBodyDto,
  ): Promise<void> {
    return this.sessions.switchModel(sessionID, body.model);
  }

  @Post(':sessionID/prompt')
  @V2Endpoint({
    operationId: 'v2.session.prompt',
    tag: TAG,
    summary: 'Prompt session',
    description:
      'Admit a prompt: it is recorded durably and answered at once; the loop takes it in its turn. The same id with the same input answers the same admission.',
    response: { data: SessionInputAdmittedDto },
    location: false,
    errors: [NOT_FOUND, [409, ConflictErrorDto]],
  })
  async prompt(
    @Param() { sessionID }: SessionParamsDto,
    @Body() body: SessionPromptBodyDto,
  ): Promise<{ data: SessionInputAdmittedDto }> {
    return { data: await this.loop.admit(sessionID, body) };
  }

  @Post(':sessionID/compact')
  @V2Endpoint({
    operationId: 'v2.session.compact',
    tag: TAG,
    summary: 'Compact session',
    description: "Summarize the conversation with the session's model; answers once it is done.",
    response: 'none',
    location: false,
    errors: [NOT_FOUND],
  })
  compact(@Param() { sessionID }: SessionParamsDto): Promise<void> {
    return this.loop.compact(sessionID);
  }

  @Post(':sessionID/wait')
  @V2Endpoint({
    operationId: 'v2.session.wait',
    tag: TAG,
    summary: 'Wait for session',
    description: 'Answers once the session is idle (at once when it is).',
    response: 'none',
    location: false,
    errors: [NOT_FOUND],
  })
  wait(@Param() { sessionID }: SessionParamsDto): Promise<void> {
    return this.loop.wait(sessionID);
  }

  @Post(':sessionID/revert/stage')
  @V2Endpoint({
    operationId: 'v2.session.revert.stage',
    tag: TAG,
    summary: 'Stage revert',
    description:
      'Restore the files as they were before the turns after a message; the messages stay until the revert is committed.',
    response: { data: RevertStateDto },
    location: false,
    errors: [[404, MessageNotFoundErrorDto], NOT_FOUND],
  })
  async stageRevert(
    @Param() { sessionID }: SessionParamsDto,
    @Body() body: RevertStageBodyDto,
  ): Promise<{ data: RevertStateDto }> {
    return { data: await this.reverts.stage(sessionID, body.messageID, body.files) };
  }

  @Post(':sessionID/revert/clear')
  @V2Endpoint({
    operationId: 'v2.session.revert.clear',
    tag: TAG,
    summary: 'Clear revert',
    description: 'Put the files back as they were before the staged revert.',
    response: 'none',
    location: false,
    errors: [NOT_FOUND],
  })
  clearRevert(@Param() { sessionID }: SessionParamsDto): Promise<void> {
    return this.reverts.clear(sessionID);
  }

  @Post(':sessionID/revert/commit')
  @V2Endpoint({
    operationId: 'v2.session.revert.commit',
    tag: TAG,
    summary: 'Commit revert',
    description: 'Delete the messages after the staged boundary, keeping the files as restored.',
    response: 'none',
    location: false,
    errors: [NOT_FOUND],
  })
  commitRevert(@Param() { sessionID }: SessionParamsDto): Promise<void> {
    return this.reverts.commit(sessionID);
  }

  @Get(':sessionID/context')
  @V2Endpoint({
    operationId: 'v2.session.context',
    tag: TAG,
    summary: 'Session context',
    description: 'The messages the model works from: from the latest compaction on, oldest first.',
    response: { data: [SessionMessageDto] },
    location: false,
    errors: [NOT_FOUND],
  })
  context(
    @Param() { sessionID }: SessionParamsDto,
    @Query() _query: LocationQueryDto,
  ): { data: SessionMessage[] } {
    return { data: this.history.context(sessionID) };
  }

  @Get(':sessionID/history')
  @V2Endpoint({
    operationId: 'v2.session.history',
    tag: TAG,
    summary: 'Session history',
    description: 'A page of the durable events after a seq.',
    response: SessionHistoryDto,
    location: false,
    errors: [NOT_FOUND],
  })
  eventHistory(
    @Param() { sessionID }: SessionParamsDto,
    @Query() query: SessionHistoryQueryDto,
  ): SessionHistoryDto {
    return this.history.history(sessionID, query.after, query.limit);
  }

  @Get(':sessionID/event')
  @V2Endpoint({
    operationId: 'v2.session.events',
    tag: TAG,
    summary: 'Session events',
    description:
      'The durable events after `after` (or the `Last-Event-ID` header), then live ones, each once, in seq order; each frame id is its seq.',
    response: { eventStream: SessionDurableEventDto },
    location: false,
    errors: [NOT_FOUND],
  })
  events(
    @Param() { sessionID }: SessionParamsDto,
    @Query() query: SessionEventsQueryDto,
    @Headers('last-event-id') lastEventID: string | undefined,
    @Res() reply: FastifyReply,
  ): void {
    this.streams.serve(reply, sessionID, query.after ?? 0, lastEventID);
  }

  @Post(':sessionID/interrupt')
  @V2Endpoint({
    operationId: 'v2.session.interrupt',
    tag: TAG,
    summary: 'Interrupt session',
    description: 'Stop the running turn; an idle session is left as it is.',
    response: 'none',
    location: false,
    errors: [NOT_FOUND],
  })
  interrupt(@Param() { sessionID }: SessionParamsDto): Promise<void> {
    return this.loop.interrupt(sessionID);
  }

  @Get(':sessionID/message/:messageID')
  @V2Endpoint({
    operationId: 'v2.session.message',
    tag: TAG,
    summary: 'Get message',
    description: 'One message of the session.',
    response: { data: SessionMessageDto },
    location: false,
    errors: [[404, MessageNotFoundErrorDto], NOT_FOUND],
  })
  message(
    @Param() { sessionID, messageID }: MessageParamsDto,
    @Query() _query: LocationQueryDto,
  ): { data: SessionMessage } {
    return { data: this.history.message(sessionID, messageID) };
  }

  @Get(':sessionID/message')
  @V2Endpoint({
    operationId: 'v2.session.messages',
    tag: TAG,
    summary: 'List messages',
    description: 'A page of messages, newest first unless order=asc.',
    response: SessionMessagesResponseDto,
    location: false,
    errors: [NOT_FOUND, [400, InvalidCursorErrorDto]],
  })
  messages(
    @Param() { sessionID }: SessionParamsDto,
    @Query() query: SessionMessagesQueryDto,
  ): SessionMessagesResponseDto {
    return this.history.messages(sessionID, query) as SessionMessagesResponseDto;
  }
}
