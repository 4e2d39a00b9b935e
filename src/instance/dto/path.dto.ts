import { ApiProperty, ApiSchema } from '@nestjs/swagger';

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
