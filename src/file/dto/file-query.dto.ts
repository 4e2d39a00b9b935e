import { InstanceQueryDto } from '../../core/http/endpoint.decorator';
import { Field } from '../../core/http/field.decorators';

/** Longest accepted path parameter: far beyond any real path, short enough to cost nothing. */
export const MAX_PATH_LENGTH = 1000;

// A NUL byte can never name a file; refusing it here keeps it away from the file system calls.
const NO_NUL = /^[^\0]*$/;

export class FileListQueryDto extends InstanceQueryDto {
  @Field.string({
    description: 'Directory to list, relative to the project (empty for its root) or absolute',
    maxLength: MAX_PATH_LENGTH,
    pattern: NO_NUL,
    patternMessage: 'path must not contain a NUL character',
  })
  path: string;
}

export class FileReadQueryDto extends InstanceQueryDto {
  @Field.string({
    description: 'File to read, relative to the project or absolute',
    notEmpty: true,
    maxLength: MAX_PATH_LENGTH,
    pattern: NO_NUL,
    patternMessage: 'path must not contain a NUL character',
  })
  path: string;
}
