import { ApiHideProperty, ApiPropertyOptional, type ApiQueryOptions } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsNumber, IsOptional, IsString, Min } from 'class-validator';
import { InstanceQueryDto } from '../../core/http/endpoint.decorator';
import { toBoolean } from '../../session/dto/session-request.dto';

/** `archived` of `GET /experimental/session`: a boolean, sent as `true`/`false`. */
export const ARCHIVED_QUERY: ApiQueryOptions = {
  name: 'archived',
  required: false,
  description: 'Archived sessions too (left out by default)',
  schema: { anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['true', 'false'] }] },
};

export class GlobalSessionListQueryDto extends InstanceQueryDto {
  // Documented on the route (`ROOTS_QUERY`): a property cannot carry a union schema.
  @ApiHideProperty()
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  roots?: boolean;

  @ApiPropertyOptional({ type: 'number', description: 'Only sessions updated at or after (ms)' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  start?: number;

  @ApiPropertyOptional({
    type: 'number',
    description: 'Only sessions updated before (ms): the `X-Next-Cursor` of the previous page',
  })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  cursor?: number;

  @ApiPropertyOptional({ description: 'Only sessions whose title contains this text' })
  @IsOptional()
  @IsString()
  search?: string;

  @ApiPropertyOptional({ type: 'number', description: 'Page size (default 100)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  limit?: number;

  // Documented on the route (`ARCHIVED_QUERY`).
  @ApiHideProperty()
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  archived?: boolean;
}
