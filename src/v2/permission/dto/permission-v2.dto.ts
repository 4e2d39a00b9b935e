import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Field } from '../../../core/http/field.decorators';
import { LocationQueryDto } from '../../../core/http/v2/location.dto';
import { PERMISSION_ACTIONS, type PermissionAction } from '../../../permission/permission-rules';
import { PERMISSION_REPLIES, type PermissionReply } from '../../../permission/permission.events';

/** What made a request: the tool call that waits for it. */
@ApiSchema({ name: 'PermissionV2Source' })
export class PermissionV2SourceDto {
  @Field.enum(['tool'])
  type: 'tool';

  @Field.string({ notEmpty: true, description: 'The assistant message of the call' })
  messageID: string;

  @Field.string({ notEmpty: true })
  callID: string;
}

/** A pending permission request in the v2 shape (the classic `PermissionRequest` renamed). */
@ApiSchema({ name: 'PermissionV2Request' })
export class PermissionV2RequestDto {
  @Field.id('permission')
  id: string;

  @Field.id('session')
  sessionID: string;

  @ApiProperty({ description: 'The permission key: bash, edit, read, ...' })
  action: string;

  @ApiProperty({ type: [String], description: 'What the call touches (a command, a path)' })
  resources: string[];

  @ApiPropertyOptional({ type: [String], description: 'The patterns an "always" reply saves' })
  save?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ type: PermissionV2SourceDto })
  source?: PermissionV2SourceDto;
}

/** An "always" answer kept for a project. */
@ApiSchema({ name: 'PermissionSavedInfo' })
export class PermissionSavedInfoDto {
  @ApiProperty({ description: 'psv_...' })
  id: string;

  @ApiProperty()
  projectID: string;

  @ApiProperty()
  action: string;

  @ApiProperty()
  resource: string;
}

/** What the rules decided for `POST /api/session/:id/permission`. */
@ApiSchema({ name: 'PermissionV2AskResult' })
export class PermissionV2AskResultDto {
  @Field.id('permission')
  id: string;

  @Field.enum(PERMISSION_ACTIONS, 'PermissionV2Effect')
  effect: PermissionAction;
}

export class SessionPermissionParamsDto {
  @Field.id('session')
  sessionID: string;
}

export class SessionPermissionRequestParamsDto extends SessionPermissionParamsDto {
  @Field.id('permission')
  requestID: string;
}

export class SavedPermissionParamsDto {
  @Field.string({ notEmpty: true })
  id: string;
}

export class SavedPermissionQueryDto extends LocationQueryDto {
  @Field.string({
    optional: true,
    notEmpty: true,
    description: "The project's id; the requested location's project when absent",
  })
  projectID?: string;
}

/** Body of `POST /api/session/:id/permission`. */
@ApiSchema({ name: 'PermissionV2AskInput' })
export class CreatePermissionV2BodyDto {
  @Field.id('permission', { optional: true })
  id?: string;

  @Field.string({ notEmpty: true })
  action: string;

  @Field.stringArray()
  resources: string[];

  @Field.stringArray({ optional: true })
  save?: string[];

  @Field.record({ optional: true })
  metadata?: Record<string, unknown>;

  @Field.nested(() => PermissionV2SourceDto, { optional: true })
  source?: PermissionV2SourceDto;

  @Field.string({
    optional: true,
    notEmpty: true,
    description: "The agent whose rules decide; the session's agent when absent",
  })
  agent?: string;
}

/** Body of `POST /api/session/:id/permission/:requestID/reply`. */
@ApiSchema({ name: 'PermissionV2ReplyInput' })
export class PermissionV2ReplyBodyDto {
  @Field.enum(PERMISSION_REPLIES, 'PermissionV2Reply')
  reply: PermissionReply;

  @Field.string({
    optional: true,
    description: 'With "reject": what to do instead; the waiting tool fails with these words',
  })
  message?: string;
}
