import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { Field } from '../../core/http/field.decorators';

/** The Console org this server works for, if any (`GET /experimental/console`). */
@ApiSchema({ name: 'ConsoleState' })
export class ConsoleStateDto {
  @ApiProperty({ type: [String], description: 'Providers whose credentials the Console manages' })
  consoleManagedProviders: string[];

  @ApiPropertyOptional()
  activeOrgName?: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  switchableOrgCount: number;
}

/** One org a logged-in Console account can switch to. */
export interface ConsoleOrg {
  accountID: string;
  accountEmail: string;
  accountUrl: string;
  orgID: string;
  orgName: string;
  active: boolean;
}

/** `GET /experimental/console/orgs`, inline as the reference documents it. */
export const CONSOLE_ORGS_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    orgs: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          accountID: { type: 'string' },
          accountEmail: { type: 'string' },
          accountUrl: { type: 'string' },
          orgID: { type: 'string' },
          orgName: { type: 'string' },
          active: { type: 'boolean' },
        },
        required: ['accountID', 'accountEmail', 'accountUrl', 'orgID', 'orgName', 'active'],
      },
    },
  },
  required: ['orgs'],
};

export class SwitchConsoleOrgDto {
  @Field.string()
  accountID: string;

  @Field.string()
  orgID: string;
}
