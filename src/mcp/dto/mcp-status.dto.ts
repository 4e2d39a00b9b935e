import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ApiUnionSchema } from '../../core/http/named-schema';

@ApiSchema({ name: 'MCPStatusConnected' })
export class McpStatusConnectedDto {
  @ApiProperty({ enum: ['connected'] })
  status: 'connected';
}

@ApiSchema({ name: 'MCPStatusDisabled' })
export class McpStatusDisabledDto {
  @ApiProperty({ enum: ['disabled'] })
  status: 'disabled';
}

@ApiSchema({ name: 'MCPStatusFailed' })
export class McpStatusFailedDto {
  @ApiProperty({ enum: ['failed'] })
  status: 'failed';

  @ApiProperty({ description: 'Why the server could not be used' })
  error: string;
}

@ApiSchema({ name: 'MCPStatusNeedsAuth' })
export class McpStatusNeedsAuthDto {
  @ApiProperty({ enum: ['needs_auth'] })
  status: 'needs_auth';
}

@ApiSchema({ name: 'MCPStatusNeedsClientRegistration' })
export class McpStatusNeedsClientRegistrationDto {
  @ApiProperty({ enum: ['needs_client_registration'] })
  status: 'needs_client_registration';

  @ApiProperty({ description: 'What the user must configure (an OAuth client id)' })
  error: string;
}

/** The reference's `MCPStatus` union, as a named component. */
@ApiUnionSchema('MCPStatus', () => [
  McpStatusConnectedDto,
  McpStatusDisabledDto,
  McpStatusFailedDto,
  McpStatusNeedsAuthDto,
  McpStatusNeedsClientRegistrationDto,
])
export class McpStatusSchema {}

export type McpStatus =
  | McpStatusConnectedDto
  | McpStatusDisabledDto
  | McpStatusFailedDto
  | McpStatusNeedsAuthDto
  | McpStatusNeedsClientRegistrationDto;

/** Status of every MCP server of the instance, by name. */
export type McpStatusMap = Record<string, McpStatus>;

export const MCP_STATUS_MODELS = [
  McpStatusConnectedDto,
  McpStatusDisabledDto,
  McpStatusFailedDto,
  McpStatusNeedsAuthDto,
  McpStatusNeedsClientRegistrationDto,
  McpStatusSchema,
];
