import { Injectable } from '@nestjs/common';
import { ProjectNotFoundError } from '../../project/project.errors';
import { ProjectService } from '../../project/project.service';
import { AgentService } from '../../agent/agent.service';
import type { AgentInfo } from '../../agent/agent.types';
import { BadRequestError } from '../../core/errors/named-error';
import type { Instance } from '../../core/instance/instance';
import type { PermissionAskedEvent } from '../../permission/permission.events';
import { PermissionService } from '../../permission/permission.service';
import { SessionV2Service } from '../session/session-v2.service';
import type {
  CreatePermissionV2BodyDto,
  PermissionSavedInfoDto,
  PermissionV2AskResultDto,
  PermissionV2ReplyBodyDto,
  PermissionV2RequestDto,
} from './dto/permission-v2.dto';

/**
 * Permission requests through `/api`: a view of the very requests the classic routes list and
 * answer (`PermissionService`), renamed to the v2 fields, and the saved "always" answers.
 */
@Injectable()
export class PermissionV2Service {
  constructor(
    private readonly permissions: PermissionService,
    private readonly sessions: SessionV2Service,
    private readonly agents: AgentService,
    private readonly projects: ProjectService,
  ) {}

  /** The pending requests of a location (its directory), oldest first. */
  listLocation(instance: Instance): PermissionV2RequestDto[] {
    return this.permissions.list(instance).map(toPermissionV2);
  }

  listSession(sessionID: string): PermissionV2RequestDto[] {
    this.sessions.find(sessionID);
    return this.permissions.listSession(sessionID).map(toPermissionV2);
  }

  get(sessionID: string, requestID: string): PermissionV2RequestDto {
    this.sessions.find(sessionID);
    return toPermissionV2(this.permissions.getInSession(sessionID, requestID));
  }

  reply(sessionID: string, requestID: string, body: PermissionV2ReplyBodyDto): void {
    this.sessions.find(sessionID);
    this.permissions.replyOwned(sessionID, requestID, body);
  }

  /**
   * Evaluates a request with the rules of the agent named (else the session's, else the default
   * one) and the session's own, plus the project's saved permissions, in the session's location;
   * `ask` leaves it pending, as a tool's request.
   */
  async create(
    sessionID: string,
    body: CreatePermissionV2BodyDto,
  ): Promise<PermissionV2AskResultDto> {
    const { session, instance } = await this.sessions.open(sessionID);
    const agent = await this.agentOf(instance, body.agent, session.agent);
    const { id, effect } = this.permissions.askDetached(
      {
        instance,
        sessionID,
        rules: [...agent.permission, ...(session.permission ?? [])],
        id: body.id,
        tool: body.source && { messageID: body.source.messageID, callID: body.source.callID },
      },
      {
        permission: body.action,
        patterns: body.resources,
        always: body.save ?? [],
        metadata: body.metadata ?? {},
      },
    );
    return { id, effect };
  }

  /**
   * An agent named in the body must exist (Deliberate difference: the reference falls back to
   * default rules for a name it does not know, which can allow what the client meant to check);
   * a session's agent that is gone since gives way to the default agent.
   */
  private async agentOf(
    instance: Instance,
    requested: string | undefined,
    sessionAgent: string | undefined,
  ): Promise<AgentInfo> {
    if (requested !== undefined) {
      const agent = await this.agents.find(instance, requested);
      if (!agent) throw new BadRequestError(`Agent not found: ${requested}`, 'Payload', 'agent');
      return agent;
    }
    const agent = sessionAgent && (await this.agents.find(instance, sessionAgent));
    return agent || this.agents.defaultAgent(instance);
  }

  /**
   * The saved permissions of `projectID`, else of the location's project. A project outside
   * `--allow-dir` is unknown here (404), as on the project routes.
   */
  listSaved(instance: Instance, projectID: string | undefined): PermissionSavedInfoDto[] {
    if (projectID !== undefined && !this.projects.isVisibleID(projectID)) {
      throw new ProjectNotFoundError(projectID);
    }
    return this.permissions.listSaved(projectID ?? instance.projectID);
  }

  /** Unknown ids, and those of projects outside `--allow-dir`, are left as they are (204). */
  removeSaved(id: string): void {
    const saved = this.permissions.listSaved().find((candidate) => candidate.id === id);
    if (!saved || !this.projects.isVisibleID(saved.projectID)) return;
    this.permissions.removeSaved(id);
  }
}

/**
 * The v2 fields of a classic request: `permission` → `action`, `patterns` → `resources`,
 * `always` → `save`, `tool` → `source` of type `tool`.
 */
export function toPermissionV2(request: PermissionAskedEvent): PermissionV2RequestDto {
  return {
    id: request.id,
    sessionID: request.sessionID,
    action: request.permission,
    resources: request.patterns,
    save: request.always,
    metadata: request.metadata,
    ...(request.tool && {
      source: { type: 'tool', messageID: request.tool.messageID, callID: request.tool.callID },
    }),
  };
}
