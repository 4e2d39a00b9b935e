import { IsEntityId } from '../../core/http/validators';
import {
  ApiHideProperty,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  type ApiQueryOptions,
} from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { InstanceQueryDto } from '../../core/http/endpoint.decorator';
import { PermissionRuleDto, SessionModelDto } from './session.dto';

const WORKSPACE_ID = /^wrk_[0-9A-Za-z]{1,64}$/;

/** Query strings carry booleans as text: `true`/`false` become booleans, anything else fails. */
export function toBoolean({ value }: { value: unknown }): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

export class SessionParamsDto {
  @ApiProperty({ pattern: '^ses' })
  @IsEntityId('session')
  sessionID: string;
}

export class MessageParamsDto extends SessionParamsDto {
  @ApiProperty({ pattern: '^msg' })
  @IsEntityId('message')
  messageID: string;
}

export class PartParamsDto extends MessageParamsDto {
  @ApiProperty({ pattern: '^prt' })
  @IsEntityId('part')
  partID: string;
}

@ApiSchema({ name: 'SessionCreateInput' })
export class CreateSessionDto {
  @ApiPropertyOptional({ pattern: '^ses', description: 'Makes the new session a child of it' })
  @IsOptional()
  @IsEntityId('session')
  parentID?: string;

  @ApiPropertyOptional({ description: 'Defaults to "New session - <ISO date>"' })
  @IsOptional()
  @IsString()
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  agent?: string;

  @ApiPropertyOptional({ type: SessionModelDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SessionModelDto)
  model?: SessionModelDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [PermissionRuleDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PermissionRuleDto)
  permission?: PermissionRuleDto[];

  @ApiPropertyOptional({ pattern: '^wrk' })
  @IsOptional()
  @Matches(WORKSPACE_ID, { message: '$property must be an id starting with "wrk_"' })
  workspaceID?: string;
}

@ApiSchema({ name: 'SessionUpdateTime' })
export class UpdateSessionTimeDto {
  @ApiPropertyOptional({ description: 'When the session was archived (ms)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  archived?: number;
}

@ApiSchema({ name: 'SessionUpdateInput' })
export class UpdateSessionDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  title?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [PermissionRuleDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PermissionRuleDto)
  permission?: PermissionRuleDto[];

  @ApiPropertyOptional({ type: UpdateSessionTimeDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => UpdateSessionTimeDto)
  time?: UpdateSessionTimeDto;
}

@ApiSchema({ name: 'SessionForkInput' })
export class ForkSessionDto {
  @ApiPropertyOptional({
    pattern: '^msg',
    description: 'Copy the messages strictly before this one; all messages when absent',
  })
  @IsOptional()
  @IsEntityId('message')
  messageID?: string;
}

/** `roots` of `GET /session`: a boolean, sent as `true`/`false` in a query string. */
export const ROOTS_QUERY: ApiQueryOptions = {
  name: 'roots',
  required: false,
  description: 'Only sessions without a parent',
  schema: { anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['true', 'false'] }] },
};

export class ListSessionsQueryDto extends InstanceQueryDto {
  @ApiPropertyOptional({
    enum: ['project'],
    description: 'Every session of the project, not only those of `directory`',
  })
  @IsOptional()
  @IsIn(['project'])
  scope?: 'project';

  @ApiPropertyOptional({
    description: 'Sessions created in this subdirectory of the worktree (or below it)',
  })
  @IsOptional()
  @IsString()
  path?: string;

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

  // Not in the reference: the reference silently stops at `limit`. The `X-Next-Cursor` header
  // of a truncated page gives this value, so every session can be reached.
  @ApiPropertyOptional({
    description: 'Continue after a previous page: the `X-Next-Cursor` header it returned',
  })
  @IsOptional()
  @IsString()
  cursor?: string;
}

export class ListMessagesQueryDto extends InstanceQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: 'Newest messages to return; all when absent or 0',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  limit?: number;

  @ApiPropertyOptional({
    description: 'Only messages older than this message id (paging backwards)',
  })
  @IsOptional()
  @IsEntityId('message')
  before?: string;
}
