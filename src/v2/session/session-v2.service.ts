import { Injectable } from '@nestjs/common';
import { BadRequestError, NamedError } from '../../core/errors/named-error';
import { DirectoryAllowlist } from '../../core/http/directory-allowlist';
import { IdGenerator } from '../../core/id';
import type { Instance } from '../../core/instance/instance';
import { InstanceService } from '../../core/instance/instance.service';
import type { Session } from '../../session/dto/session.dto';
import { SessionRepository } from '../../session/session.repository';
import { SessionService } from '../../session/session.service';
import { SessionStatusService } from '../../session/session-status.service';
import { decodeCursor, encodeCursor, pageOf } from './cursor';
import type {
  CreateSessionV2BodyDto,
  ModelRefBodyDto,
  SessionActiveDto,
  SessionListQueryDto,
  SessionsResponseDto,
  SessionV2InfoDto,
} from './dto/session-v2.dto';
import type { RevertStateDto } from './dto/revert-state.dto';
import { SessionEventLog } from './log/session-event-log.service';
import { SessionNotFoundV2Error } from '../../core/errors/session-not-found';
import { ConflictError } from './session-v2.errors';

const DEFAULT_LIMIT = 50;

/** The filters and order of a session listing, as its cursors carry them. */
interface SessionListing {
  order: 'asc' | 'desc';
  workspace?: string;
  search?: string;
  project?: string;
  directory?: string;
  subpath?: string;
}

/**
 * Sessions as the `/api` routes show them. They are the classic sessions (one store, as in the
 * reference): a session made here is listed by `GET /session`, and the other way round.
 */
@Injectable()
export class SessionV2Service {
  constructor(
    private readonly sessions: SessionService,
    private readonly store: SessionRepository,
    private readonly instances: InstanceService,
    private readonly statuses: SessionStatusService,
    private readonly log: SessionEventLog,
    private readonly ids: IdGenerator,
    private readonly allowlist: DirectoryAllowlist,
  ) {}

  /** The session, or the `/api` 404. */
  find(sessionID: string): Session {
    const session = this.store.get(sessionID);
    if (!session) throw new SessionNotFoundV2Error(sessionID);
    return session;
  }

  /** The session and the instance of its own directory, where its work runs. */
  async open(sessionID: string): Promise<{ session: Session; instance: Instance }> {
    const session = this.find(sessionID);
    return { session, instance: await this.instances.resolve(session.directory) };
  }

  get(sessionID: string): SessionV2InfoDto {
    return this.info(this.find(sessionID));
  }

  /**
   * `POST /api/session`: in the body's location, else the request's. A given id that exists
   * answers that session (creating is idempotent), unless the session is in a directory this
   * server does not serve (`--allow-dir`): the id is then taken, and nothing of it is told.
   */
  async create(fallback: Instance, body: CreateSessionV2BodyDto): Promise<SessionV2InfoDto> {
    if (body.location) this.allowlist.check(body.location.directory);
    if (body.id) {
      const existing = this.store.get(body.id);
      if (existing && !this.allowlist.allows(existing.directory)) {
        throw new ConflictError(`Session ID is taken: ${body.id}`, body.id);
      }
      if (existing) return this.info(existing);
    }
    const instance = body.location ? await this.locationOf(body.location.directory) : fallback;
    const session = this.sessions.create(instance, {
      ...(body.id && { id: body.id }),
      ...(body.agent && { agent: body.agent }),
      ...(body.model && { model: { ...body.model, variant: body.model.variant ?? 'default' } }),
      ...(body.location?.workspaceID && { workspaceID: body.location.workspaceID }),
    });
    return this.info(session);
  }

  /** The instance of a body's `location.directory`; a directory that does not exist is a 400. */
  private async locationOf(directory: string): Promise<Instance> {
    try {
      return await this.instances.resolve(directory);
    } catch (error) {
      if (error instanceof NamedError && error.status === 400) {
        throw new BadRequestError(
          `Directory does not exist: ${directory}`,
          'Body',
          'location.directory',
        );
      }
      throw error;
    }
  }

  /**
   * Sessions by creation time (newest first unless `order=asc`), a page at a time; those of
   * directories outside `--allow-dir` are left out, as from every other list.
   */
  list(query: SessionListQueryDto): SessionsResponseDto {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const cursor = query.cursor ? decodeCursor<SessionListing>(query.cursor) : undefined;
    const listing: SessionListing = cursor?.query ?? {
      order: query.order ?? 'desc',
      ...(query.workspace && { workspace: query.workspace }),
      ...(query.search && { search: query.search }),
      ...(query.project && { project: query.project }),
      ...(query.directory && { directory: query.directory }),
      ...(query.subpath && { subpath: query.subpath }),
    };
    const sessions = this.store
      .list({
        limit: -1,
        ...(listing.project && { projectID: listing.project }),
        ...(listing.directory && { directory: listing.directory }),
        ...(listing.subpath && { path: listing.subpath }),
        ...(listing.search && { search: listing.search }),
      })
      .map((stored) => JSON.parse(stored.json) as Session)
      .filter((session) => !listing.workspace || session.workspaceID === listing.workspace)
      .filter((session) => this.allowlist.allows(session.directory))
      .sort((a, b) => compareCreated(a, b) * (listing.order === 'asc' ? 1 : -1));
    const page = pageOf(sessions, (session) => session.id, limit, cursor?.anchor);
    return {
      data: page.items.map((session) => this.info(session)),
      cursor: {
        ...(page.previous && { previous: encodeCursor(listing, page.previous, 'previous') }),
        ...(page.next && { next: encodeCursor(listing, page.next, 'next') }),
      },
    };
  }

  /** The sessions whose agent loop runs in this process. */
  active(): Record<string, SessionActiveDto> {
    const active: Record<string, SessionActiveDto> = {};
    for (const [sessionID, status] of Object.entries(this.statuses.list())) {
      if (status.type === 'idle' || !this.isServed(sessionID)) continue;
      active[sessionID] = { type: 'running' };
    }
    return active;
  }

  /** Whether the session's directory is served (`--allow-dir`); always, without a list. */
  private isServed(sessionID: string): boolean {
    if (!this.allowlist.enabled) return true;
    const session = this.store.get(sessionID);
    return session !== undefined && this.allowlist.allows(session.directory);
  }

  async switchAgent(sessionID: string, agent: string): Promise<void> {
    const { instance } = await this.open(sessionID);
    this.sessions.update(instance, sessionID, { agent });
    this.log.append(instance, sessionID, 'agent.switched', {
      messageID: this.ids.ascending('message'),
      agent,
    });
  }

  /** Switching to the model already set changes nothing (and logs nothing). */
  async switchModel(sessionID: string, model: ModelRefBodyDto): Promise<void> {
    const { session, instance } = await this.open(sessionID);
    const next = { ...model, variant: model.variant ?? 'default' };
    const current = session.model;
    if (
      current?.id === next.id &&
      current.providerID === next.providerID &&
      (current.variant ?? 'default') === next.variant
    )
      return;
    this.sessions.update(instance, sessionID, { model: next });
    this.log.append(instance, sessionID, 'model.switched', {
      messageID: this.ids.ascending('message'),
      model: next,
    });
  }

  /** The revert staged on the session, from its log: the last staged one not cleared since. */
  revertOf(sessionID: string): RevertStateDto | undefined {
    let revert: RevertStateDto | undefined;
    for (const event of this.log.ofTypes(sessionID, [
      'revert.staged',
      'revert.cleared',
      'revert.committed',
    ])) {
      revert =
        event.type === 'session.next.revert.staged'
          ? (event.data.revert as RevertStateDto)
          : undefined;
    }
    return revert;
  }

  info(session: Session): SessionV2InfoDto {
    const revert = this.revertOf(session.id);
    return {
      id: session.id,
      ...(session.parentID && { parentID: session.parentID }),
      projectID: session.projectID,
      ...(session.agent && { agent: session.agent }),
      ...(session.model && { model: session.model }),
      cost: session.cost ?? 0,
      tokens: tokensOf(session.tokens),
      time: {
        created: session.time.created,
        updated: session.time.updated,
        ...(session.time.archived !== undefined && { archived: session.time.archived }),
      },
      title: session.title,
      location: {
        directory: session.directory,
        ...(session.workspaceID && { workspaceID: session.workspaceID }),
      },
      ...(session.path && { subpath: session.path }),
      ...(revert && { revert }),
    };
  }
}

function compareCreated(a: Session, b: Session): number {
  return a.time.created - b.time.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Tokens as the `/api` counts them (no `total`). */
function tokensOf(tokens: Session['tokens']): SessionV2InfoDto['tokens'] {
  return {
    input: tokens?.input ?? 0,
    output: tokens?.output ?? 0,
    reasoning: tokens?.reasoning ?? 0,
    cache: { read: tokens?.cache.read ?? 0, write: tokens?.cache.write ?? 0 },
  };
}
