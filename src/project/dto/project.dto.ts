import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'ProjectTime' })
export class ProjectTimeDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  created: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  updated: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  initialized?: number;
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

  @ApiProperty({ type: ProjectTimeDto })
  time: ProjectTimeDto;

  @ApiProperty({ type: [String] })
  sandboxes: string[];
}
