import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../core/errors/named-error';
import { ProjectRepository } from '../core/instance/project.repository';
import { SessionService } from '../session/session.service';
import type {
  CreateProjectCopyDto,
  CreateWorkspaceDto,
  MoveSessionDto,
  RemoveProjectCopyDto,
  WarpSessionDto,
  WorkspaceAdapter,
  WorkspaceDto,
  WorkspaceStatusDto,
} from './dto/workspace.dto';
import {
  MoveSessionError,
  ProjectCopyError,
  WorkspaceCreateError,
  WorkspaceNotFoundError,
  WorkspaceSyncError,
  WorkspaceWarpError,
} from './experimental.errors';

/**
 * Where sessions run. Here always in their project directory: no workspace (cloud or worktree
 * sandbox) exists and none can be made, so the reads answer what the reference answers when
 * there is none, and the writes refuse with a named error saying so (see
 * `experimental.errors.ts`), after the ids they name are checked (unknown ones are 404s).
 */
@Injectable()
export class WorkspaceService {
  constructor(
    private readonly sessions: SessionService,
    private readonly projects: ProjectRepository,
  ) {}

  list(): WorkspaceDto[] {
    return [];
  }

  statuses(): WorkspaceStatusDto[] {
    return [];
  }

  /**
   * Deliberate difference: the reference lists its `worktree` adapter; this server cannot create
   * workspaces of any kind, so it lists none (and clients offer none).
   */
  adapters(): WorkspaceAdapter[] {
    return [];
  }

  create(body: CreateWorkspaceDto): never {
    throw new WorkspaceCreateError(body.type);
  }

  remove(id: string): never {
    throw new WorkspaceNotFoundError(id);
  }

  syncList(): never {
    throw new WorkspaceSyncError();
  }

  warp(body: WarpSessionDto): never {
    if (body.id !== null) throw new WorkspaceNotFoundError(body.id);
    this.sessions.assertExists(body.sessionID);
    throw new WorkspaceWarpError(body.sessionID);
  }

  moveSession(body: MoveSessionDto): never {
    this.sessions.assertExists(body.sessionID);
    throw new MoveSessionError(body.sessionID);
  }

  generateCopyName(projectID: string): never {
    this.assertProject(projectID);
    throw new ProjectCopyError('No name is needed: project copies are unavailable');
  }

  createCopy(projectID: string, body: CreateProjectCopyDto): never {
    this.assertProject(projectID);
    throw new ProjectCopyError(`Project copy strategy unavailable: ${body.strategy}`);
  }

  removeCopy(projectID: string, body: RemoveProjectCopyDto): never {
    this.assertProject(projectID);
    throw new ProjectCopyError(`Project copy directory unavailable: ${body.directory}`);
  }

  refreshCopies(projectID: string): never {
    this.assertProject(projectID);
    throw new ProjectCopyError('No project copies to refresh');
  }

  private assertProject(projectID: string): void {
    if (!this.projects.get(projectID)) throw new NotFoundError(`Project not found: ${projectID}`);
  }
}
