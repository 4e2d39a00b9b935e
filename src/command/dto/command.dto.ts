import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { CommandInfo } from '../command.types';

/** Response-only: built by `CommandService`, documented here. */
@ApiSchema({ name: 'Command' })
export class CommandDto implements CommandInfo {
  @ApiProperty()
  name: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiPropertyOptional()
  agent?: string;

  @ApiPropertyOptional({ description: '`provider/model`' })
  model?: string;

  @ApiPropertyOptional({ enum: ['command', 'mcp', 'skill'] })
  source?: 'command' | 'mcp' | 'skill';

  @ApiProperty({ description: 'Prompt template with `$ARGUMENTS` and `$1`.. placeholders' })
  template: string;

  @ApiPropertyOptional()
  subtask?: boolean;

  @ApiProperty({ type: [String], description: 'Placeholders the template uses' })
  hints: string[];
}
