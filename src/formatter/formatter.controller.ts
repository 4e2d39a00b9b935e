import { Controller, Get } from '@nestjs/common';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { FormatterStatusDto } from './dto/formatter-status.dto';
import { FormatterService } from './formatter.service';

@Controller('formatter')
export class FormatterController {
  constructor(private readonly formatters: FormatterService) {}

  @Get()
  @Endpoint({
    operationId: 'formatter.status',
    tag: 'instance',
    summary: 'Get formatter status',
    description: 'Get formatter status',
    response: [FormatterStatusDto],
    responseDescription: 'Formatter status',
  })
  status(@CurrentInstance() instance: Instance): Promise<FormatterStatusDto[]> {
    return this.formatters.status(instance);
  }
}
