import { Body, Controller, Get, Post } from '@nestjs/common';
import { Endpoint } from '../core/http/endpoint.decorator';
import { ConsoleService } from './console.service';
import {
  CONSOLE_ORGS_SCHEMA,
  ConsoleStateDto,
  SwitchConsoleOrgDto,
  type ConsoleOrg,
} from './dto/console.dto';

@Controller('experimental/console')
export class ConsoleController {
  constructor(private readonly console: ConsoleService) {}

  @Get()
  @Endpoint({
    operationId: 'experimental.console.get',
    tag: 'experimental',
    summary: 'Get active Console provider metadata',
    description:
      'Get the active Console org name and the provider IDs it manages: none, as this server connects to no Console.',
    response: ConsoleStateDto,
    responseDescription: 'Active Console provider metadata',
  })
  get(): ConsoleStateDto {
    return this.console.state();
  }

  @Get('orgs')
  @Endpoint({
    operationId: 'experimental.console.listOrgs',
    tag: 'experimental',
    summary: 'List switchable Console orgs',
    description: 'Get the Console orgs of the logged-in accounts: none on this server.',
    response: CONSOLE_ORGS_SCHEMA,
    responseDescription: 'Switchable Console orgs',
  })
  orgs(): { orgs: ConsoleOrg[] } {
    return this.console.orgs();
  }

  @Post('switch')
  @Endpoint({
    operationId: 'experimental.console.switchOrg',
    tag: 'experimental',
    summary: 'Switch active Console org',
    description:
      'Select another Console account/org. Refused with a 400 ConsoleOrgError: no Console account is connected to this server.',
    response: 'boolean',
    responseDescription: 'Switch success',
  })
  switchOrg(@Body() body: SwitchConsoleOrgDto): never {
    return this.console.switchOrg(body);
  }
}
