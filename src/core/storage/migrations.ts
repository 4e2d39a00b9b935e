import type { Database } from 'better-sqlite3';

export interface Migration {
  /** Strictly increasing; never renumber or edit one that has shipped: add a new one. */
  version: number;
  name: string;
  up(db: Database): void;
}

/**
 * The schema, as the ordered list of every migration. A database of an older version runs the
 * ones it lacks at start-up, each in its own transaction.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'projects',
    up: (db) =>
      db.exec(`
        CREATE TABLE project (
          id TEXT PRIMARY KEY,
          worktree TEXT NOT NULL,
          vcs TEXT,
          name TEXT,
          time_created INTEGER NOT NULL,
          time_updated INTEGER NOT NULL,
          time_initialized INTEGER,
          data TEXT NOT NULL DEFAULT '{}'
        );
      `),
  },
  {
    version: 2,
    name: 'sessions, messages, parts, todos',
    // Columns hold what is filtered, sorted or joined on; `data` holds the whole JSON object as
    // the API returns it, so reads need no re-assembly. Deleting a session cascades to its child
    // sessions, messages, parts and todos; a part must belong to a message of its own session.
    up: (db) =>
      db.exec(`
        CREATE TABLE session (
          id TEXT PRIMARY KEY,
          project_id TEXT NOT NULL,
          parent_id TEXT REFERENCES session (id) ON DELETE CASCADE,
          directory TEXT NOT NULL,
          path TEXT,
          title TEXT NOT NULL,
          time_created INTEGER NOT NULL,
          time_updated INTEGER NOT NULL,
          data TEXT NOT NULL
        );
        CREATE INDEX session_project_updated ON session (project_id, time_updated DESC, id);
        CREATE INDEX session_parent ON session (parent_id);

        CREATE TABLE message (
          id TEXT PRIMARY KEY,
          session_id TEXT NOT NULL REFERENCES session (id) ON DELETE CASCADE,
          data TEXT NOT NULL
        );
        CREATE UNIQUE INDEX message_session ON message (session_id, id);

        CREATE TABLE part (
          id TEXT PRIMARY KEY,
          session_id TEXT NOT NULL,
          message_id TEXT NOT NULL,
          data TEXT NOT NULL,
          FOREIGN KEY (session_id, message_id) REFERENCES message (session_id, id) ON DELETE CASCADE
        );
        CREATE INDEX part_session_message ON part (session_id, message_id, id);

        CREATE TABLE todo (
          session_id TEXT NOT NULL REFERENCES session (id) ON DELETE CASCADE,
          position INTEGER NOT NULL,
          content TEXT NOT NULL,
          status TEXT NOT NULL,
          priority TEXT NOT NULL,
          PRIMARY KEY (session_id, position)
        ) WITHOUT ROWID;
      `),
  },
  {
    version: 3,
    name: 'session shares',
    // The share service's id and secret of each shared session: the secret authorises later
    // syncs and the removal, so it stays here and is never part of a response. No foreign key:
    // a deleted session's share must outlive it until the remote copy has been removed too.
    up: (db) =>
      db.exec(`
        CREATE TABLE session_share (
          session_id TEXT PRIMARY KEY,
          share_id TEXT NOT NULL,
          secret TEXT NOT NULL,
          url TEXT NOT NULL,
          base_url TEXT NOT NULL,
          time_created INTEGER NOT NULL
        );
      `),
  },
  {
    version: 4,
    name: 'indexes of work left open',
    // Partial indexes holding only what a running turn leaves open (an assistant message not yet
    // completed, a tool call pending or running, a session being compacted): closing what a
    // crashed process left behind at start-up reads these few entries instead of every row.
    // json_extract is deterministic, so SQLite accepts it here; queries must repeat these
    // WHERE terms exactly for the planner to pick the index. The price is on writes: each
    // stored row's JSON is parsed for the condition, about 1 us per KB (a 30 KB bash progress
    // save: ~10 us -> ~40 us): small enough to keep the facts in the JSON rather than in
    // columns that every writer would have to fill.
    up: (db) =>
      db.exec(`
        CREATE INDEX message_unfinished ON message (session_id, id)
          WHERE json_extract(data, '$.role') = 'assistant'
            AND json_extract(data, '$.time.completed') IS NULL;
        CREATE INDEX part_tool_open ON part (session_id, message_id)
          WHERE json_extract(data, '$.type') = 'tool'
            AND json_extract(data, '$.state.status') IN ('pending', 'running');
        CREATE INDEX session_compacting ON session (id)
          WHERE json_extract(data, '$.time.compacting') IS NOT NULL;
      `),
  },
  {
    version: 5,
    name: 'server processes',
    // The server processes using this database, so that one starting up can tell whether work
    // left open belongs to a crashed process or to another server still running.
    up: (db) =>
      db.exec(`
        CREATE TABLE server_process (
          host TEXT NOT NULL,
          pid INTEGER NOT NULL,
          started INTEGER NOT NULL,
          PRIMARY KEY (host, pid)
        ) STRICT;
      `),
  },
  {
    version: 6,
    name: 'project icon, commands, sandboxes and directories',
    // What PATCH /project/:id sets (the icon as the reference's three columns, so one field can
    // change without the others; commands as JSON), the linked worktrees of the project
    // (sandboxes, JSON array in the order they were added), and every checkout of the project
    // the server has opened (GET /project/:id/directories). The projects known so far were
    // opened at their worktree: that is their first directory.
    up: (db) =>
      db.exec(`
        ALTER TABLE project ADD COLUMN icon_url TEXT;
        ALTER TABLE project ADD COLUMN icon_url_override TEXT;
        ALTER TABLE project ADD COLUMN icon_color TEXT;
        ALTER TABLE project ADD COLUMN commands TEXT;
        ALTER TABLE project ADD COLUMN sandboxes TEXT NOT NULL DEFAULT '[]';

        CREATE TABLE project_directory (
          project_id TEXT NOT NULL REFERENCES project (id) ON DELETE CASCADE,
          directory TEXT NOT NULL,
          strategy TEXT,
          time_created INTEGER NOT NULL,
          PRIMARY KEY (project_id, directory)
        ) STRICT;
        INSERT INTO project_directory (project_id, directory, time_created)
          SELECT id, worktree, time_created FROM project WHERE id != 'global' AND vcs = 'git';
      `),
  },
  {
    version: 7,
    name: 'history imported from the original opencode',
    // Every row copied from the original's database (by kind and id) with the original's
    // `time_updated` when it was copied: an unchanged row is not copied again, and a copied row
    // that is no longer here was deleted here, so it is not brought back. `state` holds how far
    // the copy has read (the newest `time_updated` seen).
    up: (db) =>
      db.exec(`
        CREATE TABLE original_import (
          kind TEXT NOT NULL,
          id TEXT NOT NULL,
          time_updated INTEGER NOT NULL,
          PRIMARY KEY (kind, id)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE original_import_state (
          key TEXT PRIMARY KEY,
          value INTEGER NOT NULL
        ) STRICT;
      `),
  },
  {
    version: 8,
    name: 'durable session events and prompt admissions (/api)',
    // Each session is an event aggregate: `seq` counts its events from 0 (session.created), and
    // is taken in the same transaction that stores the event, so a stream resumed `after` a seq
    // misses nothing. `session_input` is one row per admitted prompt (the client may choose its
    // id, so the same id with the same input is the same admission); `promoted_seq` is set when
    // the loop takes it.
    up: (db) =>
      db.exec(`
        CREATE TABLE session_event (
          session_id TEXT NOT NULL REFERENCES session (id) ON DELETE CASCADE,
          seq INTEGER NOT NULL,
          id TEXT NOT NULL,
          type TEXT NOT NULL,
          version INTEGER NOT NULL,
          data TEXT NOT NULL,
          PRIMARY KEY (session_id, seq)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE session_event_seq (
          session_id TEXT PRIMARY KEY REFERENCES session (id) ON DELETE CASCADE,
          seq INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE session_input (
          id TEXT PRIMARY KEY,
          session_id TEXT NOT NULL REFERENCES session (id) ON DELETE CASCADE,
          admitted_seq INTEGER NOT NULL,
          promoted_seq INTEGER,
          delivery TEXT NOT NULL,
          data TEXT NOT NULL
        ) STRICT;
        CREATE INDEX session_input_pending ON session_input (session_id, promoted_seq, admitted_seq);
      `),
  },
  {
    version: 9,
    name: 'v2 credentials and saved permissions',
    // Credentials of `/api/integration` (a key or an OAuth token set in `secret`, JSON), apart
    // from the classic auth.json as in the reference. Saved permissions are what an "always"
    // reply allowed, per project.
    up: (db) =>
      db.exec(`
        CREATE TABLE credential (
          id TEXT PRIMARY KEY,
          integration_id TEXT NOT NULL,
          label TEXT NOT NULL,
          kind TEXT NOT NULL,
          secret TEXT NOT NULL,
          time_created INTEGER NOT NULL,
          time_updated INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX credential_integration ON credential (integration_id, time_created);
        CREATE TABLE permission_saved (
          id TEXT PRIMARY KEY,
          project_id TEXT NOT NULL,
          action TEXT NOT NULL,
          resource TEXT NOT NULL,
          time_created INTEGER NOT NULL,
          UNIQUE (project_id, action, resource)
        ) STRICT;
      `),
  },
  {
    version: 10,
    name: 'idempotency keys',
    // The first response to a request carrying an Idempotency-Key, kept 24 h: `fingerprint`
    // identifies the request (method, route, directory, body), so a reused key with another
    // request is refused.
    up: (db) =>
      db.exec(`
        CREATE TABLE idempotency_key (
          key TEXT PRIMARY KEY,
          fingerprint TEXT NOT NULL,
          status INTEGER NOT NULL,
          response TEXT NOT NULL,
          time_created INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX idempotency_key_created ON idempotency_key (time_created);
      `),
  },
  {
    version: 11,
    name: 'local shares by id',
    // `GET /share/:shareID` (OPENCODE_SHARE_URL=local) finds a share by its public id, on a
    // route anyone holding the link may call: one index lookup, never a scan of every share.
    up: (db) =>
      db.exec(`
        CREATE INDEX session_share_share_id ON session_share (share_id);
      `),
  },
  {
    version: 12,
    name: 'session events by type',
    // An `/api` session's revert state (read for every listed session) and its prompt and step
    // checks look up a few event types of one session: an index lookup each, not a read of the
    // session's whole log (every streamed text and tool event).
    up: (db) =>
      db.exec(`
        CREATE INDEX session_event_type ON session_event (session_id, type);
      `),
  },
];
