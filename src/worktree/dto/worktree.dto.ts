import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Field } from '../../core/http/field.decorators';

@ApiSchema({ name: 'Worktree' })
export class WorktreeDto {
  @ApiProperty()
  name: string;

  @ApiPropertyOptional({ description: 'The branch made for it: `opencode/<name>`' })
  branch?: string;

  @ApiProperty({ description: 'Absolute path of the new checkout' })
  directory: string;
}

@ApiSchema({ name: 'WorktreeCreateInput' })
export class WorktreeCreateInputDto {
  @Field.string({
    optional: true,
    maxLength: 200,
    description:
      'Made a slug (lower-case letters, digits, dashes); a random name when absent or when nothing is left of it',
  })
  name?: string;

  @Field.string({
    optional: true,
    maxLength: 100_000,
    description: "Additional startup script to run after the project's start command",
  })
  startCommand?: string;
}

@ApiSchema({ name: 'WorktreeRemoveInput' })
export class WorktreeRemoveInputDto {
  @Field.string({ minLength: 1, description: 'The worktree to remove' })
  directory: string;
}

@ApiSchema({ name: 'WorktreeResetInput' })
export class WorktreeResetInputDto {
  @Field.string({ minLength: 1, description: 'The worktree to reset' })
  directory: string;
}

class WorktreeErrorData {
  @ApiProperty()
  message: string;
}

@ApiSchema({ name: 'WorktreeError' })
export class WorktreeErrorDto {
  @ApiProperty({
    enum: [
      'WorktreeNotGitError',
      'WorktreeNameGenerationFailedError',
      'WorktreeCreateFailedError',
      'WorktreeStartCommandFailedError',
      'WorktreeRemoveFailedError',
      'WorktreeResetFailedError',
      'WorktreeListFailedError',
    ],
  })
  name: string;

  @ApiProperty({ type: WorktreeErrorData })
  data: WorktreeErrorData;
}
