import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** Response-only: a skill as `GET /api/skill` lists it (the reference's `SkillV2Info`). */
@ApiSchema({ name: 'SkillV2Info' })
export class SkillV2InfoDto {
  @ApiProperty()
  name: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiPropertyOptional({ description: 'Whether it is offered as a slash command' })
  slash?: boolean;

  @ApiProperty({ description: 'Path of the SKILL.md file (`/builtin/<name>.md` for built-ins)' })
  location: string;

  @ApiProperty({ description: 'The markdown body of the file, front matter removed' })
  content: string;
}
