import { Body, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { CurrentLocation } from '../../core/http/request-context';
import type { Located, RequestLocation } from '../../core/http/v2/request-location';
import { V2Controller } from '../../core/http/v2/v2-controller.decorator';
import { V2Endpoint } from '../../core/http/v2/v2-endpoint.decorator';
import { PermissionNotFoundErrorDto } from './dto/permission-not-found.dto';
import {
  CreatePermissionV2BodyDto,
  PermissionSavedInfoDto,
  PermissionV2AskResultDto,
  PermissionV2ReplyBodyDto,
  PermissionV2RequestDto,
  SavedPermissionParamsDto,
  SavedPermissionQueryDto,
  SessionPermissionParamsDto,
  SessionPermissionRequestParamsDto,
} from './dto/permission-v2.dto';
import { PermissionV2Service } from './permission-v2.service';
import { ConflictErrorDto, SessionNotFoundErrorDto } from '../session/session-v2.errors';

const TAG = 'permissions';
const SESSION_NOT_FOUND = [404, SessionNotFoundErrorDto] as const;
const REQUEST_NOT_FOUND = [404, PermissionNotFoundErrorDto] as const;

/** `/api/permission/*`: the pending requests of a location, and the saved permissions. */
@V2Controller('permission')
export class PermissionV2Controller {
  constructor(private readonly permissions: PermissionV2Service) {}

  @Get('request')
  @V2Endpoint({
    operationId: 'v2.permission.request.list',
    tag: TAG,
    summary: 'List pending permission requests',
    description: 'The permission requests of the location that wait for an answer, oldest first.',
    response: { located: [PermissionV2RequestDto] },
  })
  listRequests(@CurrentLocation() location: RequestLocation): Located<PermissionV2RequestDto[]> {
    return { location: location.info, data: this.permissions.listLocation(location.instance) };
  }

  @Get('saved')
  @V2Endpoint({
    operationId: 'v2.permission.saved.list',
    tag: TAG,
    summary: 'List saved permissions',
    description:
      'The patterns answered "always", of the project named by `projectID`, else of the location\'s project.',
    response: { data: [PermissionSavedInfoDto] },
  })
  listSaved(
    @CurrentLocation() location: RequestLocation,
    @Query() query: SavedPermissionQueryDto,
  ): { data: PermissionSavedInfoDto[] } {
    return { data: this.permissions.listSaved(location.instance, query.projectID) };
  }

  @Delete('saved/:id')
  @V2Endpoint({
    operationId: 'v2.permission.saved.remove',
    tag: TAG,
    summary: 'Remove saved permission',
    description:
      'Forget a saved permission: its pattern is asked again. An unknown id is no error.',
    response: 'none',
    location: false,
  })
  removeSaved(@Param() { id }: SavedPermissionParamsDto): void {
    this.permissions.removeSaved(id);
  }
}

/** `/api/session/:sessionID/permission*`: a session's permission requests. */
@V2Controller('session')
export class SessionPermissionV2Controller {
  constructor(private readonly permissions: PermissionV2Service) {}

  @Post(':sessionID/permission')
  @V2Endpoint({
    operationId: 'v2.session.permission.create',
    tag: TAG,
    summary: 'Create permission request',
    description:
      "Evaluate a request with the session agent's rules and the saved permissions; when the answer is ask, it waits for a reply as a tool's request does.",
    response: { data: PermissionV2AskResultDto },
    location: false,
    errors: [SESSION_NOT_FOUND, [409, ConflictErrorDto]],
  })
  async create(
    @Param() { sessionID }: SessionPermissionParamsDto,
    @Body() body: CreatePermissionV2BodyDto,
  ): Promise<{ data: PermissionV2AskResultDto }> {
    return { data: await this.permissions.create(sessionID, body) };
  }

  @Get(':sessionID/permission')
  @V2Endpoint({
    operationId: 'v2.session.permission.list',
    tag: TAG,
    summary: 'List session permission requests',
    description: 'The pending permission requests of the session, oldest first.',
    response: { data: [PermissionV2RequestDto] },
    location: false,
    errors: [SESSION_NOT_FOUND],
  })
  list(@Param() { sessionID }: SessionPermissionParamsDto): { data: PermissionV2RequestDto[] } {
    return { data: this.permissions.listSession(sessionID) };
  }

  @Get(':sessionID/permission/:requestID')
  @V2Endpoint({
    operationId: 'v2.session.permission.get',
    tag: TAG,
    summary: 'Get permission request',
    description: 'A pending permission request of the session.',
    response: { data: PermissionV2RequestDto },
    location: false,
    errors: [SESSION_NOT_FOUND, REQUEST_NOT_FOUND],
  })
  get(@Param() { sessionID, requestID }: SessionPermissionRequestParamsDto): {
    data: PermissionV2RequestDto;
  } {
    return { data: this.permissions.get(sessionID, requestID) };
  }

  @Post(':sessionID/permission/:requestID/reply')
  @V2Endpoint({
    operationId: 'v2.session.permission.reply',
    tag: TAG,
    summary: 'Reply to pending permission request',
    description:
      "once: this call goes ahead; always: also saves the request's patterns for the project; reject: the call fails (with `message`, the tool fails with those words).",
    response: 'none',
    location: false,
    errors: [SESSION_NOT_FOUND, REQUEST_NOT_FOUND],
  })
  reply(
    @Param() { sessionID, requestID }: SessionPermissionRequestParamsDto,
    @Body() body: PermissionV2ReplyBodyDto,
  ): void {
    this.permissions.reply(sessionID, requestID, body);
  }
}
