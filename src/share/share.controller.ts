import { Controller, Delete, Param, Post } from '@nestjs/common';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { SessionParamsDto } from '../session/dto/session-request.dto';
import { SessionDto } from '../session/dto/session.dto';
import { RequestOrigin } from './request-origin';
import { ShareService } from './share.service';

@Controller('session')
export class ShareController {
  constructor(private readonly shares: ShareService) {}

  @Post(':sessionID/share')
  @Endpoint({
    operationId: 'session.share',
    tag: 'session',
    summary: 'Share session',
    description: 'Create a shareable link for a session, allowing others to view the conversation.',
    response: SessionDto,
    responseDescription: 'Successfully shared session',
    notFound: true,
  })
  share(
    @CurrentInstance() instance: Instance,
    @Param() params: SessionParamsDto,
    @RequestOrigin() origin: string | undefined,
  ): Promise<SessionDto> {
    return this.shares.share(instance, params.sessionID, origin);
  }

  @Delete(':sessionID/share')
  @Endpoint({
    operationId: 'session.unshare',
    tag: 'session',
    summary: 'Unshare session',
    description: 'Remove the shareable link for a session, making it private again.',
    response: SessionDto,
    responseDescription: 'Successfully unshared session',
    notFound: true,
  })
  unshare(
    @CurrentInstance() instance: Instance,
    @Param() params: SessionParamsDto,
  ): Promise<SessionDto> {
    return this.shares.unshare(instance, params.sessionID);
  }
}
