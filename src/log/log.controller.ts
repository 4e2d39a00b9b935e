import { Body, Controller, Post } from '@nestjs/common';
import { Endpoint } from '../core/http/endpoint.decorator';
import { LogEntryDto } from './dto/log-entry.dto';
import { LogService } from './log.service';

@Controller('log')
export class LogController {
  constructor(private readonly logs: LogService) {}

  @Post()
  @Endpoint({
    operationId: 'app.log',
    tag: 'control',
    summary: 'Write log',
    description: 'Write a log entry to the server logs with specified level and metadata.',
    response: 'boolean',
  })
  write(@Body() entry: LogEntryDto): boolean {
    return this.logs.write(entry);
  }
}
