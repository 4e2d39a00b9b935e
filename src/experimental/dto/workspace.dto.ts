import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { Type } from 'class-transformer';
import {
  Allow,
  IsBoolean,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsEntityId } from '../../core/http/validators';

// Workspaces (cloud or worktree sandboxes a session runs in), project copies and moving sessions
// between them: the reference's shapes. This server has none of them; the request bodies are
// still validated as the reference's schemas say, so a client learns about a malformed request
// before it learns that the feature is missing.

/** A workspace as the reference lists it (`GET /experimental/workspace` lists none here). */
@ApiSchema({ name: 'Workspace' })
export class WorkspaceDto {
  @ApiProperty({ pattern: '^wrk' })
  id: string;

  @ApiProperty({ description: 'The adapter that made it (`worktree`, a cloud provider, ...)' })
  type: string;

  @ApiProperty()
  name: string;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  branch?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  directory?: string | null;

  @ApiPropertyOptional({
    description: "The adapter's own data (any JSON value, or null)",
    anyOf: [{}, { type: 'null' }],
  })
  extra?: unknown;

  @ApiProperty()
  projectID: string;

  @ApiProperty({ description: 'When it was last used (ms)' })
  timeUsed: number;
}

/** The event connection to one workspace (`GET /experimental/workspace/status`). */
@ApiSchema({ name: 'WorkspaceEventConnectionStatus' })
export class WorkspaceStatusDto {
  @ApiProperty({ pattern: '^wrk' })
  workspaceID: string;

  @ApiProperty({ enum: ['connected', 'connecting', 'disconnected', 'error'] })
  status: 'connected' | 'connecting' | 'disconnected' | 'error';
}

/** One kind of workspace the server can create. */
export interface WorkspaceAdapter {
  type: string;
  name: string;
  description: string;
}

/** `GET /experimental/workspace/adapter`, inline as the reference documents it. */
export const WORKSPACE_ADAPTERS_SCHEMA: SchemaObject = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      type: { type: 'string' },
      name: { type: 'string' },
      description: { type: 'string' },
    },
    required: ['type', 'name', 'description'],
  },
};

export class CreateWorkspaceDto {
  @ApiPropertyOptional({ pattern: '^wrk' })
  @IsOptional()
  @IsEntityId('workspace')
  id?: string;

  @ApiProperty({ description: 'The adapter to create it with' })
  @IsString()
  @IsNotEmpty()
  type: string;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @IsOptional()
  @IsString()
  branch?: string | null;

  @ApiPropertyOptional({
    description: "The adapter's own data (any JSON value, or null)",
    anyOf: [{}, { type: 'null' }],
  })
  @Allow()
  extra?: unknown;
}

export class WorkspaceParamsDto {
  @ApiProperty({ pattern: '^wrk' })
  @IsEntityId('workspace')
  id: string;
}

export class WarpSessionDto {
  @ApiProperty({
    type: 'string',
    pattern: '^wrk',
    nullable: true,
    description: 'The workspace to move the session to; null for its own project directory',
  })
  // Required, but may be null.
  @ValidateIf((body: WarpSessionDto) => body.id !== null)
  @IsEntityId('workspace')
  id: string | null;

  @ApiProperty({ pattern: '^ses' })
  @IsEntityId('session')
  sessionID: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  copyChanges?: boolean;
}

@ApiSchema({ name: 'MoveSessionDestination' })
export class MoveSessionDestinationDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  directory: string;
}

export class MoveSessionDto {
  @ApiProperty({ pattern: '^ses' })
  @IsEntityId('session')
  sessionID: string;

  @ApiProperty({ type: MoveSessionDestinationDto })
  @IsObject()
  @ValidateNested()
  @Type(() => MoveSessionDestinationDto)
  destination: MoveSessionDestinationDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  moveChanges?: boolean;
}

export class ProjectCopyParamsDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  projectID: string;
}

/**
 * `location` of the project copy routes: the reference takes the directory and workspace as a
 * deep object (`?location[directory]=...`) there. Documented only: the project is in the path.
 */
export const PROJECT_COPY_LOCATION_QUERY = {
  name: 'location',
  required: false,
  style: 'deepObject',
  explode: true,
  schema: {
    type: 'object',
    properties: { directory: { type: 'string' }, workspace: { type: 'string' } },
    additionalProperties: false,
  },
} as const;

export class GenerateCopyNameDto {
  @ApiPropertyOptional({ type: 'string', nullable: true })
  @IsOptional()
  @IsString()
  context?: string | null;
}

export class CreateProjectCopyDto {
  @ApiProperty({ description: 'How to copy the project (e.g. `worktree`)' })
  @IsString()
  @IsNotEmpty()
  strategy: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  directory: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  name?: string;
}

export class RemoveProjectCopyDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  directory: string;

  @ApiProperty()
  @IsBoolean()
  force: boolean;
}

/** A copy of a project (`POST /experimental/project/:projectID/copy`). */
@ApiSchema({ name: 'ProjectCopyCopy' })
export class ProjectCopyDto {
  @ApiProperty()
  directory: string;
}
