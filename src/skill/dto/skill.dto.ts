import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { SkillInfo } from '../skill.types';

/** Response-only: built by `SkillService`, documented here (the reference's `GET /skill` item). */
@ApiSchema({ name: 'Skill' })
export class SkillDto implements SkillInfo {
  @ApiProperty()
  name: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiProperty({ description: 'Path of the SKILL.md file, or `<built-in>`' })
  location: string;

  @ApiProperty({ description: 'The markdown body of the file, front matter removed' })
  content: string;
}
