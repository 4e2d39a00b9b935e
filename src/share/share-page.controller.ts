import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiProduces } from '@nestjs/swagger';
import { Endpoint } from '../core/http/endpoint.decorator';
import { ShareParamsDto, SharedSessionDto } from './dto/shared-session.dto';
import { SHARE_PAGE_CSP } from './share-page';
import { ShareService } from './share.service';

/**
 * The pages of local shares (`OPENCODE_SHARE_URL=local`): read-only, server-wide, and open to
 * anyone holding the link, whose unguessable id is the credential (the auth hook lets exactly
 * `GET`/`HEAD /share/:id` and `/share/:id/data` through without the server password). Not in
 * the reference: its shares live on the share service.
 */
@Controller('share')
export class SharePageController {
  constructor(private readonly shares: ShareService) {}

  @Get(':shareID')
  @Endpoint({
    operationId: 'share.page',
    tag: 'share',
    summary: 'Shared session page',
    description:
      'The read-only HTML page of a session shared with OPENCODE_SHARE_URL=local. No credentials: the id is the credential.',
    response: { type: 'string' },
    responseDescription: 'The conversation as HTML',
    serverScoped: true,
    notFound: true,
  })
  @ApiProduces('text/html')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', SHARE_PAGE_CSP)
  @Header('x-content-type-options', 'nosniff')
  @Header('referrer-policy', 'no-referrer')
  @Header('x-robots-tag', 'noindex, nofollow')
  // Unshared means gone: no cache keeps a copy.
  @Header('cache-control', 'no-store')
  page(@Param() params: ShareParamsDto): string {
    return this.shares.page(params.shareID);
  }

  @Get(':shareID/data')
  @Endpoint({
    operationId: 'share.data',
    tag: 'share',
    summary: 'Shared session data',
    description:
      'The session and its messages with their parts, of a session shared with OPENCODE_SHARE_URL=local. No credentials: the id is the credential.',
    response: SharedSessionDto,
    responseDescription: 'The shared session',
    serverScoped: true,
    notFound: true,
  })
  @Header('x-content-type-options', 'nosniff')
  @Header('referrer-policy', 'no-referrer')
  @Header('x-robots-tag', 'noindex, nofollow')
  @Header('cache-control', 'no-store')
  data(@Param() params: ShareParamsDto): SharedSessionDto {
    return this.shares.sharedSession(params.shareID);
  }
}
