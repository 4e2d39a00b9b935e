import { Body, Controller, Delete, Get, Header, Param, Patch, Query, Res } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Endpoint } from '../core/http/endpoint.decorator';
import { UnionBodyPipe } from '../core/http/union-body.pipe';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { MessageWithPartsDto } from './dto/message-with-parts.dto';
import { PART_DTO_BY_TYPE, PartSchema, type Part } from './dto/part.dto';
import {
  ListMessagesQueryDto,
  MessageParamsDto,
  PartParamsDto,
  SessionParamsDto,
} from './dto/session-request.dto';
import { JSON_CONTENT_TYPE, type JsonText } from './json-text';
import { MessageService } from './message.service';
import { announceNextPage } from './paging';

/**
 * A session's messages and their parts as clients read, edit and remove them (prompts are posted
 * by the agent loop's routes).
 */
@Controller('session/:sessionID/message')
export class MessageController {
  constructor(private readonly messages: MessageService) {}

  @Get()
  @Endpoint({
    operationId: 'session.messages',
    tag: 'session',
    summary: 'Get session messages',
    description: 'Retrieve all messages in a session, including user prompts and AI responses.',
    response: [MessageWithPartsDto],
    responseDescription: 'List of messages',
    notFound: true,
  })
  @Header('content-type', JSON_CONTENT_TYPE)
  list(
    @Param() params: SessionParamsDto,
    @Query() query: ListMessagesQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): JsonText<MessageWithPartsDto[]> {
    const page = this.messages.pageJson(params.sessionID, query);
    if (page.nextBefore) announceNextPage(reply, 'before', page.nextBefore);
    return page.json;
  }

  @Get(':messageID')
  @Endpoint({
    operationId: 'session.message',
    tag: 'session',
    summary: 'Get message',
    description: 'Retrieve a specific message from a session by its message ID.',
    response: MessageWithPartsDto,
    responseDescription: 'Message',
    notFound: true,
  })
  get(@Param() params: MessageParamsDto): MessageWithPartsDto {
    return this.messages.getMessage(params.sessionID, params.messageID);
  }

  @Delete(':messageID')
  @Endpoint({
    operationId: 'session.deleteMessage',
    tag: 'session',
    summary: 'Delete message',
    description:
      'Permanently delete a specific message and all of its parts from a session without reverting file changes.',
    response: 'boolean',
    responseDescription: 'Successfully deleted message',
    notFound: true,
  })
  delete(@CurrentInstance() instance: Instance, @Param() params: MessageParamsDto): boolean {
    return this.messages.deleteMessage(instance, params.sessionID, params.messageID);
  }

  @Patch(':messageID/part/:partID')
  @Endpoint({
    operationId: 'part.update',
    tag: 'session',
    summary: 'Update part',
    description: 'Replace a stored part of a message with the part given (its ids as in the path).',
    response: PartSchema,
    responseDescription: 'Successfully updated part',
    notFound: true,
  })
  @ApiBody({ type: PartSchema })
  updatePart(
    @CurrentInstance() instance: Instance,
    @Param() params: PartParamsDto,
    @Body(new UnionBodyPipe<Part>('type', PART_DTO_BY_TYPE)) part: Part,
  ): Part {
    return this.messages.updatePart(instance, params, part);
  }

  @Delete(':messageID/part/:partID')
  @Endpoint({
    operationId: 'part.delete',
    tag: 'session',
    summary: 'Delete part',
    description: 'Remove a part from a message.',
    response: 'boolean',
    responseDescription: 'Successfully deleted part',
    notFound: true,
  })
  deletePart(@CurrentInstance() instance: Instance, @Param() params: PartParamsDto): boolean {
    return this.messages.deletePart(instance, params);
  }
}
