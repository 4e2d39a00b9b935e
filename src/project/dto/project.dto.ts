import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Field } from '../../core/http/field.decorators';
import { ApiNamedSchema } from '../../core/http/named-schema';

/**
 * Longest name or icon field accepted. Deliberate difference: the reference takes any length;
 * an icon is typically a data: URL of a small image, far below this.
 */
const MAX_FIELD_LENGTH = 1024 * 1024;

@ApiSchema({ name: 'ProjectTime' })
export class ProjectTimeDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  created: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  updated: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  initialized?: number;
}

/** Used for requests and responses: on a request, an absent field is left as it was. */
@ApiSchema({ name: 'ProjectIcon' })
export class ProjectIconDto {
  @Field.string({
    optional: true,
    maxLength: MAX_FIELD_LENGTH,
    description: 'Image URL (often a data: URL)',
  })
  url?: string;

  @Field.string({
    optional: true,
    maxLength: MAX_FIELD_LENGTH,
    description: 'Image URL chosen by the user, shown instead of `url`',
  })
  override?: string;

  @Field.string({ optional: true, maxLength: MAX_FIELD_LENGTH })
  color?: string;
}

@ApiSchema({ name: 'ProjectCommands' })
export class ProjectCommandsDto {
  @Field.string({
    optional: true,
    maxLength: MAX_FIELD_LENGTH,
    description: 'Startup script to run when creating a new workspace (worktree)',
  })
  start?: string;
}

@ApiSchema({ name: 'Project' })
export class ProjectDto {
  @ApiProperty({ description: 'Hash of the root commit, or `global` outside git' })
  id: string;

  @ApiProperty()
  worktree: string;

  @ApiPropertyOptional({ enum: ['git'], enumName: 'ProjectVcs' })
  vcs?: 'git';

  @ApiPropertyOptional()
  name?: string;

  @ApiPropertyOptional({ type: ProjectIconDto })
  icon?: ProjectIconDto;

  @ApiPropertyOptional({ type: ProjectCommandsDto })
  commands?: ProjectCommandsDto;

  @ApiProperty({ type: ProjectTimeDto })
  time: ProjectTimeDto;

  @ApiProperty({ type: [String], description: 'Linked worktrees of the project' })
  sandboxes: string[];
}

@ApiSchema({ name: 'ProjectUpdateInput' })
export class ProjectUpdateDto {
  @Field.string({ optional: true, maxLength: MAX_FIELD_LENGTH })
  name?: string;

  @Field.nested(ProjectIconDto, { optional: true, description: 'Only the fields given change' })
  icon?: ProjectIconDto;

  @Field.nested(ProjectCommandsDto, { optional: true, description: 'Replaces the commands' })
  commands?: ProjectCommandsDto;
}

export class ProjectParamsDto {
  @Field.string({ maxLength: 200 })
  projectID: string;
}

/** `GET /project/:projectID/directories`: the checkouts of the project, most recent first. */
@ApiNamedSchema('ProjectDirectories', {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      directory: { type: 'string', description: 'Absolute path of a checkout of the project' },
      strategy: { type: 'string', description: 'How the checkout was made' },
    },
    required: ['directory'],
    additionalProperties: false,
  },
})
export class ProjectDirectoriesSchema {}

@ApiSchema({ name: 'ProjectNotFoundError' })
export class ProjectNotFoundErrorDto {
  @ApiProperty({ enum: ['ProjectNotFoundError'] })
  _tag: 'ProjectNotFoundError';

  @ApiProperty()
  projectID: string;

  @ApiProperty()
  message: string;
}
