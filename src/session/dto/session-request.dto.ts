import { ApiSchema } from '@nestjs/swagger';
import { InstanceQueryDto } from '../../core/http/endpoint.decorator';
import { Field } from '../../core/http/field.decorators';
import { PermissionRuleDto, SessionModelDto } from './session.dto';

export class SessionParamsDto {
  @Field.id('session')
  sessionID: string;
}

export class MessageParamsDto extends SessionParamsDto {
  @Field.id('message')
  messageID: string;
}

export class PartParamsDto extends MessageParamsDto {
  @Field.id('part')
  partID: string;
}

@ApiSchema({ name: 'SessionCreateInput' })
export class CreateSessionDto {
  @Field.id('session', { optional: true, description: 'Makes the new session a child of it' })
  parentID?: string;

  @Field.string({ optional: true, description: 'Defaults to "New session - <ISO date>"' })
  title?: string;

  @Field.string({ optional: true })
  agent?: string;

  @Field.nested(SessionModelDto, { optional: true })
  model?: SessionModelDto;

  @Field.record({ optional: true })
  metadata?: Record<string, unknown>;

  @Field.nested(PermissionRuleDto, { optional: true, each: true })
  permission?: PermissionRuleDto[];

  @Field.id('workspace', { optional: true })
  workspaceID?: string;
}

@ApiSchema({ name: 'SessionUpdateTime' })
export class UpdateSessionTimeDto {
  @Field.number({ optional: true, description: 'When the session was archived (ms)' })
  archived?: number;
}

@ApiSchema({ name: 'SessionUpdateInput' })
export class UpdateSessionDto {
  @Field.string({ optional: true })
  title?: string;

  @Field.record({ optional: true })
  metadata?: Record<string, unknown>;

  @Field.nested(PermissionRuleDto, { optional: true, each: true })
  permission?: PermissionRuleDto[];

  @Field.nested(UpdateSessionTimeDto, { optional: true })
  time?: UpdateSessionTimeDto;
}

@ApiSchema({ name: 'SessionForkInput' })
export class ForkSessionDto {
  @Field.id('message', {
    optional: true,
    description: 'Copy the messages strictly before this one; all messages when absent',
  })
  messageID?: string;
}

export class ListSessionsQueryDto extends InstanceQueryDto {
  @Field.enum(['project'], {
    optional: true,
    description: 'Every session of the project, not only those of `directory`',
  })
  scope?: 'project';

  @Field.string({
    optional: true,
    description: 'Sessions created in this subdirectory of the worktree (or below it)',
  })
  path?: string;

  @Field.boolean({ optional: true, query: true, description: 'Only sessions without a parent' })
  roots?: boolean;

  @Field.number({
    optional: true,
    query: true,
    description: 'Only sessions updated at or after (ms)',
  })
  start?: number;

  @Field.string({ optional: true, description: 'Only sessions whose title contains this text' })
  search?: string;

  @Field.int({
    optional: true,
    query: true,
    min: 1,
    // The reference documents it as a number.
    schema: { type: 'number' },
    description: 'Page size (default 100)',
  })
  limit?: number;

  // Not in the reference: the reference silently stops at `limit`. The `X-Next-Cursor` header
  // of a truncated page gives this value, so every session can be reached.
  @Field.string({
    optional: true,
    description: 'Continue after a previous page: the `X-Next-Cursor` header it returned',
  })
  cursor?: string;
}

export class ListMessagesQueryDto extends InstanceQueryDto {
  @Field.int({
    optional: true,
    query: true,
    min: 0,
    description: 'Newest messages to return; all when absent or 0',
  })
  limit?: number;

  @Field.id('message', {
    optional: true,
    description: 'Only messages older than this message id (paging backwards)',
  })
  before?: string;
}
