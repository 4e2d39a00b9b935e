import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { InstanceQueryDto } from '../../core/http/endpoint.decorator';

/** Longest accepted path parameter: far beyond any real path, short enough to cost nothing. */
export const MAX_PATH_LENGTH = 1000;

// A NUL byte can never name a file; refusing it here keeps it away from the file system calls.
const NO_NUL = /^[^\0]*$/;

export class FileListQueryDto extends InstanceQueryDto {
  @ApiProperty({
    description: 'Directory to list, relative to the project (empty for its root) or absolute',
    maxLength: MAX_PATH_LENGTH,
  })
  @IsString()
  @MaxLength(MAX_PATH_LENGTH)
  @Matches(NO_NUL, { message: 'path must not contain a NUL character' })
  path: string;
}

export class FileReadQueryDto extends InstanceQueryDto {
  @ApiProperty({
    description: 'File to read, relative to the project or absolute',
    maxLength: MAX_PATH_LENGTH,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_PATH_LENGTH)
  @Matches(NO_NUL, { message: 'path must not contain a NUL character' })
  path: string;
}
