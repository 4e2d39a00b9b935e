import { Injectable } from '@nestjs/common';
import { DirectoryAllowlist } from '../core/http/directory-allowlist';
import { ProjectRepository } from '../core/instance/project.repository';
import { DatabaseService } from '../core/storage/database.service';
import type { GlobalSessionDto, ProjectSummaryDto } from './dto/global-session.dto';
import type { Session } from './dto/session.dto';
import { parseJson } from './json-text';
import { DEFAULT_SESSION_PAGE } from './session.service';
import {
  SessionRepository,
  type SessionListFilter,
  type StoredSession,
} from './session.repository';

export interface GlobalSessionQuery {
  /** Only sessions created in exactly this directory. */
  directory?: string;
  /** Only sessions without a parent. */
  roots?: boolean;
  /** Only sessions updated at or after this time (ms). */
  start?: number;
  /** Only sessions updated before this time (ms): the `X-Next-Cursor` of the previous page. */
  cursor?: number;
  /** Only sessions whose title contains this text. */
  search?: string;
  /** Page size (default 100). */
  limit?: number;
  /** Archived sessions too (left out by default). */
  archived?: boolean;
}

export interface GlobalSessionPage {
  sessions: GlobalSessionDto[];
  /** Present when more sessions follow: pass it back as `cursor`. */
  nextCursor?: number;
}

/**
 * Sessions of every project (`GET /experimental/session`), most recently updated first, each
 * with its project. Pages are cut by update time, as the reference: the cursor is the
 * `time.updated` of a page's last session, and the next page holds the sessions updated before.
 */
@Injectable()
export class GlobalSessionService {
  constructor(
    private readonly db: DatabaseService,
    private readonly sessions: SessionRepository,
    private readonly projects: ProjectRepository,
    private readonly allowlist: DirectoryAllowlist,
  ) {}

  list(query: GlobalSessionQuery): GlobalSessionPage {
    const limit = query.limit ?? DEFAULT_SESSION_PAGE;
    const filter: Omit<SessionListFilter, 'limit'> = {
      directory: query.directory,
      roots: query.roots,
      updatedSince: query.start,
      updatedBefore: query.cursor,
      search: query.search,
      excludeArchived: !query.archived,
    };
    const { rows, more } = this.db.transaction(() => this.page(filter, limit));
    // Sessions of directories outside `--allow-dir` are left out after the page is cut: a page
    // may come out shorter, but the cursor (the last row's time) still reaches every other one.
    const sessions = rows
      .map((row) => parseJson(row.json))
      .filter((session) => this.allowlist.allows(session.directory));
    const last = rows[rows.length - 1];
    return {
      sessions: this.withProjects(sessions),
      ...(more && last && { nextCursor: last.updated }),
    };
  }

  /**
   * The first `limit` sessions, unless that would split sessions updated in the same millisecond
   * between two pages. Deliberate difference: the reference cuts there, and since its cursor is a
   * time, the next page (updated before it) skips the rest of them. Here the page ends before
   * such a group instead, or, when the whole page is one group, holds all of it.
   */
  private page(
    filter: Omit<SessionListFilter, 'limit'>,
    limit: number,
  ): { rows: StoredSession[]; more: boolean } {
    const rows = this.sessions.list({ ...filter, limit: limit + 1 });
    if (rows.length <= limit) return { rows, more: false };
    const page = rows.slice(0, limit);
    const boundary = page[limit - 1].updated;
    if (rows[limit].updated !== boundary) return { rows: page, more: true };
    const groupStart = page.findIndex((row) => row.updated === boundary);
    if (groupStart > 0) return { rows: page.slice(0, groupStart), more: true };
    const group = this.sessions.list({
      ...filter,
      updatedSince: boundary,
      updatedBefore: boundary + 1,
      limit: -1,
    });
    return { rows: group, more: true };
  }

  private withProjects(sessions: Session[]): GlobalSessionDto[] {
    const summaries = new Map<string, ProjectSummaryDto | null>();
    for (const { projectID } of sessions) {
      if (summaries.has(projectID)) continue;
      const project = this.projects.get(projectID);
      summaries.set(
        projectID,
        project
          ? {
              id: project.id,
              ...(project.name !== undefined && { name: project.name }),
              worktree: project.worktree,
            }
          : null,
      );
    }
    return sessions.map((session) => ({
      ...session,
      project: summaries.get(session.projectID) ?? null,
    }));
  }
}
