import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import {
  PermissionParamsDto,
  PermissionReplyDto,
  PermissionRequestParamsDto,
  PermissionResponseDto,
} from './dto/permission-reply.dto';
import { PermissionAskedEvent } from './permission.events';
import { PermissionService } from './permission.service';

@Controller()
export class PermissionController {
  constructor(private readonly permissions: PermissionService) {}

  @Get('permission')
  @Endpoint({
    operationId: 'permission.list',
    tag: 'permission',
    summary: 'List pending permissions',
    description: 'The permission requests of this directory that wait for an answer, oldest first.',
    response: [PermissionAskedEvent],
    responseDescription: 'List of pending permissions',
  })
  list(@CurrentInstance() instance: Instance): PermissionAskedEvent[] {
    return this.permissions.list(instance);
  }

  @Post('permission/:requestID/reply')
  @Endpoint({
    operationId: 'permission.reply',
    tag: 'permission',
    summary: 'Respond to permission request',
    description: 'Approve or deny a permission request from the AI assistant.',
    response: 'boolean',
    responseDescription: 'Permission processed successfully',
    notFound: true,
  })
  reply(
    @Param() { requestID }: PermissionRequestParamsDto,
    @Body() body: PermissionReplyDto,
  ): boolean {
    return this.permissions.reply(requestID, body);
  }

  @Post('session/:sessionID/permissions/:permissionID')
  @Endpoint({
    operationId: 'permission.respond',
    tag: 'session',
    summary: 'Respond to permission',
    description:
      'Approve or deny a permission request from the AI assistant. Deprecated: use POST /permission/{requestID}/reply.',
    response: 'boolean',
    responseDescription: 'Permission processed successfully',
    notFound: true,
    deprecated: true,
  })
  respond(
    @Param() { sessionID, permissionID }: PermissionParamsDto,
    @Body() body: PermissionResponseDto,
  ): boolean {
    const reply = body.remember && body.response === 'once' ? 'always' : body.response;
    return this.permissions.replyInSession(sessionID, permissionID, reply);
  }
}
