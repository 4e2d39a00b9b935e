import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** One changed file of the git working tree. */
@ApiSchema({ name: 'File' })
export class FileStatusDto {
  @ApiProperty({ description: 'Relative to the project, `/`-separated' })
  path: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  added: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  removed: number;

  @ApiProperty({ enum: ['added', 'deleted', 'modified'] })
  status: 'added' | 'deleted' | 'modified';
}
