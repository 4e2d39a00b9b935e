import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Field } from '../../core/http/field.decorators';
import {
  PERMISSION_ACTIONS,
  type PermissionAction,
  type PermissionRule,
} from '../../permission/permission-rules';

/** One rule of a session's permission ruleset, as the reference's `PermissionRule`. */
@ApiSchema({ name: 'PermissionRule' })
export class PermissionRuleDto implements PermissionRule {
  @Field.string({ notEmpty: true, description: 'Permission name (`bash`, `edit`, `*`)' })
  permission: string;

  @Field.string({ description: 'Wildcard pattern the rule applies to' })
  pattern: string;

  @Field.enum(PERMISSION_ACTIONS, 'PermissionAction')
  action: PermissionAction;
}

@ApiSchema({ name: 'SnapshotFileDiff' })
export class SnapshotFileDiffDto {
  @ApiPropertyOptional()
  file?: string;

  @ApiPropertyOptional()
  patch?: string;

  @ApiProperty()
  additions: number;

  @ApiProperty()
  deletions: number;

  @ApiPropertyOptional({ enum: ['added', 'deleted', 'modified'] })
  status?: 'added' | 'deleted' | 'modified';
}

@ApiSchema({ name: 'SessionSummary' })
export class SessionSummaryDto {
  @ApiProperty()
  additions: number;

  @ApiProperty()
  deletions: number;

  @ApiProperty()
  files: number;

  @ApiPropertyOptional({ type: [SnapshotFileDiffDto] })
  diffs?: SnapshotFileDiffDto[];
}

@ApiSchema({ name: 'TokenCache' })
export class TokenCacheDto {
  @Field.number()
  read: number;

  @Field.number()
  write: number;
}

/** Token totals of a session (the sum of its assistant messages). */
@ApiSchema({ name: 'SessionTokens' })
export class SessionTokensDto {
  @ApiProperty()
  input: number;

  @ApiProperty()
  output: number;

  @ApiProperty()
  reasoning: number;

  @ApiProperty({ type: TokenCacheDto })
  cache: TokenCacheDto;
}

@ApiSchema({ name: 'SessionShare' })
export class SessionShareDto {
  @ApiProperty()
  url: string;
}

@ApiSchema({ name: 'SessionModel' })
export class SessionModelDto {
  @Field.string({ notEmpty: true })
  id: string;

  @Field.string({ notEmpty: true })
  providerID: string;

  @Field.string({ optional: true })
  variant?: string;
}

@ApiSchema({ name: 'SessionTime' })
export class SessionTimeDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  created: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  updated: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  compacting?: number;

  @ApiPropertyOptional()
  archived?: number;
}

@ApiSchema({ name: 'SessionRevert' })
export class SessionRevertDto {
  @Field.id('message')
  messageID: string;

  @Field.id('part', { optional: true })
  partID?: string;

  @ApiPropertyOptional()
  snapshot?: string;

  @ApiPropertyOptional()
  diff?: string;
}

/** A session as the reference's `Session`: also the type the services hand around. */
@ApiSchema({ name: 'Session' })
export class SessionDto {
  @Field.id('session')
  id: string;

  @ApiProperty({ description: 'Short human-friendly name (`eager-cactus`)' })
  slug: string;

  @ApiProperty()
  projectID: string;

  @Field.id('workspace', { optional: true })
  workspaceID?: string;

  @ApiProperty({ description: 'The directory the session was created in' })
  directory: string;

  @ApiPropertyOptional({
    description: 'That directory relative to the worktree (`""` at its root)',
  })
  path?: string;

  @Field.id('session', { optional: true })
  parentID?: string;

  @ApiPropertyOptional({ type: SessionSummaryDto })
  summary?: SessionSummaryDto;

  @ApiPropertyOptional()
  cost?: number;

  @ApiPropertyOptional({ type: SessionTokensDto })
  tokens?: SessionTokensDto;

  @ApiPropertyOptional({ type: SessionShareDto })
  share?: SessionShareDto;

  @ApiProperty()
  title: string;

  @ApiPropertyOptional()
  agent?: string;

  @ApiPropertyOptional({ type: SessionModelDto })
  model?: SessionModelDto;

  @ApiProperty({ description: 'Server version that created the session' })
  version: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  metadata?: Record<string, unknown>;

  @ApiProperty({ type: SessionTimeDto })
  time: SessionTimeDto;

  @ApiPropertyOptional({ type: [PermissionRuleDto] })
  permission?: PermissionRuleDto[];

  @ApiPropertyOptional({ type: SessionRevertDto })
  revert?: SessionRevertDto;
}

/** The type services pass around: the DTO's shape. */
export type Session = SessionDto;
export type SessionTokens = SessionTokensDto;
