import { Controller, Get, Post } from '@nestjs/common';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { PathDto } from './dto/path.dto';
import { InstanceInfoService } from './instance-info.service';

@Controller()
export class InstanceController {
  constructor(private readonly info: InstanceInfoService) {}

  @Get('path')
  @Endpoint({
    operationId: 'path.get',
    tag: 'instance',
    summary: 'Get paths',
    description:
      'Retrieve the current working directory and related path information for the OpenCode instance.',
    response: PathDto,
  })
  path(@CurrentInstance() instance: Instance): PathDto {
    return this.info.paths(instance);
  }

  @Post('instance/dispose')
  @Endpoint({
    operationId: 'instance.dispose',
    tag: 'instance',
    summary: 'Dispose instance',
    description: 'Clean up and dispose the current OpenCode instance, releasing all resources.',
    response: 'boolean',
  })
  dispose(@CurrentInstance() instance: Instance): Promise<boolean> {
    return this.info.dispose(instance);
  }
}
