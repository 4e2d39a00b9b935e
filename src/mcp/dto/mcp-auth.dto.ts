import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { Field } from '../../core/http/field.decorators';

/** `/mcp/:name/...`: the server's name, as configured or added. */
export class McpNameParamsDto {
  @Field.string({ notEmpty: true, description: 'Name of the MCP server' })
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
  @Field.string({
    notEmpty: true,
    description: 'The authorization code the browser was sent back with',
  })
  code: string;
}

/** `DELETE /mcp/:name/auth` (inline in the reference). */
@ApiSchema({ name: 'McpAuthRemoveResult' })
export class McpAuthRemoveDto {
  @ApiProperty({ type: 'boolean', enum: [true] })
  success: true;
}
