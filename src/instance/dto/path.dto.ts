import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'Path' })
export class PathDto {
  @ApiProperty()
  home: string;

  @ApiProperty()
  state: string;

  @ApiProperty()
  config: string;

  @ApiProperty()
  worktree: string;

  @ApiProperty()
  directory: string;
}

@ApiSchema({ name: 'VcsInfo' })
export class VcsInfoDto {
  @ApiPropertyOptional()
  branch?: string;

  @ApiPropertyOptional({ description: 'The default branch of the `origin` remote' })
  default_branch?: string;
}
