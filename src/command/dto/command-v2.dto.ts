import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ModelRefDto } from '../../provider/dto/model-ref.dto';
import type { CommandV2Info } from '../command.types';

/** Response-only: a command as `GET /api/command` lists it (the reference's `CommandV2Info`). */
@ApiSchema({ name: 'CommandV2Info' })
export class CommandV2InfoDto implements CommandV2Info {
  @ApiProperty()
  name: string;

  @ApiProperty({ description: 'Prompt template with `$ARGUMENTS` and `$1`.. placeholders' })
  template: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiPropertyOptional()
  agent?: string;

  @ApiPropertyOptional({ type: ModelRefDto })
  model?: ModelRefDto;

  @ApiPropertyOptional()
  subtask?: boolean;
}
