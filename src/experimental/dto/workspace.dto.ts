import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { Field } from '../../core/http/field.decorators';

// Workspaces (cloud or worktree sandboxes a session runs in), project copies and moving sessions
// between them: the reference's shapes. This server has none of them; the request bodies are
// still validated as the reference's schemas say, so a client learns about a malformed request
// before it learns that the feature is missing.

/** A workspace as the reference lists it (`GET /experimental/workspace` lists none here). */
@ApiSchema({ name: 'Workspace' })
export class WorkspaceDto {
  @Field.id('workspace')
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
  @Field.id('workspace')
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
  @Field.id('workspace', { optional: true })
  id?: string;

  @Field.string({ notEmpty: true, description: 'The adapter to create it with' })
  type: string;

  @Field.string({ optional: true, nullable: true })
  branch?: string | null;

  @Field.json({
    optional: true,
    nullable: true,
    description: "The adapter's own data (any JSON value, or null)",
  })
  extra?: unknown;
}

export class WorkspaceParamsDto {
  @Field.id('workspace')
  id: string;
}

export class WarpSessionDto {
  // Required, but may be null.
  @Field.id('workspace', {
    nullable: true,
    description: 'The workspace to move the session to; null for its own project directory',
  })
  id: string | null;

  @Field.id('session')
  sessionID: string;

  @Field.boolean({ optional: true })
  copyChanges?: boolean;
}

@ApiSchema({ name: 'MoveSessionDestination' })
export class MoveSessionDestinationDto {
  @Field.string({ notEmpty: true })
  directory: string;
}

export class MoveSessionDto {
  @Field.id('session')
  sessionID: string;

  @Field.nested(MoveSessionDestinationDto)
  destination: MoveSessionDestinationDto;

  @Field.boolean({ optional: true })
  moveChanges?: boolean;
}

export class ProjectCopyParamsDto {
  @Field.string({ notEmpty: true })
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
  @Field.string({ optional: true, nullable: true })
  context?: string | null;
}

export class CreateProjectCopyDto {
  @Field.string({ notEmpty: true, description: 'How to copy the project (e.g. `worktree`)' })
  strategy: string;

  @Field.string({ notEmpty: true })
  directory: string;

  @Field.string({ optional: true })
  name?: string;
}

export class RemoveProjectCopyDto {
  @Field.string({ notEmpty: true })
  directory: string;

  @Field.boolean()
  force: boolean;
}

/** A copy of a project (`POST /experimental/project/:projectID/copy`). */
@ApiSchema({ name: 'ProjectCopyCopy' })
export class ProjectCopyDto {
  @ApiProperty()
  directory: string;
}
