import { Controller, Get } from '@nestjs/common';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { CommandService } from './command.service';
import type { CommandInfo } from './command.types';
import { CommandDto } from './dto/command.dto';

@Controller('command')
export class CommandController {
  constructor(private readonly commands: CommandService) {}

  @Get()
  @Endpoint({
    operationId: 'command.list',
    tag: 'instance',
    summary: 'List commands',
    description: 'Get a list of all available commands in the OpenCode system.',
    response: [CommandDto],
    responseDescription: 'List of commands',
  })
  list(@CurrentInstance() instance: Instance): Promise<CommandInfo[]> {
    return this.commands.list(instance);
  }
}
