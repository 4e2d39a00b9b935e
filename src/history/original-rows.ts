import type { ProjectRecord } from '../core/instance/project.repository';
import type { MessageInfo } from '../session/dto/message.dto';
import type { Part } from '../session/dto/part.dto';
import type { Session } from '../session/dto/session.dto';
import type { Todo } from '../session/dto/todo.dto';

/*
 * The rows of the original opencode's database (1.18.x) and the API objects it serves for them.
 * Its `message` and `part` rows hold the API JSON without the ids, which live in columns; its
 * sessions and projects are spread over columns. The mappings below give the objects the
 * original answers for these rows (checked against its GET routes), field for field: a column
 * that is NULL is a field left out.
 */

export interface OriginalSessionRow {
  id: string;
  project_id: string;
  workspace_id: string | null;
  parent_id: string | null;
  slug: string;
  directory: string;
  path: string | null;
  title: string;
  version: string;
  share_url: string | null;
  summary_additions: number | null;
  summary_deletions: number | null;
  summary_files: number | null;
  summary_diffs: string | null;
  metadata: string | null;
  cost: number;
  tokens_input: number;
  tokens_output: number;
  tokens_reasoning: number;
  tokens_cache_read: number;
  tokens_cache_write: number;
  revert: string | null;
  permission: string | null;
  agent: string | null;
  model: string | null;
  time_created: number;
  time_updated: number;
  time_compacting: number | null;
  time_archived: number | null;
}

export interface OriginalMessageRow {
  id: string;
  session_id: string;
  time_updated: number;
  data: string;
}

export interface OriginalPartRow {
  id: string;
  message_id: string;
  session_id: string;
  time_updated: number;
  data: string;
}

export interface OriginalTodoRow {
  content: string;
  status: string;
  priority: string;
  time_updated: number;
}

export interface OriginalShareRow {
  session_id: string;
  id: string;
  secret: string;
  url: string;
  time_created: number;
  time_updated: number;
}

export interface OriginalProjectRow {
  id: string;
  worktree: string;
  vcs: string | null;
  name: string | null;
  icon_url: string | null;
  icon_url_override: string | null;
  icon_color: string | null;
  time_created: number;
  time_updated: number;
  time_initialized: number | null;
  sandboxes: string;
  commands: string | null;
}

/** The session as the original serves it (`GET /session/:id`), in its field order. */
export function sessionFromRow(row: OriginalSessionRow): Session {
  const hasSummary =
    row.summary_additions !== null || row.summary_deletions !== null || row.summary_files !== null;
  const revert = json<{ messageID: string; partID?: string; snapshot?: string; diff?: string }>(
    row.revert,
  );
  const model = json<{ id: string; providerID: string; variant?: string }>(row.model);
  const permission = json<unknown[]>(row.permission);
  return defined({
    id: row.id,
    slug: row.slug,
    projectID: row.project_id,
    workspaceID: row.workspace_id ?? undefined,
    directory: row.directory,
    path: row.path ?? undefined,
    parentID: row.parent_id ?? undefined,
    title: row.title,
    agent: row.agent ?? undefined,
    model: model && defined({ id: model.id, providerID: model.providerID, variant: model.variant }),
    version: row.version,
    summary: hasSummary
      ? defined({
          additions: row.summary_additions ?? 0,
          deletions: row.summary_deletions ?? 0,
          files: row.summary_files ?? 0,
          diffs: json(row.summary_diffs),
        })
      : undefined,
    cost: row.cost,
    tokens: {
      input: row.tokens_input,
      output: row.tokens_output,
      reasoning: row.tokens_reasoning,
      cache: { read: row.tokens_cache_read, write: row.tokens_cache_write },
    },
    share: row.share_url ? { url: row.share_url } : undefined,
    metadata: json(row.metadata),
    revert:
      revert &&
      defined({
        messageID: revert.messageID,
        partID: revert.partID,
        snapshot: revert.snapshot,
        diff: revert.diff,
      }),
    permission: Array.isArray(permission) ? permission : undefined,
    time: defined({
      created: row.time_created,
      updated: row.time_updated,
      compacting: row.time_compacting ?? undefined,
      archived: row.time_archived ?? undefined,
    }),
  }) as unknown as Session;
}

export function messageFromRow(row: OriginalMessageRow): MessageInfo {
  return { id: row.id, sessionID: row.session_id, ...parseObject(row.data) } as MessageInfo;
}

export function partFromRow(row: OriginalPartRow): Part {
  return {
    id: row.id,
    sessionID: row.session_id,
    messageID: row.message_id,
    ...parseObject(row.data),
  } as Part;
}

export function todoFromRow(row: OriginalTodoRow): Todo {
  return { content: row.content, status: row.status, priority: row.priority };
}

export function projectFromRow(row: OriginalProjectRow): ProjectRecord {
  const hasIcon = row.icon_url || row.icon_url_override || row.icon_color;
  const sandboxes = json<unknown>(row.sandboxes);
  return defined({
    id: row.id,
    worktree: row.worktree,
    vcs: row.vcs === 'git' ? ('git' as const) : undefined,
    name: row.name ?? undefined,
    icon: hasIcon
      ? defined({
          url: row.icon_url ?? undefined,
          override: row.icon_url_override ?? undefined,
          color: row.icon_color ?? undefined,
        })
      : undefined,
    commands: json(row.commands),
    time: defined({
      created: row.time_created,
      updated: row.time_updated,
      initialized: row.time_initialized ?? undefined,
    }),
    sandboxes: Array.isArray(sandboxes)
      ? sandboxes.filter((s): s is string => typeof s === 'string')
      : [],
  }) as ProjectRecord;
}

/** A JSON column; undefined when NULL or not JSON (a row is never refused for one field). */
function json<T = unknown>(text: string | null): T | undefined {
  if (text === null) return undefined;
  try {
    return (JSON.parse(text) as T | null) ?? undefined;
  } catch {
    return undefined;
  }
}

function parseObject(text: string): Record<string, unknown> {
  const value = json<unknown>(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The object without its undefined fields, as JSON would leave them out. */
function defined<T extends Record<string, unknown>>(object: T): T {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object;
}
