import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** A resource an MCP server offers, with the server it comes from. */
@ApiSchema({ name: 'McpResource' })
export class McpResourceDto {
  @ApiProperty()
  name: string;

  @ApiProperty()
  uri: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiPropertyOptional()
  mimeType?: string;

  @ApiProperty({ description: 'Name of the MCP server, as configured' })
  client: string;
}

/** `GET /experimental/resource`: by `<server>:<uri>`, `%` and `:` of the name escaped. */
export type McpResourceMap = Record<string, McpResourceDto>;
