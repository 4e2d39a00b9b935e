import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Field } from '../../../core/http/field.decorators';

/** One file a revert changed back. */
@ApiSchema({ name: 'FileDiff' })
export class FileDiffDto {
  @ApiProperty()
  path: string;

  @ApiProperty({ enum: ['added', 'modified', 'deleted'] })
  status: 'added' | 'modified' | 'deleted';

  @ApiProperty({ minimum: 0 })
  additions: number;

  @ApiProperty({ minimum: 0 })
  deletions: number;

  @ApiProperty()
  patch: string;
}

/** A staged revert: the boundary message, the snapshot it can be undone from, what it changed. */
@ApiSchema({ name: 'RevertState' })
export class RevertStateDto {
  @ApiProperty({ pattern: '^msg_' })
  messageID: string;

  @ApiPropertyOptional()
  partID?: string;

  @ApiPropertyOptional({ description: 'The snapshot of the files before the revert' })
  snapshot?: string;

  @ApiPropertyOptional({ description: 'Unified diff of what the revert changed' })
  diff?: string;

  @ApiPropertyOptional({ type: [FileDiffDto] })
  files?: FileDiffDto[];
}

export class RevertStageBodyDto {
  @Field.string({ pattern: /^msg_/, patternMessage: 'Invalid message ID' })
  messageID: string;

  @Field.boolean({
    optional: true,
    description: 'Whether to restore the files too (default true); false only moves the boundary',
  })
  files?: boolean;
}
