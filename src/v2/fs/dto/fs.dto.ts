import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { Field } from '../../../core/http/field.decorators';
import { MAX_QUERY_LENGTH } from '../../../find/dto/find-query.dto';
import { LocationQueryDto } from '../../../core/http/v2/location.dto';

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
  // One failure reported: presence first, then type, then length.
  @Field.string({
    description: 'Fuzzy match on the path; empty lists paths in order',
    maxLength: MAX_QUERY_LENGTH,
    requiredMessage: 'query is required',
    typeFirst: true,
  })
  query: string;

  @Field.enum(FS_ENTRY_TYPES, { optional: true, description: 'Only files, or only directories' })
  type?: FsEntryType;

  // A string on the wire, as the reference documents it; a positive integer in it.
  @Field.int({
    optional: true,
    query: true,
    min: 1,
    typeFirst: true,
    message: 'limit must be a positive integer',
    schema: { type: 'string', pattern: '^[1-9][0-9]*$' },
    description: 'How many entries at most (a positive integer); default 50',
  })
  limit?: number;
}

export class FsListQueryDto extends LocationQueryDto {
  @Field.string({
    optional: true,
    description: 'A directory relative to the location; default its root',
  })
  path?: string;
}
