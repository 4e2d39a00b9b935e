import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { InstanceQueryDto } from '../../core/http/endpoint.decorator';
import { DEFAULT_MAX_PER_FILE, DEFAULT_TEXT_LIMIT } from '../engine/text-search';

/**
 * Longest accepted query or pattern. The reference has no cap, and a 5,000-character query
 * takes its fuzzy matcher (and the whole server) down.
 */
export const MAX_QUERY_LENGTH = 1000;

export class FindTextQueryDto extends InstanceQueryDto {
  @ApiProperty({
    description:
      `A regular expression (JavaScript syntax), matched line by line. At most ` +
      `${DEFAULT_TEXT_LIMIT} matching lines are returned, ${DEFAULT_MAX_PER_FILE} per file.`,
    maxLength: MAX_QUERY_LENGTH,
  })
  @IsString()
  @MaxLength(MAX_QUERY_LENGTH)
  pattern: string;
}

export class FindFilesQueryDto extends InstanceQueryDto {
  @ApiProperty({
    description: 'Fuzzy match on the path; empty lists paths in order',
    maxLength: MAX_QUERY_LENGTH,
  })
  @IsString()
  @MaxLength(MAX_QUERY_LENGTH)
  query: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Legacy switch: `false` means files only (`type` wins when both are given)',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  dirs?: 'true' | 'false';

  @ApiPropertyOptional({ enum: ['file', 'directory'] })
  @IsOptional()
  @IsIn(['file', 'directory'])
  type?: 'file' | 'directory';

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, description: 'Default 100' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class FindSymbolsQueryDto extends InstanceQueryDto {
  @ApiProperty({ description: 'Fuzzy match on the symbol name', maxLength: MAX_QUERY_LENGTH })
  @IsString()
  @MaxLength(MAX_QUERY_LENGTH)
  query: string;
}
