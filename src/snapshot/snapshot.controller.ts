import { Controller, Get, Param, Query } from '@nestjs/common';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { SessionParamsDto } from '../session/dto/session-request.dto';
import { SnapshotFileDiffDto } from '../session/dto/session.dto';
import { SessionDiffQueryDto } from './dto/session-diff-query.dto';
import { SessionDiffService } from './session-diff.service';
import type { FileDiff } from './snapshot.types';

@Controller('session')
export class SnapshotController {
  constructor(private readonly diffs: SessionDiffService) {}

  @Get(':sessionID/diff')
  @Endpoint({
    operationId: 'session.diff',
    tag: 'session',
    summary: 'Get message diff',
    description:
      'Get the file changes (diff) that resulted from a specific user message in the session.',
    response: [SnapshotFileDiffDto],
    responseDescription: 'Successfully retrieved diff',
    notFound: true,
  })
  diff(
    @CurrentInstance() instance: Instance,
    @Param() params: SessionParamsDto,
    @Query() query: SessionDiffQueryDto,
  ): Promise<FileDiff[]> {
    return this.diffs.diff(instance, params.sessionID, query.messageID);
  }
}
