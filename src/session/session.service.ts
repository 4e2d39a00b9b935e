import { Injectable } from '@nestjs/common';
import { relative, sep } from 'node:path';
import { BusService } from '../core/bus/bus.service';
import { AppEnvironment } from '../core/config/app-environment';
import { BadRequestError } from '../core/errors/named-error';
import { IdGenerator } from '../core/id';
import type { Instance } from '../core/instance/instance';
import { DatabaseService } from '../core/storage/database.service';
import type { MessageInfo } from './dto/message.dto';
import type { Part } from './dto/part.dto';
import type {
  PermissionRuleDto,
  Session,
  SessionModelDto,
  SessionRevertDto,
  SessionShareDto,
  SessionSummaryDto,
  SessionTokens,
} from './dto/session.dto';
import type { SessionStatus } from './dto/session-status.dto';
import { MessageRepository, parseRecord } from './message.repository';
import { announceSessionWithMessages } from './session-announce';
import { SessionRunRegistry } from './session-run.registry';
import { SessionStatusService } from './session-status.service';
import { SessionNotFoundError } from '../core/errors/session-not-found';
import { MessageNotFoundError } from './session.errors';
import { jsonArray, parseJson, type JsonText } from './json-text';
import { SessionRepository, type SessionPosition } from './session.repository';
import { createSlug } from './slug';

const ROOT_TITLE_PREFIX = 'New session - ';
const CHILD_TITLE_PREFIX = 'Child session - ';
const DEFAULT_TITLE =
  /^(New session - |Child session - )\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const FORK_TITLE = /^(.+) \(fork #(\d+)\)$/;
/** The reference's default page of `GET /session`. */
export const DEFAULT_SESSION_PAGE = 100;

export interface CreateSessionInput {
  /** A client-chosen id (the `/api` create); a new one when absent. */
  id?: string;
  parentID?: string;
  title?: string;
  agent?: string;
  model?: SessionModelDto;
  metadata?: Record<string, unknown>;
  permission?: PermissionRuleDto[];
  workspaceID?: string;
}

/**
 * A change to a session. Absent fields stay as they are; `null` removes an optional field.
 * Every update also sets `time.updated` to now.
 */
export interface SessionPatch {
  title?: string;
  agent?: string;
  model?: SessionModelDto;
  metadata?: Record<string, unknown>;
  permission?: PermissionRuleDto[];
  workspaceID?: string;
  summary?: SessionSummaryDto | null;
  share?: SessionShareDto | null;
  revert?: SessionRevertDto | null;
  time?: { archived?: number | null; compacting?: number | null };
}

export interface SessionUsage {
  cost: number;
  tokens: SessionTokens;
}

export interface ListSessionsInput {
  /**
   * Set when the request named a directory (`?directory=`): then only sessions created in the
   * instance's directory are listed, as the reference does. The header alone does not filter.
   */
  directory?: string;
  scope?: 'project';
  path?: string;
  roots?: boolean;
  start?: number;
  search?: string;
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface SessionPage {
  sessions: Session[];
  /** Present when more sessions follow: pass it back as `cursor`. */
  nextCursor?: string;
}

/** A page as `GET /session` sends it: the JSON bytes of the sessions, and where the next starts. */
export interface SessionJsonPage {
  json: Buffer;
  nextCursor?: string;
}

/**
 * Sessions: creation (default titles, slugs), updates, listing, forks and deletion. Every write
 * is one transaction; its events are published after the commit.
 */
@Injectable()
export class SessionService {
  /** Encoded pages by the rows they were made from (see `listJson`). */
  private readonly encodedPages = new WeakMap<readonly JsonText<Session>[], SessionJsonPage>();
  constructor(
    private readonly db: DatabaseService,
    private readonly sessions: SessionRepository,
    private readonly messages: MessageRepository,
    private readonly ids: IdGenerator,
    private readonly bus: BusService,
    private readonly env: AppEnvironment,
    private readonly runs: SessionRunRegistry,
    private readonly statuses: SessionStatusService,
  ) {}

  /** Whether `title` is one the server gave (so the first prompt may replace it). */
  isDefaultTitle(title: string): boolean {
    return isDefaultTitle(title);
  }

  /** Creates a session in the instance's directory; an unknown `parentID` is a 404. */
  create(instance: Instance, input: CreateSessionInput = {}): Session {
    const session = this.newSession(instance, input);
    this.db.transaction(() => {
      if (input.parentID && !this.sessions.exists(input.parentID)) {
        throw new SessionNotFoundError(input.parentID);
      }
      this.sessions.insert(session);
    });
    this.bus.publish(instance, 'session.created', { sessionID: session.id, info: session });
    return session;
  }

  /** How many sessions the session is nested in: 0 for a root, 1 for a subagent's session. */
  depth(sessionID: string): number {
    let depth = 0;
    for (let id = this.get(sessionID).parentID; id; id = this.sessions.get(id)?.parentID) depth++;
    return depth;
  }

  /** The session; `SessionNotFoundError` (404) when there is none. */
  get(sessionID: string): Session {
    const session = this.sessions.get(sessionID);
    if (!session) throw new SessionNotFoundError(sessionID);
    return session;
  }

  /** Throws `SessionNotFoundError` unless the session exists. */
  assertExists(sessionID: string): void {
    if (!this.sessions.exists(sessionID)) throw new SessionNotFoundError(sessionID);
  }

  /** Applies `patch`, sets `time.updated`, stores it and publishes `session.updated`. */
  update(instance: Instance, sessionID: string, patch: SessionPatch): Session {
    return this.modify(instance, sessionID, (current) => applyPatch(current, patch));
  }

  /** Marks the session as just used (`time.updated`), e.g. when a prompt arrives. */
  touch(instance: Instance, sessionID: string): Session {
    return this.modify(instance, sessionID, (current) => current);
  }

  setTitle(instance: Instance, sessionID: string, title: string): Session {
    return this.update(instance, sessionID, { title });
  }

  /** Adds the cost and tokens of a model call to the session's totals. */
  addUsage(instance: Instance, sessionID: string, usage: SessionUsage): Session {
    return this.modify(instance, sessionID, (current) => {
      const tokens = current.tokens ?? emptyTokens();
      return {
        ...current,
        cost: (current.cost ?? 0) + usage.cost,
        tokens: {
          input: tokens.input + usage.tokens.input,
          output: tokens.output + usage.tokens.output,
          reasoning: tokens.reasoning + usage.tokens.reasoning,
          cache: {
            read: tokens.cache.read + usage.tokens.cache.read,
            write: tokens.cache.write + usage.tokens.cache.write,
          },
        },
      };
    });
  }

  /**
   * Sessions of the instance's project, most recently updated first, one page at a time
   * (default 100, as the reference; `nextCursor` reaches the rest).
   */
  list(instance: Instance, input: ListSessionsInput = {}): SessionPage {
    const rows = this.listRows(instance, input);
    const { page, nextCursor } = this.paginate(rows, input);
    return { sessions: page.map((row) => parseJson(row)), ...(nextCursor && { nextCursor }) };
  }

  /**
   * As `list`, as the bytes `GET /session` sends. The repository answers a repeated listing with
   * the same rows until a session is written, so the page is encoded once per such version.
   */
  listJson(instance: Instance, input: ListSessionsInput = {}): SessionJsonPage {
    const rows = this.listRows(instance, input);
    let encoded = this.encodedPages.get(rows);
    if (!encoded) {
      const { page, nextCursor } = this.paginate(rows, input);
      encoded = { json: Buffer.from(jsonArray(page)), ...(nextCursor && { nextCursor }) };
      this.encodedPages.set(rows, encoded);
    }
    return encoded;
  }

  /** Direct children of the session, oldest first. */
  children(sessionID: string): Session[] {
    this.assertExists(sessionID);
    return this.sessions.children(sessionID);
  }

  /**
   * Deletes the session with its child sessions, messages, parts and todos in one transaction,
   * aborts their running turns, then publishes `session.deleted` for each (children first).
   */
  delete(instance: Instance, sessionID: string): boolean {
    const removed = this.db.transaction(() => {
      const root = this.get(sessionID);
      const below = this.sessions.descendants(sessionID);
      this.sessions.delete(sessionID);
      return [...below, root];
    });
    for (const session of removed) {
      this.runs.abort(session.id);
      this.statuses.forget(session.id);
    }
    for (const session of removed) {
      this.bus.publish(instance, 'session.deleted', { sessionID: session.id, info: session });
    }
    return true;
  }

  /**
   * A new session holding copies (new ids) of the session's messages and parts strictly before
   * `messageID` (all when absent), as the reference does: clients offer "fork from here" to edit
   * that prompt again. Titled as a fork ("<title> (fork #n)"), without an answer still being
   * written. Deliberate difference: an unknown `messageID` is a 404, not a copy of everything.
   */
  fork(instance: Instance, sessionID: string, messageID?: string): Session {
    const { session, copies } = this.db.transaction(() => {
      const original = this.get(sessionID);
      const source = this.messages.page(sessionID, {}).records.map(parseRecord);
      let end = source.length;
      if (messageID !== undefined) {
        end = source.findIndex((message) => message.info.id === messageID);
        if (end < 0) throw new MessageNotFoundError(sessionID, messageID);
      }
      const session = this.newSession(instance, {
        title: forkedTitle(original.title),
        workspaceID: original.workspaceID,
        metadata: original.metadata && structuredClone(original.metadata),
      });
      this.sessions.insert(session);
      // An answer still being written stays out: no turn runs in the fork to finish it.
      const settled = source
        .slice(0, end)
        .filter(({ info }) => info.role !== 'assistant' || info.time.completed !== undefined);
      const copies = this.copyMessages(settled, session.id);
      for (const copy of copies) {
        this.messages.saveMessage(copy.info);
        for (const part of copy.parts) this.messages.savePart(part);
      }
      return { session, copies };
    });
    announceSessionWithMessages(this.bus, instance, session, copies);
    return session;
  }

  /**
   * Aborts the session's running turn (the agent loop then ends it). A session marked busy
   * with nothing running (a turn that died) is set back to idle.
   */
  abort(instance: Instance, sessionID: string): boolean {
    this.assertExists(sessionID);
    if (!this.runs.abort(sessionID) && this.statuses.get(sessionID).type !== 'idle') {
      this.statuses.set(instance, sessionID, { type: 'idle' });
    }
    return true;
  }

  /** Non-idle statuses of the instance's project, by session id. */
  statusOf(instance: Instance): Record<string, SessionStatus> {
    return this.statuses.list(instance);
  }

  private listRows(instance: Instance, input: ListSessionsInput): readonly JsonText<Session>[] {
    return this.sessions.listJson({
      projectID: instance.projectID,
      // `scope=project` widens the listing to the whole project; a `path` replaces the directory
      // filter, which then only applies to sessions stored without a path (as the reference).
      directory:
        input.directory && (input.scope !== 'project' || input.path !== undefined)
          ? instance.directory
          : undefined,
      path: input.path || undefined,
      roots: input.roots,
      updatedSince: input.start,
      search: input.search,
      after: input.cursor === undefined ? undefined : decodeCursor(input.cursor),
      // One more than the page: whether another page follows.
      limit: (input.limit ?? DEFAULT_SESSION_PAGE) + 1,
    });
  }

  private paginate(
    rows: readonly JsonText<Session>[],
    input: ListSessionsInput,
  ): { page: readonly JsonText<Session>[]; nextCursor?: string } {
    const limit = input.limit ?? DEFAULT_SESSION_PAGE;
    if (rows.length <= limit) return { page: rows };
    const page = rows.slice(0, limit);
    // Only the last session of a full page is read: its position is the cursor.
    const last = parseJson(page[page.length - 1]);
    return { page, nextCursor: encodeCursor({ updated: last.time.updated, id: last.id }) };
  }

  private modify(
    instance: Instance,
    sessionID: string,
    change: (current: Session) => Session,
  ): Session {
    const session = this.db.transaction(() => {
      const current = this.get(sessionID);
      const next = change(current);
      const updated: Session = {
        ...next,
        time: { ...next.time, updated: Math.max(Date.now(), current.time.updated) },
      };
      this.sessions.replace(updated);
      return updated;
    });
    this.bus.publish(instance, 'session.updated', { sessionID, info: session });
    return session;
  }

  private newSession(instance: Instance, input: CreateSessionInput): Session {
    const now = Date.now();
    // Key order as the reference sends it.
    return {
      id: input.id ?? this.ids.descending('session'),
      slug: createSlug(),
      version: this.env.version,
      projectID: instance.projectID,
      directory: instance.directory,
      path: relative(instance.worktree, instance.directory).split(sep).join('/'),
      ...(input.workspaceID && { workspaceID: input.workspaceID }),
      ...(input.parentID && { parentID: input.parentID }),
      title: input.title ?? defaultTitle(Boolean(input.parentID), now),
      ...(input.agent && { agent: input.agent }),
      ...(input.model && { model: { ...input.model } }),
      ...(input.metadata && { metadata: input.metadata }),
      ...(input.permission && { permission: input.permission.map((rule) => ({ ...rule })) }),
      cost: 0,
      tokens: emptyTokens(),
      time: { created: now, updated: now },
    };
  }

  /** Copies of messages for another session: new ids, with the references between them kept. */
  private copyMessages(
    source: { info: MessageInfo; parts: Part[] }[],
    sessionID: string,
  ): { info: MessageInfo; parts: Part[] }[] {
    const newIds = new Map<string, string>();
    for (const message of source) newIds.set(message.info.id, this.ids.ascending('message'));
    return source.map(({ info, parts }) => {
      const id = newIds.get(info.id)!;
      const copy: MessageInfo =
        info.role === 'assistant'
          ? { ...info, id, sessionID, parentID: newIds.get(info.parentID) ?? info.parentID }
          : { ...info, id, sessionID };
      return {
        info: copy,
        parts: parts.map((part): Part => {
          const moved = { ...part, id: this.ids.ascending('part'), sessionID, messageID: id };
          if (moved.type === 'compaction' && moved.tail_start_id) {
            moved.tail_start_id = newIds.get(moved.tail_start_id) ?? moved.tail_start_id;
          }
          return moved;
        }),
      };
    });
  }
}

/** "New session - <ISO date>" or "Child session - <ISO date>", as the server names sessions. */
export function isDefaultTitle(title: string): boolean {
  return DEFAULT_TITLE.test(title);
}

function defaultTitle(child: boolean, now: number): string {
  return (child ? CHILD_TITLE_PREFIX : ROOT_TITLE_PREFIX) + new Date(now).toISOString();
}

/** "Title" → "Title (fork #1)" → "Title (fork #2)". */
export function forkedTitle(title: string): string {
  const match = FORK_TITLE.exec(title);
  if (match) return `${match[1]} (fork #${Number(match[2]) + 1})`;
  return `${title} (fork #1)`;
}

function emptyTokens(): SessionTokens {
  return { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } };
}

function applyPatch(current: Session, patch: SessionPatch): Session {
  const next: Session = { ...current, time: { ...current.time } };
  if (patch.title !== undefined) next.title = patch.title;
  if (patch.agent !== undefined) next.agent = patch.agent;
  if (patch.model !== undefined) next.model = { ...patch.model };
  if (patch.metadata !== undefined) next.metadata = patch.metadata;
  if (patch.permission !== undefined) next.permission = patch.permission.map((r) => ({ ...r }));
  if (patch.workspaceID !== undefined) next.workspaceID = patch.workspaceID;
  setOrClear(next, 'summary', patch.summary);
  setOrClear(next, 'share', patch.share);
  setOrClear(next, 'revert', patch.revert);
  setOrClear(next.time, 'archived', patch.time?.archived);
  setOrClear(next.time, 'compacting', patch.time?.compacting);
  return next;
}

/** `undefined` keeps the field, `null` removes it, anything else replaces it. */
function setOrClear<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K] | null | undefined,
): void {
  if (value === undefined) return;
  if (value === null) delete target[key];
  else target[key] = value;
}

/** The list position of a session, opaque to clients. */
function encodeCursor({ updated, id }: SessionPosition): string {
  const position: SessionPosition = { updated, id };
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeCursor(cursor: string): SessionPosition {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (isPosition(value)) return value;
  } catch {
    // Reported below as a bad cursor.
  }
  throw new BadRequestError('cursor is not a cursor this server returned', 'Query', 'cursor');
}

function isPosition(value: unknown): value is SessionPosition {
  if (typeof value !== 'object' || value === null) return false;
  const { updated, id } = value as Record<string, unknown>;
  return typeof updated === 'number' && typeof id === 'string';
}
