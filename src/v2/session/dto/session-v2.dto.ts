import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Field } from '../../../core/http/field.decorators';
import { LocationQueryDto } from '../../../core/http/v2/location.dto';
import { ModelRefDto } from '../../../provider/dto/model-ref.dto';
import { RevertStateDto } from './revert-state.dto';

/** A location as bodies and sessions carry it: a directory, and a workspace when one is named. */
@ApiSchema({ name: 'LocationRef' })
export class LocationRefDto {
  // Linux's PATH_MAX: no longer path can name a directory.
  @Field.string({
    notEmpty: true,
    maxLength: 4096,
    description: 'An existing directory (absolute)',
  })
  directory: string;

  @Field.id('workspace', { optional: true })
  workspaceID?: string;
}

/** A model chosen in a request body (`ModelRef`, checked). */
export class ModelRefBodyDto {
  @Field.string({ notEmpty: true })
  id: string;

  @Field.string({ notEmpty: true })
  providerID: string;

  @Field.string({ optional: true, notEmpty: true })
  variant?: string;
}

class SessionTokenCacheDto {
  @ApiProperty()
  read: number;

  @ApiProperty()
  write: number;
}

class SessionTokensDto {
  @ApiProperty()
  input: number;

  @ApiProperty()
  output: number;

  @ApiProperty()
  reasoning: number;

  @ApiProperty({ type: SessionTokenCacheDto })
  cache: SessionTokenCacheDto;
}

class SessionV2TimeDto {
  @ApiProperty()
  created: number;

  @ApiProperty()
  updated: number;

  @ApiPropertyOptional()
  archived?: number;
}

/** A session as the `/api` routes show it (no classic `slug`, `version` or `directory`). */
@ApiSchema({ name: 'SessionV2Info' })
export class SessionV2InfoDto {
  @Field.id('session')
  id: string;

  @Field.id('session', { optional: true })
  parentID?: string;

  @ApiProperty()
  projectID: string;

  @ApiPropertyOptional()
  agent?: string;

  @ApiPropertyOptional({ type: ModelRefDto })
  model?: ModelRefDto;

  @ApiProperty()
  cost: number;

  @ApiProperty({ type: SessionTokensDto })
  tokens: SessionTokensDto;

  @ApiProperty({ type: SessionV2TimeDto })
  time: SessionV2TimeDto;

  @ApiProperty()
  title: string;

  @ApiProperty({ type: LocationRefDto })
  location: LocationRefDto;

  @ApiPropertyOptional({ description: 'The directory relative to its project root' })
  subpath?: string;

  @ApiPropertyOptional({ type: RevertStateDto })
  revert?: RevertStateDto;
}

/** Opaque cursors to the pages before and after this one (absent at either end). */
export class PageCursorDto {
  @ApiPropertyOptional()
  previous?: string;

  @ApiPropertyOptional()
  next?: string;
}

@ApiSchema({ name: 'SessionsResponse' })
export class SessionsResponseDto {
  @ApiProperty({ type: [SessionV2InfoDto] })
  data: SessionV2InfoDto[];

  @ApiProperty({ type: PageCursorDto })
  cursor: PageCursorDto;
}

@ApiSchema({ name: 'SessionActive' })
export class SessionActiveDto {
  @ApiProperty({ enum: ['running'] })
  type: 'running';
}

export const LIST_ORDERS = ['asc', 'desc'] as const;
export type ListOrder = (typeof LIST_ORDERS)[number];

/** A page size of the `/api` listings: 1 to 100, a string of digits on the wire. */
export function limitField(description: string): PropertyDecorator {
  return Field.int({
    optional: true,
    query: true,
    min: 1,
    max: 100,
    typeFirst: true,
    message: 'limit must be an integer from 1 to 100',
    description,
  });
}

export class SessionListQueryDto extends LocationQueryDto {
  @Field.id('workspace', { optional: true, description: 'Only sessions of this workspace' })
  declare workspace?: string;

  @Field.string({ optional: true, description: 'Only sessions made in this directory' })
  declare directory?: string;

  @limitField('At most this many sessions (1-100); default 50')
  limit?: number;

  @Field.enum(LIST_ORDERS, { optional: true, description: 'By creation time; default `desc`' })
  order?: ListOrder;

  @Field.string({ optional: true, description: 'Only sessions whose title contains this' })
  search?: string;

  @Field.string({ optional: true, description: 'Only sessions of this project' })
  project?: string;

  @Field.string({
    optional: true,
    description: 'Only sessions in this directory or below it, relative to their project',
  })
  subpath?: string;

  @Field.string({ optional: true, description: 'A `cursor.previous` / `cursor.next` of a page' })
  cursor?: string;
}

export class CreateSessionV2BodyDto {
  @Field.string({ optional: true, pattern: /^ses/, patternMessage: 'Invalid session ID' })
  id?: string;

  @Field.string({ optional: true, notEmpty: true })
  agent?: string;

  @Field.nested(ModelRefBodyDto, { optional: true })
  model?: ModelRefBodyDto;

  @Field.nested(LocationRefDto, { optional: true })
  location?: LocationRefDto;
}

export class SwitchAgentBodyDto {
  @Field.string({ notEmpty: true })
  agent: string;
}

export class SwitchModelBodyDto {
  @Field.nested(ModelRefBodyDto)
  model: ModelRefBodyDto;
}
