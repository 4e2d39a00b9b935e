import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { FileContentDto } from './dto/file-content.dto';
import { FileNodeDto } from './dto/file-node.dto';
import { FileListQueryDto, FileReadQueryDto } from './dto/file-query.dto';
import { FileStatusDto } from './dto/file-status.dto';
import { FileService } from './file.service';

@Controller('file')
export class FileController {
  constructor(private readonly files: FileService) {}

  @Get()
  @Endpoint({
    operationId: 'file.list',
    tag: 'file',
    summary: 'List files',
    description: 'List files and directories in a specified path.',
    response: [FileNodeDto],
    responseDescription: 'Files and directories',
    notFound: true,
    forbidden: true,
  })
  list(
    @CurrentInstance() instance: Instance,
    @Query() query: FileListQueryDto,
  ): Promise<FileNodeDto[]> {
    return this.files.list(instance, query.path);
  }

  @Get('content')
  @Endpoint({
    operationId: 'file.read',
    tag: 'file',
    summary: 'Read file',
    description: 'Read the content of a specified file.',
    response: FileContentDto,
    responseDescription: 'File content',
    notFound: true,
    forbidden: true,
  })
  @ApiResponse({ status: 413, description: 'FileTooLargeError: the file is over the read limit' })
  @Header('content-type', 'application/json; charset=utf-8')
  read(@CurrentInstance() instance: Instance, @Query() query: FileReadQueryDto): Promise<Buffer> {
    return this.files.readJson(instance, query.path);
  }

  @Get('status')
  @Endpoint({
    operationId: 'file.status',
    tag: 'file',
    summary: 'Get file status',
    description: 'Get the git status of all files in the project.',
    response: [FileStatusDto],
    responseDescription: 'File status',
  })
  status(@CurrentInstance() instance: Instance): Promise<FileStatusDto[]> {
    return this.files.status(instance);
  }
}
