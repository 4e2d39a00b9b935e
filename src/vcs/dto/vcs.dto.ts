import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { InstanceQueryDto } from '../../core/http/endpoint.decorator';
import { Field } from '../../core/http/field.decorators';

export const VCS_FILE_STATUSES = ['added', 'deleted', 'modified'] as const;
export type VcsFileStatusValue = (typeof VCS_FILE_STATUSES)[number];

export const VCS_DIFF_MODES = ['git', 'branch'] as const;
export type VcsDiffMode = (typeof VCS_DIFF_MODES)[number];

@ApiSchema({ name: 'VcsInfo' })
export class VcsInfoDto {
  @ApiPropertyOptional()
  branch?: string;

  @ApiPropertyOptional({
    description:
      "The default branch: the main remote's HEAD, else `init.defaultBranch`, `main` or `master` when that branch exists",
  })
  default_branch?: string;
}

@ApiSchema({ name: 'VcsFileStatus' })
export class VcsFileStatusDto {
  @ApiProperty({ description: 'Path from the top of the worktree' })
  file: string;

  @ApiProperty({ type: 'number' })
  additions: number;

  @ApiProperty({ type: 'number' })
  deletions: number;

  @ApiProperty({ enum: VCS_FILE_STATUSES })
  status: VcsFileStatusValue;
}

@ApiSchema({ name: 'VcsFileDiff' })
export class VcsFileDiffDto {
  @ApiProperty({ description: 'Path from the top of the worktree' })
  file: string;

  @ApiPropertyOptional({ description: 'Unified diff of the file; only its name when too large' })
  patch?: string;

  @ApiProperty({ type: 'number' })
  additions: number;

  @ApiProperty({ type: 'number' })
  deletions: number;

  @ApiPropertyOptional({ enum: VCS_FILE_STATUSES })
  status?: VcsFileStatusValue;
}

export class VcsDiffQueryDto extends InstanceQueryDto {
  @Field.enum(VCS_DIFF_MODES, {
    description:
      '`git`: uncommitted changes (against HEAD); `branch`: everything since the current branch left the default branch',
  })
  mode: VcsDiffMode;

  @Field.int({
    optional: true,
    query: true,
    min: 0,
    description: 'Lines of context around each change; the whole file when absent',
  })
  context?: number;
}

@ApiSchema({ name: 'VcsApplyInput' })
export class VcsApplyInputDto {
  @Field.string({ description: 'A patch as `git apply` takes it (e.g. from GET /vcs/diff/raw)' })
  patch: string;
}

/** The reference declares the apply result inline, not as a named schema. */
export const VCS_APPLY_RESULT_SCHEMA = {
  type: 'object' as const,
  properties: { applied: { type: 'boolean' as const } },
  required: ['applied'],
  additionalProperties: false,
};

class VcsApplyErrorDataDto {
  @ApiProperty()
  message: string;

  @ApiProperty({ enum: ['non-git', 'not-clean'] })
  reason: string;
}

@ApiSchema({ name: 'VcsApplyError' })
export class VcsApplyErrorDto {
  @ApiProperty({ enum: ['VcsApplyError'] })
  name: 'VcsApplyError';

  @ApiProperty({ type: VcsApplyErrorDataDto })
  data: VcsApplyErrorDataDto;
}
