import { Body, Controller, Param, Post } from '@nestjs/common';
import { Endpoint } from '../core/http/endpoint.decorator';
import { PermissionParamsDto, PermissionReplyDto } from './dto/permission-reply.dto';
import { PermissionService } from './permission.service';

@Controller('session/:sessionID/permissions')
export class PermissionController {
  constructor(private readonly permissions: PermissionService) {}

  @Post(':permissionID')
  @Endpoint({
    operationId: 'permission.respond',
    tag: 'session',
    summary: 'Respond to permission',
    description: 'Approve or deny a permission request from the AI assistant.',
    response: 'boolean',
    responseDescription: 'Permission processed successfully',
    notFound: true,
  })
  respond(
    @Param() { sessionID, permissionID }: PermissionParamsDto,
    @Body() body: PermissionReplyDto,
  ): boolean {
    const reply = body.remember && body.response === 'once' ? 'always' : body.response;
    return this.permissions.reply(sessionID, permissionID, reply);
  }
}
