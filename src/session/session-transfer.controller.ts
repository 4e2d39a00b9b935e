import { Body, Controller, Get, Header, Param, Post } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiExtraModels } from '@nestjs/swagger';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import {
  SessionExportDto,
  SessionImportSchemaDto,
  type SessionExport,
} from './dto/session-export.dto';
import { SessionParamsDto } from './dto/session-request.dto';
import { SessionDto, type Session } from './dto/session.dto';
import { JSON_CONTENT_TYPE, type JsonText } from './json-text';
import { SessionTransferService } from './session-transfer.service';

/**
 * Export and import of whole sessions (not in the reference's server, whose CLI does both on
 * its database: `opencode export` prints this export's shape, and `opencode import` reads it).
 * `import` is a static segment, which Fastify's router matches before `/session/:sessionID`.
 */
@Controller('session')
@ApiExtraModels(SessionImportSchemaDto)
export class SessionTransferController {
  constructor(private readonly transfer: SessionTransferService) {}

  @Get(':sessionID/export')
  @Endpoint({
    operationId: 'session.export',
    tag: 'session',
    summary: 'Export session',
    description:
      'The session with all its messages and parts, in the shape `opencode export` prints: `info` as GET /session/{sessionID} answers, `messages` as GET /session/{sessionID}/message.',
    response: SessionExportDto,
    responseDescription: 'The exported session',
    notFound: true,
  })
  @Header('content-type', JSON_CONTENT_TYPE)
  export(@Param() params: SessionParamsDto): JsonText<SessionExport> {
    return this.transfer.exportJson(params.sessionID);
  }

  @Post('import')
  @Endpoint({
    operationId: 'session.import',
    tag: 'session',
    summary: 'Import session',
    description:
      "Store an exported session (GET /session/{sessionID}/export, `opencode export`) in the request's project, all of it or nothing. Its ids are kept; message and part ids already used by another session are all renewed, in order, with the references between them. Announced with session.created, message.updated and message.part.updated.",
    response: SessionDto,
    responseDescription: 'The imported session',
  })
  @ApiBody({ type: SessionImportSchemaDto })
  @ApiConflictResponse({ description: 'A session with this id already exists' })
  import(@CurrentInstance() instance: Instance, @Body() body: unknown): Promise<Session> {
    return this.transfer.import(instance, body);
  }
}
