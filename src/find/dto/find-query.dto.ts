import { InstanceQueryDto } from '../../core/http/endpoint.decorator';
import { Field } from '../../core/http/field.decorators';
import { DEFAULT_MAX_PER_FILE, DEFAULT_TEXT_LIMIT } from '../engine/text-search';

/**
 * Longest accepted query or pattern. The reference has no cap, and a 5,000-character query
 * takes its fuzzy matcher (and the whole server) down.
 */
export const MAX_QUERY_LENGTH = 1000;

export class FindTextQueryDto extends InstanceQueryDto {
  @Field.string({
    description:
      `A regular expression (JavaScript syntax), matched line by line. At most ` +
      `${DEFAULT_TEXT_LIMIT} matching lines are returned, ${DEFAULT_MAX_PER_FILE} per file.`,
    maxLength: MAX_QUERY_LENGTH,
  })
  pattern: string;
}

export class FindFilesQueryDto extends InstanceQueryDto {
  @Field.string({
    description: 'Fuzzy match on the path; empty lists paths in order',
    maxLength: MAX_QUERY_LENGTH,
  })
  query: string;

  @Field.enum(['true', 'false'], {
    optional: true,
    description: 'Legacy switch: `false` means files only (`type` wins when both are given)',
  })
  dirs?: 'true' | 'false';

  @Field.enum(['file', 'directory'], { optional: true })
  type?: 'file' | 'directory';

  @Field.int({ optional: true, query: true, min: 1, max: 200, description: 'Default 100' })
  limit?: number;
}

export class FindSymbolsQueryDto extends InstanceQueryDto {
  @Field.string({ description: 'Fuzzy match on the symbol name', maxLength: MAX_QUERY_LENGTH })
  query: string;
}
