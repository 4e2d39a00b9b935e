import { Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExtraModels } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { GlobalSessionDto, ProjectSummaryDto } from '../session/dto/global-session.dto';
import { SessionParamsDto } from '../session/dto/session-request.dto';
import { GlobalSessionService } from '../session/global-session.service';
import { announceNextPage } from '../session/paging';
import { ExperimentalCapabilitiesDto } from './dto/capabilities.dto';
import { GlobalSessionListQueryDto } from './dto/session-list.dto';
import { ExperimentalService } from './experimental.service';

@Controller('experimental')
@ApiExtraModels(ProjectSummaryDto)
export class ExperimentalController {
  constructor(
    private readonly experimental: ExperimentalService,
    private readonly sessions: GlobalSessionService,
  ) {}

  @Get('capabilities')
  @Endpoint({
    operationId: 'experimental.capabilities.get',
    tag: 'experimental',
    summary: 'Get experimental capabilities',
    description: 'Get experimental features enabled on the OpenCode server.',
    response: ExperimentalCapabilitiesDto,
    responseDescription: 'Experimental capabilities',
  })
  capabilities(): ExperimentalCapabilitiesDto {
    return this.experimental.capabilities();
  }

  /**
   * Every project's sessions. Only `?directory=` filters (to sessions created in the request's
   * directory), as the reference: the directory header alone does not.
   */
  @Get('session')
  @Endpoint({
    operationId: 'experimental.session.list',
    tag: 'experimental',
    summary: 'List sessions',
    description:
      'Get sessions of every project, most recently updated first, each with its project. A cut page names the next one in `X-Next-Cursor`.',
    response: [GlobalSessionDto],
    responseDescription: 'List of sessions',
  })
  listSessions(
    @CurrentInstance() instance: Instance,
    @Query() query: GlobalSessionListQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): GlobalSessionDto[] {
    const page = this.sessions.list({
      ...query,
      directory: query.directory ? instance.directory : undefined,
    });
    if (page.nextCursor !== undefined) {
      announceNextPage(reply, 'cursor', String(page.nextCursor));
    }
    return page.sessions;
  }

  @Post('session/:sessionID/background')
  @Endpoint({
    operationId: 'experimental.session.background',
    tag: 'experimental',
    summary: 'Background subagents',
    description:
      'Detach the subagents currently blocking the session and continue them in the background. This server has no background subagents (see capabilities): it answers false.',
    response: 'boolean',
    responseDescription: 'Backgrounded subagents',
    notFound: true,
  })
  background(@Param() params: SessionParamsDto): boolean {
    return this.experimental.background(params.sessionID);
  }
}
