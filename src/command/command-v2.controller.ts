import { Get } from '@nestjs/common';
import { V2Controller } from '../core/http/v2/v2-controller.decorator';
import { V2Endpoint } from '../core/http/v2/v2-endpoint.decorator';
import { CurrentLocation } from '../core/http/request-context';
import { located, type Located, type RequestLocation } from '../core/http/v2/request-location';
import { CommandService } from './command.service';
import { CommandV2InfoDto } from './dto/command-v2.dto';

@V2Controller('command')
export class CommandV2Controller {
  constructor(private readonly commands: CommandService) {}

  @Get()
  @V2Endpoint({
    operationId: 'v2.command.list',
    tag: 'commands',
    summary: 'List commands',
    description: 'Retrieve currently registered commands.',
    response: { located: [CommandV2InfoDto] },
  })
  list(@CurrentLocation() location: RequestLocation): Promise<Located<CommandV2InfoDto[]>> {
    return located(location, this.commands.listV2(location.instance));
  }
}
