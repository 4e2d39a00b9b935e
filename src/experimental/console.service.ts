import { Injectable } from '@nestjs/common';
import type { ConsoleOrg, ConsoleStateDto, SwitchConsoleOrgDto } from './dto/console.dto';
import { ConsoleOrgError } from './experimental.errors';

/**
 * The opencode Console (an organisation's managed providers and accounts). This server connects
 * to none: the reads answer what the reference answers with no account logged in, and switching
 * orgs is refused with a named error.
 */
@Injectable()
export class ConsoleService {
  state(): ConsoleStateDto {
    return { consoleManagedProviders: [], switchableOrgCount: 0 };
  }

  orgs(): { orgs: ConsoleOrg[] } {
    return { orgs: [] };
  }

  switchOrg(body: SwitchConsoleOrgDto): never {
    throw new ConsoleOrgError(body.accountID, body.orgID);
  }
}
