import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiConflictResponse } from '@nestjs/swagger';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { SessionParamsDto } from '../session/dto/session-request.dto';
import { SessionDto } from '../session/dto/session.dto';
import { RevertBodyDto, SessionBusyErrorDto } from './dto/revert.dto';
import { RevertService } from './revert.service';

@Controller('session')
export class RevertController {
  constructor(private readonly reverts: RevertService) {}

  @Post(':sessionID/revert')
  @Endpoint({
    operationId: 'session.revert',
    tag: 'session',
    summary: 'Revert message',
    description:
      'Revert a specific message in a session, undoing its effects and restoring the previous state.',
    response: SessionDto,
    responseDescription: 'Updated session',
    notFound: true,
  })
  @ApiConflictResponse({ description: 'SessionBusyError', type: SessionBusyErrorDto })
  revert(
    @CurrentInstance() instance: Instance,
    @Param() params: SessionParamsDto,
    @Body() body: RevertBodyDto,
  ): Promise<SessionDto> {
    return this.reverts.revert(instance, params.sessionID, body);
  }

  @Post(':sessionID/unrevert')
  @Endpoint({
    operationId: 'session.unrevert',
    tag: 'session',
    summary: 'Restore reverted messages',
    description: 'Restore all previously reverted messages in a session.',
    response: SessionDto,
    responseDescription: 'Updated session',
    notFound: true,
  })
  @ApiConflictResponse({ description: 'SessionBusyError', type: SessionBusyErrorDto })
  unrevert(
    @CurrentInstance() instance: Instance,
    @Param() params: SessionParamsDto,
  ): Promise<SessionDto> {
    return this.reverts.unrevert(instance, params.sessionID);
  }
}
