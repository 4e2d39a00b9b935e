import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsNotEmpty, IsString } from 'class-validator';

/** `/mcp/:name/...`: the server's name, as configured or added. */
export class McpNameParamsDto {
  @ApiProperty({ description: 'Name of the MCP server' })
  @IsString()
  @IsNotEmpty()
  name: string;
}

/** `POST /mcp/:name/auth` (inline in the reference). */
@ApiSchema({ name: 'McpAuthStartResult' })
export class McpAuthStartDto {
  @ApiProperty({
    description: 'The page to open in a browser to log in; empty when no login is needed',
  })
  authorizationUrl: string;

  @ApiProperty({ description: 'The OAuth state the authorization request carries' })
  oauthState: string;
}

/** `POST /mcp/:name/auth/callback` (inline in the reference). */
@ApiSchema({ name: 'McpAuthCallbackInput' })
export class McpAuthCallbackDto {
  @ApiProperty({ description: 'The authorization code the browser was sent back with' })
  @IsString()
  @IsNotEmpty()
  code: string;
}

/** `DELETE /mcp/:name/auth` (inline in the reference). */
@ApiSchema({ name: 'McpAuthRemoveResult' })
export class McpAuthRemoveDto {
  @ApiProperty({ type: 'boolean', enum: [true] })
  success: true;
}
