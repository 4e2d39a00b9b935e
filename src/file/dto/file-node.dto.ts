import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'FileNode' })
export class FileNodeDto {
  @ApiProperty()
  name: string;

  @ApiProperty({ description: 'Relative to the project, `/`-separated' })
  path: string;

  @ApiProperty()
  absolute: string;

  @ApiProperty({ enum: ['file', 'directory'] })
  type: 'file' | 'directory';

  @ApiProperty({ description: 'Whether the project ignore files (.gitignore, .ignore) exclude it' })
  ignored: boolean;
}
