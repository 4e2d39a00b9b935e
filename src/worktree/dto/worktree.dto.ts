import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

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
  @ApiPropertyOptional({
    maxLength: 200,
    description:
      'Made a slug (lower-case letters, digits, dashes); a random name when absent or when nothing is left of it',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    description: "Additional startup script to run after the project's start command",
  })
  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  startCommand?: string;
}

@ApiSchema({ name: 'WorktreeRemoveInput' })
export class WorktreeRemoveInputDto {
  @ApiProperty({ description: 'The worktree to remove' })
  @IsString()
  @MinLength(1)
  directory: string;
}

@ApiSchema({ name: 'WorktreeResetInput' })
export class WorktreeResetInputDto {
  @ApiProperty({ description: 'The worktree to reset' })
  @IsString()
  @MinLength(1)
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
