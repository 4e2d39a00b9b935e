import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** The 404 body of the `/mcp/:name/...` routes, in the reference's tagged shape. */
@ApiSchema({ name: 'McpServerNotFoundError' })
export class McpServerNotFoundErrorDto {
  @ApiProperty({ enum: ['McpServerNotFoundError'] })
  _tag: 'McpServerNotFoundError';

  @ApiProperty({ description: 'Name of the MCP server asked for' })
  name: string;

  @ApiProperty()
  message: string;
}
