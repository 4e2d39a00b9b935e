import { Controller, Get, Query } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { FindFilesQueryDto, FindSymbolsQueryDto, FindTextQueryDto } from './dto/find-query.dto';
import { SymbolDto } from './dto/symbol.dto';
import { TextMatchDto } from './dto/text-match.dto';
import { FindService } from './find.service';

@Controller('find')
export class FindController {
  constructor(private readonly find: FindService) {}

  @Get()
  @Endpoint({
    operationId: 'find.text',
    tag: 'file',
    summary: 'Find text',
    description: 'Search for text patterns across files in the project using ripgrep.',
    response: [TextMatchDto],
    responseDescription: 'Matches',
  })
  @ApiResponse({ status: 503, description: 'SearchTimeoutError: the search ran out of time' })
  text(
    @CurrentInstance() instance: Instance,
    @Query() query: FindTextQueryDto,
  ): Promise<TextMatchDto[]> {
    return this.find.text(instance, query.pattern);
  }

  @Get('file')
  @Endpoint({
    operationId: 'find.files',
    tag: 'file',
    summary: 'Find files',
    description: 'Search for files or directories by name or pattern in the project directory.',
    response: { type: 'array', items: { type: 'string' } },
    responseDescription: 'File paths',
  })
  files(
    @CurrentInstance() instance: Instance,
    @Query() query: FindFilesQueryDto,
  ): Promise<string[]> {
    return this.find.files(instance, query);
  }

  @Get('symbol')
  @Endpoint({
    operationId: 'find.symbols',
    tag: 'file',
    summary: 'Find symbols',
    description: 'Search for workspace symbols like functions, classes, and variables using LSP.',
    response: [SymbolDto],
    responseDescription: 'Symbols',
  })
  symbols(
    @CurrentInstance() instance: Instance,
    @Query() query: FindSymbolsQueryDto,
  ): Promise<SymbolDto[]> {
    return this.find.symbols(instance, query.query);
  }
}
