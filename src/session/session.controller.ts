import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiExtraModels, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { MESSAGE_MODELS } from './dto/message.dto';
import { PART_MODELS } from './dto/part.dto';
import {
  CreateSessionDto,
  ForkSessionDto,
  ListSessionsQueryDto,
  SessionParamsDto,
  UpdateSessionDto,
} from './dto/session-request.dto';
import {
  SESSION_STATUS_MODELS,
  SessionStatusSchema,
  type SessionStatus,
} from './dto/session-status.dto';
import { SessionDto } from './dto/session.dto';
import { TodoDto } from './dto/todo.dto';
import { JSON_CONTENT_TYPE } from './json-text';
import { announceNextPage } from './paging';
import { SessionService } from './session.service';
import { TodoService } from './todo.service';

@Controller('session')
@ApiExtraModels(...SESSION_STATUS_MODELS, ...MESSAGE_MODELS, ...PART_MODELS)
export class SessionController {
  constructor(
    private readonly sessions: SessionService,
    private readonly todos: TodoService,
  ) {}

  @Get()
  @Endpoint({
    operationId: 'session.list',
    tag: 'session',
    summary: 'List sessions',
    description: 'Get a list of all OpenCode sessions, sorted by most recently updated.',
    response: [SessionDto],
    responseDescription: 'List of sessions',
  })
  @Header('content-type', JSON_CONTENT_TYPE)
  list(
    @CurrentInstance() instance: Instance,
    @Query() query: ListSessionsQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Buffer {
    const page = this.sessions.listJson(instance, query);
    if (page.nextCursor) announceNextPage(reply, 'cursor', page.nextCursor);
    return page.json;
  }

  @Post()
  @Endpoint({
    operationId: 'session.create',
    idempotent: true,
    tag: 'session',
    summary: 'Create session',
    description:
      'Create a new OpenCode session for interacting with AI assistants and managing conversations.',
    response: SessionDto,
    responseDescription: 'Successfully created session',
    notFound: true,
  })
  create(@CurrentInstance() instance: Instance, @Body() body: CreateSessionDto): SessionDto {
    return this.sessions.create(instance, body);
  }

  @Get('status')
  @Endpoint({
    operationId: 'session.status',
    tag: 'session',
    summary: 'Get session status',
    description:
      'Retrieve the current status of all sessions, including active, idle, and completed states.',
    response: {
      type: 'object',
      additionalProperties: { $ref: getSchemaPath(SessionStatusSchema) },
    },
    responseDescription: 'Get session status',
  })
  status(@CurrentInstance() instance: Instance): Record<string, SessionStatus> {
    return this.sessions.statusOf(instance);
  }

  @Get(':sessionID')
  @Endpoint({
    operationId: 'session.get',
    tag: 'session',
    summary: 'Get session',
    description: 'Retrieve detailed information about a specific OpenCode session.',
    response: SessionDto,
    notFound: true,
  })
  get(@Param() params: SessionParamsDto): SessionDto {
    return this.sessions.get(params.sessionID);
  }

  @Delete(':sessionID')
  @Endpoint({
    operationId: 'session.delete',
    tag: 'session',
    summary: 'Delete session',
    description:
      'Delete a session and permanently remove all associated data, including messages and history.',
    response: 'boolean',
    responseDescription: 'Successfully deleted session',
    notFound: true,
  })
  delete(@CurrentInstance() instance: Instance, @Param() params: SessionParamsDto): boolean {
    return this.sessions.delete(instance, params.sessionID);
  }

  @Patch(':sessionID')
  @Endpoint({
    operationId: 'session.update',
    tag: 'session',
    summary: 'Update session',
    description: 'Update properties of an existing session, such as title or other metadata.',
    response: SessionDto,
    responseDescription: 'Successfully updated session',
    notFound: true,
  })
  update(
    @CurrentInstance() instance: Instance,
    @Param() params: SessionParamsDto,
    @Body() body: UpdateSessionDto,
  ): SessionDto {
    return this.sessions.update(instance, params.sessionID, body);
  }

  @Get(':sessionID/children')
  @Endpoint({
    operationId: 'session.children',
    tag: 'session',
    summary: 'Get session children',
    description: 'Retrieve all child sessions that were forked from the specified parent session.',
    response: [SessionDto],
    responseDescription: 'List of children',
    notFound: true,
  })
  children(@Param() params: SessionParamsDto): SessionDto[] {
    return this.sessions.children(params.sessionID);
  }

  @Get(':sessionID/todo')
  @Endpoint({
    operationId: 'session.todo',
    tag: 'session',
    summary: 'Get session todos',
    description:
      'Retrieve the todo list associated with a specific session, showing tasks and action items.',
    response: [TodoDto],
    responseDescription: 'Todo list',
    notFound: true,
  })
  todo(@Param() params: SessionParamsDto): TodoDto[] {
    return this.todos.get(params.sessionID);
  }

  @Post(':sessionID/fork')
  @Endpoint({
    operationId: 'session.fork',
    tag: 'session',
    summary: 'Fork session',
    description: 'Create a new session by forking an existing session at a specific message point.',
    response: SessionDto,
    responseDescription: '200',
    notFound: true,
  })
  fork(
    @CurrentInstance() instance: Instance,
    @Param() params: SessionParamsDto,
    @Body() body: ForkSessionDto,
  ): SessionDto {
    return this.sessions.fork(instance, params.sessionID, body.messageID);
  }

  @Post(':sessionID/abort')
  @Endpoint({
    operationId: 'session.abort',
    tag: 'session',
    summary: 'Abort session',
    description: 'Abort an active session and stop any ongoing AI processing or command execution.',
    response: 'boolean',
    responseDescription: 'Aborted session',
    notFound: true,
  })
  abort(@CurrentInstance() instance: Instance, @Param() params: SessionParamsDto): boolean {
    return this.sessions.abort(instance, params.sessionID);
  }
}
