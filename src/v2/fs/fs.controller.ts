import {
  createParamDecorator,
  ExecutionContext,
  Get,
  Header,
  Query,
  StreamableFile,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { BadRequestError } from '../../core/errors/named-error';
import { ApiNotFoundErrorDto, ForbiddenErrorDto } from '../../core/http/v2/tagged-error.dto';
import { V2_PREFIX, V2Controller } from '../../core/http/v2/v2-controller.decorator';
import { V2Endpoint } from '../../core/http/v2/v2-endpoint.decorator';
import { CurrentLocation } from '../../core/http/request-context';
import { located, type Located, type RequestLocation } from '../../core/http/v2/request-location';
import { FileSystemEntryDto, FsFindQueryDto, FsListQueryDto } from './dto/fs.dto';
import { FileSystemService } from './fs.service';

const READ_PREFIX = `/${V2_PREFIX}/fs/read/`;
const PATH_ERRORS = [
  [403, ForbiddenErrorDto],
  [404, ApiNotFoundErrorDto],
] as const;

/**
 * The file path of `GET /api/fs/read/<path>`: the rest of the URL path, URI-decoded as one
 * string (so `src%2Fmain.ts` and `src/main.ts` are the same file), as the reference reads it.
 */
const ReadPath = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  const pathname = new URL(request.url, 'http://localhost').pathname;
  try {
    return decodeURIComponent(pathname.slice(READ_PREFIX.length));
  } catch {
    throw new BadRequestError('The path is not valid URI encoding', 'Params', 'path');
  }
});

@V2Controller('fs')
export class FileSystemController {
  constructor(private readonly fs: FileSystemService) {}

  @Get('read/*')
  @V2Endpoint({
    operationId: 'v2.fs.read',
    tag: 'filesystem',
    summary: 'Read file',
    description: 'Serve one file relative to the requested location.',
    response: { binary: 'application/octet-stream' },
    errors: PATH_ERRORS,
  })
  // The bytes are the project's, not the server's: never rendered or sniffed as active content.
  @Header('x-content-type-options', 'nosniff')
  @Header('content-security-policy', "default-src 'none'; sandbox")
  async read(
    @CurrentLocation() location: RequestLocation,
    @ReadPath() path: string,
  ): Promise<StreamableFile> {
    const file = await this.fs.read(location.instance, path);
    return new StreamableFile(file.stream, { type: file.contentType, length: file.size });
  }

  @Get('list')
  @V2Endpoint({
    operationId: 'v2.fs.list',
    tag: 'filesystem',
    summary: 'List directory',
    description: 'List direct children of one directory relative to the requested location.',
    response: { located: [FileSystemEntryDto] },
    errors: PATH_ERRORS,
  })
  list(
    @CurrentLocation() location: RequestLocation,
    @Query() query: FsListQueryDto,
  ): Promise<Located<FileSystemEntryDto[]>> {
    return located(location, this.fs.list(location.instance, query.path));
  }

  @Get('find')
  @V2Endpoint({
    operationId: 'v2.fs.find',
    tag: 'filesystem',
    summary: 'Find files',
    description: 'Find recursively ranked filesystem entries relative to the requested location.',
    response: { located: [FileSystemEntryDto] },
  })
  find(
    @CurrentLocation() location: RequestLocation,
    @Query() query: FsFindQueryDto,
  ): Promise<Located<FileSystemEntryDto[]>> {
    return located(location, this.fs.find(location.instance, query));
  }
}
