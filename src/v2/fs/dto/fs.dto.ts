import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { MAX_QUERY_LENGTH } from '../../../find/dto/find-query.dto';
import { LocationQueryDto } from '../../location/dto/location.dto';

export const FS_ENTRY_TYPES = ['file', 'directory'] as const;
export type FsEntryType = (typeof FS_ENTRY_TYPES)[number];

/** A file or directory, relative to the location; directories end with `/`. */
@ApiSchema({ name: 'FileSystemEntry' })
export class FileSystemEntryDto {
  @ApiProperty({ description: 'Relative to the location, `/`-separated; directories end in `/`' })
  path: string;

  @ApiProperty({ enum: FS_ENTRY_TYPES })
  type: FsEntryType;
}

export class FsFindQueryDto extends LocationQueryDto {
  @ApiProperty({
    description: 'Fuzzy match on the path; empty lists paths in order',
    maxLength: MAX_QUERY_LENGTH,
  })
  // Checked bottom-up, one failure reported: presence first, then type, then length.
  @MaxLength(MAX_QUERY_LENGTH)
  @IsString()
  @IsDefined({ message: 'query is required' })
  query: string;

  @ApiPropertyOptional({ enum: FS_ENTRY_TYPES, description: 'Only files, or only directories' })
  @IsOptional()
  @IsIn(FS_ENTRY_TYPES)
  type?: FsEntryType;

  // A string on the wire, as the reference documents it; a positive integer in it.
  @ApiPropertyOptional({
    type: 'string',
    pattern: '^[1-9][0-9]*$',
    description: 'How many entries at most (a positive integer); default 50',
  })
  @IsOptional()
  @Type(() => Number)
  @Min(1, { message: 'limit must be a positive integer' })
  @IsInt({ message: 'limit must be a positive integer' })
  limit?: number;
}

export class FsListQueryDto extends LocationQueryDto {
  @ApiPropertyOptional({ description: 'A directory relative to the location; default its root' })
  @IsOptional()
  @IsString()
  path?: string;
}
