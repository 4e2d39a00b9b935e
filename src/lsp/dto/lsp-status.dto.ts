import { ApiProperty, ApiSchema } from '@nestjs/swagger';

export const LSP_SERVER_STATES = ['connected', 'error'] as const;
export type LspServerState = (typeof LSP_SERVER_STATES)[number];

@ApiSchema({ name: 'LSPStatus' })
export class LspStatusDto {
  @ApiProperty({ description: 'The server id (`typescript`, or the `lsp` config key)' })
  id: string;

  @ApiProperty({ description: 'The server name' })
  name: string;

  @ApiProperty({
    description: 'The root it serves, relative to the project directory (empty for itself)',
  })
  root: string;

  @ApiProperty({
    enum: LSP_SERVER_STATES,
    description: '`error` when it failed to start or stopped on its own',
  })
  status: LspServerState;
}
