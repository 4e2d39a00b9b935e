import { IsStringRecord } from '../../core/http/validators';
import { ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsPositive,
  IsString,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

const MCP_CONFIG_TYPES = ['local', 'remote'] as const;

/**
 * Checked on `config` itself, so a body without a known `type` is refused with that reason rather
 * than with whatever the fallback class makes of its other fields.
 */
function IsMcpConfig(): PropertyDecorator {
  return ValidateBy({
    name: 'isMcpConfig',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        MCP_CONFIG_TYPES.includes((value as { type?: never }).type as never),
      defaultMessage: (args) =>
        typeof args?.value === 'object' && args.value !== null
          ? 'config.type must be one of the following values: local, remote'
          : 'config must be an object',
    },
  });
}

@ApiSchema({ name: 'McpLocalConfig' })
export class McpLocalConfigDto {
  @ApiProperty({ enum: ['local'], description: 'Type of MCP server connection' })
  @IsIn(['local'])
  type: 'local';

  @ApiProperty({
    type: 'array',
    items: { type: 'string' },
    description: 'Command and arguments to run the MCP server',
  })
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  command: string[];

  @ApiPropertyOptional({ description: 'Working directory; relative to the project directory' })
  @IsOptional()
  @IsString()
  cwd?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsStringRecord()
  environment?: Record<string, string>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    // The reference says `exclusiveMinimum: 0` (the same for integers); @nestjs/swagger types
    // exclusiveMinimum as the OpenAPI 3.0 boolean.
    minimum: 1,
    description: 'Connection timeout in milliseconds (30000 when not given)',
  })
  @IsOptional()
  @IsInt()
  @IsPositive()
  timeout?: number;
}

@ApiSchema({ name: 'McpOAuthConfig' })
export class McpOAuthConfigDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  clientId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  clientSecret?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  scope?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 65535 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  callbackPort?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  redirectUri?: string;
}

@ApiSchema({ name: 'McpRemoteConfig' })
export class McpRemoteConfigDto {
  @ApiProperty({ enum: ['remote'], description: 'Type of MCP server connection' })
  @IsIn(['remote'])
  type: 'remote';

  @ApiProperty({ description: 'URL of the remote MCP server' })
  @IsString()
  @IsNotEmpty()
  url: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsStringRecord()
  headers?: Record<string, string>;

  @ApiPropertyOptional({
    anyOf: [{ $ref: getSchemaPath(McpOAuthConfigDto) }, { type: 'boolean', enum: [false] }],
    description:
      'OAuth authentication configuration for the MCP server. Set to false to disable OAuth auto-detection.',
  })
  @ValidateIf((config: McpRemoteConfigDto) => config.oauth !== undefined && config.oauth !== false)
  @IsObject({ message: 'oauth must be an OAuth config object or false' })
  @ValidateNested()
  @Type(() => McpOAuthConfigDto)
  oauth?: McpOAuthConfigDto | false;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'Connection timeout in milliseconds (30000 when not given)',
  })
  @IsOptional()
  @IsInt()
  @IsPositive()
  timeout?: number;
}

export type McpServerConfig = McpLocalConfigDto | McpRemoteConfigDto;

/** `POST /mcp`: a server to add to the instance at runtime (inline in the reference). */
@ApiSchema({ name: 'McpAddInput' })
export class AddMcpDto {
  @ApiProperty({ description: 'Name of the server; replaces a server of the same name' })
  @IsString()
  @IsNotEmpty()
  name: string;

  @ApiProperty({
    anyOf: [
      { $ref: getSchemaPath(McpLocalConfigDto) },
      { $ref: getSchemaPath(McpRemoteConfigDto) },
    ],
  })
  @IsMcpConfig()
  @ValidateNested()
  @Type(() => Object, {
    discriminator: {
      property: 'type',
      subTypes: [
        { name: 'local', value: McpLocalConfigDto },
        { name: 'remote', value: McpRemoteConfigDto },
      ],
    },
    keepDiscriminatorProperty: true,
  })
  config: McpServerConfig;
}
