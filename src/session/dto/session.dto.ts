import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsNumber, IsOptional, IsString } from 'class-validator';
import {
  PERMISSION_ACTIONS,
  type PermissionAction,
  type PermissionRule,
} from '../../permission/permission-rules';

/** One rule of a session's permission ruleset, as the reference's `PermissionRule`. */
@ApiSchema({ name: 'PermissionRule' })
export class PermissionRuleDto implements PermissionRule {
  @ApiProperty({ description: 'Permission name (`bash`, `edit`, `*`)' })
  @IsString()
  @IsNotEmpty()
  permission: string;

  @ApiProperty({ description: 'Wildcard pattern the rule applies to' })
  @IsString()
  pattern: string;

  @ApiProperty({ enum: PERMISSION_ACTIONS, enumName: 'PermissionAction' })
  @IsIn(PERMISSION_ACTIONS)
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
  @ApiProperty()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  read: number;

  @ApiProperty()
  @IsNumber({ allowNaN: false, allowInfinity: false })
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
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  id: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  providerID: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
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
  @ApiProperty({ pattern: '^msg' })
  messageID: string;

  @ApiPropertyOptional({ pattern: '^prt' })
  partID?: string;

  @ApiPropertyOptional()
  snapshot?: string;

  @ApiPropertyOptional()
  diff?: string;
}

/** A session as the reference's `Session`: also the type the services hand around. */
@ApiSchema({ name: 'Session' })
export class SessionDto {
  @ApiProperty({ pattern: '^ses' })
  id: string;

  @ApiProperty({ description: 'Short human-friendly name (`eager-cactus`)' })
  slug: string;

  @ApiProperty()
  projectID: string;

  @ApiPropertyOptional({ pattern: '^wrk' })
  workspaceID?: string;

  @ApiProperty({ description: 'The directory the session was created in' })
  directory: string;

  @ApiPropertyOptional({
    description: 'That directory relative to the worktree (`""` at its root)',
  })
  path?: string;

  @ApiPropertyOptional({ pattern: '^ses' })
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
