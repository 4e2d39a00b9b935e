import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { Endpoint } from '../core/http/endpoint.decorator';
import {
  CreateProjectCopyDto,
  CreateWorkspaceDto,
  GenerateCopyNameDto,
  MoveSessionDto,
  PROJECT_COPY_LOCATION_QUERY,
  ProjectCopyDto,
  ProjectCopyParamsDto,
  RemoveProjectCopyDto,
  WarpSessionDto,
  WORKSPACE_ADAPTERS_SCHEMA,
  WorkspaceDto,
  WorkspaceParamsDto,
  WorkspaceStatusDto,
  type WorkspaceAdapter,
} from './dto/workspace.dto';
import { WorkspaceService } from './workspace.service';

const LOCATION_QUERY = ApiQuery(PROJECT_COPY_LOCATION_QUERY);

/**
 * Workspaces, project copies and moving sessions between them: this server has none (see
 * `WorkspaceService`), so reads answer empty and writes a named 400 (or 404 for an unknown id).
 */
@Controller('experimental')
export class WorkspaceController {
  constructor(private readonly workspaces: WorkspaceService) {}

  @Get('workspace')
  @Endpoint({
    operationId: 'experimental.workspace.list',
    tag: 'workspace',
    summary: 'List workspaces',
    description: 'List the workspaces of the project: none on this server.',
    response: [WorkspaceDto],
    responseDescription: 'Workspaces',
  })
  list(): WorkspaceDto[] {
    return this.workspaces.list();
  }

  @Get('workspace/status')
  @Endpoint({
    operationId: 'experimental.workspace.status',
    tag: 'workspace',
    summary: 'Workspace status',
    description: 'Get the connection status of each workspace: none on this server.',
    response: [WorkspaceStatusDto],
    responseDescription: 'Workspace status',
  })
  status(): WorkspaceStatusDto[] {
    return this.workspaces.statuses();
  }

  @Get('workspace/adapter')
  @Endpoint({
    operationId: 'experimental.workspace.adapter.list',
    tag: 'workspace',
    summary: 'List workspace adapters',
    description: 'List the kinds of workspace the server can create: none on this server.',
    response: WORKSPACE_ADAPTERS_SCHEMA,
    responseDescription: 'Workspace adapters',
  })
  adapters(): WorkspaceAdapter[] {
    return this.workspaces.adapters();
  }

  @Post('workspace')
  @Endpoint({
    operationId: 'experimental.workspace.create',
    tag: 'workspace',
    summary: 'Create workspace',
    description:
      'Create a workspace with an adapter. Refused with a 400 WorkspaceCreateError: this server has no workspace adapters.',
    response: WorkspaceDto,
    responseDescription: 'Workspace created',
  })
  create(@Body() body: CreateWorkspaceDto): never {
    return this.workspaces.create(body);
  }

  @Post('workspace/sync-list')
  @Endpoint({
    operationId: 'experimental.workspace.syncList',
    tag: 'workspace',
    summary: 'Sync workspace list',
    description:
      'Sync the workspace list with the adapters. Refused with a 400 WorkspaceSyncError: this server has no workspaces.',
    response: 'none',
    responseDescription: 'Workspace list synced',
  })
  syncList(): never {
    return this.workspaces.syncList();
  }

  @Post('workspace/warp')
  @Endpoint({
    operationId: 'experimental.workspace.warp',
    tag: 'workspace',
    summary: 'Warp session into workspace',
    description:
      'Move a session into a workspace (or back to its project directory with id null). A workspace id is a 404 and null a 400 WorkspaceWarpError: this server has no workspaces.',
    response: 'none',
    responseDescription: 'Session warped',
    notFound: true,
  })
  warp(@Body() body: WarpSessionDto): never {
    return this.workspaces.warp(body);
  }

  @Delete('workspace/:id')
  @Endpoint({
    operationId: 'experimental.workspace.remove',
    tag: 'workspace',
    summary: 'Remove workspace',
    description: 'Remove a workspace: a 404 for any id, as this server has no workspaces.',
    response: WorkspaceDto,
    responseDescription: 'Workspace removed',
    notFound: true,
  })
  remove(@Param() params: WorkspaceParamsDto): never {
    return this.workspaces.remove(params.id);
  }

  @Post('control-plane/move-session')
  @Endpoint({
    operationId: 'experimental.controlPlane.moveSession',
    tag: 'controlPlane',
    summary: 'Move session',
    description:
      'Move a session to another project directory. Refused with a 400 MoveSessionError (404 for an unknown session): this server has no control plane.',
    response: 'none',
    responseDescription: 'Session moved',
    notFound: true,
    serverScoped: true,
  })
  moveSession(@Body() body: MoveSessionDto): never {
    return this.workspaces.moveSession(body);
  }

  @Post('project/:projectID/copy/generate-name')
  @Endpoint({
    operationId: 'experimental.projectCopy.generateName',
    tag: 'projectCopy',
    summary: 'Generate project copy name',
    description:
      'Suggest a name for a copy of the project. Refused with a 400 ProjectCopyError (404 for an unknown project): this server does not copy projects.',
    response: {
      type: 'object',
      properties: { name: { type: 'string' } },
      required: ['name'],
    },
    responseDescription: 'Success',
    notFound: true,
  })
  generateCopyName(
    @Param() params: ProjectCopyParamsDto,
    // Validated as the reference's schema says, though the answer does not depend on it.
    @Body() _body: GenerateCopyNameDto,
  ): never {
    return this.workspaces.generateCopyName(params.projectID);
  }

  @Post('project/:projectID/copy')
  @Endpoint({
    operationId: 'v2.projectCopy.create',
    tag: 'projectCopy',
    summary: 'Create project copy',
    description:
      'Copy the project into a directory with a strategy. Refused with a 400 ProjectCopyError (404 for an unknown project): this server does not copy projects.',
    response: ProjectCopyDto,
    responseDescription: 'ProjectCopy.Copy',
    notFound: true,
    serverScoped: true,
  })
  @LOCATION_QUERY
  createCopy(@Param() params: ProjectCopyParamsDto, @Body() body: CreateProjectCopyDto): never {
    return this.workspaces.createCopy(params.projectID, body);
  }

  @Delete('project/:projectID/copy')
  @Endpoint({
    operationId: 'v2.projectCopy.remove',
    tag: 'projectCopy',
    summary: 'Remove project copy',
    description:
      'Remove a copy of the project. Refused with a 400 ProjectCopyError (404 for an unknown project): this server has no project copies.',
    response: 'none',
    responseDescription: 'Project copy removed',
    notFound: true,
    serverScoped: true,
  })
  @LOCATION_QUERY
  removeCopy(@Param() params: ProjectCopyParamsDto, @Body() body: RemoveProjectCopyDto): never {
    return this.workspaces.removeCopy(params.projectID, body);
  }

  @Post('project/:projectID/copy/refresh')
  @Endpoint({
    operationId: 'v2.projectCopy.refresh',
    tag: 'projectCopy',
    summary: 'Refresh project copies',
    description:
      'Refresh the list of copies of the project. Refused with a 400 ProjectCopyError (404 for an unknown project): this server has no project copies.',
    response: 'none',
    responseDescription: 'Project copies refreshed',
    notFound: true,
    serverScoped: true,
  })
  @LOCATION_QUERY
  refreshCopies(@Param() params: ProjectCopyParamsDto): never {
    return this.workspaces.refreshCopies(params.projectID);
  }
}
