import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiConflictResponse } from '@nestjs/swagger';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { SessionBusyErrorDto } from '../revert/dto/revert.dto';
import { SessionParamsDto } from '../session/dto/session-request.dto';
import { SummarizeBodyDto } from './dto/summarize.dto';
import { CompactionService } from './compaction.service';

@Controller('session')
export class CompactionController {
  constructor(private readonly compactions: CompactionService) {}

  @Post(':sessionID/summarize')
  @Endpoint({
    operationId: 'session.summarize',
    tag: 'session',
    summary: 'Summarize session',
    description:
      'Generate a concise summary of the session using AI compaction to preserve key information.',
    response: 'boolean',
    responseDescription: 'Summarized session',
    notFound: true,
  })
  @ApiConflictResponse({ description: 'SessionBusyError', type: SessionBusyErrorDto })
  summarize(
    @CurrentInstance() instance: Instance,
    @Param() params: SessionParamsDto,
    @Body() body: SummarizeBodyDto,
  ): Promise<boolean> {
    return this.compactions.summarize(instance, params.sessionID, body);
  }
}
