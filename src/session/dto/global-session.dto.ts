import { ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { SessionDto } from './session.dto';

/** The project a listed session belongs to, as `GET /experimental/session` names it. */
@ApiSchema({ name: 'ProjectSummary' })
export class ProjectSummaryDto {
  @ApiProperty()
  id: string;

  @ApiPropertyOptional()
  name?: string;

  @ApiProperty()
  worktree: string;
}

/** A session of any project, with its project (null when the project is not known). */
@ApiSchema({ name: 'GlobalSession' })
export class GlobalSessionDto extends SessionDto {
  // Registered with `@ApiExtraModels` where it is served.
  @ApiProperty({ anyOf: [{ $ref: getSchemaPath(ProjectSummaryDto) }, { type: 'null' }] })
  project: ProjectSummaryDto | null;
}
