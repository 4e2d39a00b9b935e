import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../storage/database.service';
import { GLOBAL_PROJECT_ID, type DetectedProject } from './project-detector';

export interface ProjectIcon {
  url?: string;
  override?: string;
  color?: string;
}

export interface ProjectCommands {
  /** Run in each new worktree of the project once it is checked out. */
  start?: string;
}

export interface ProjectRecord {
  id: string;
  worktree: string;
  vcs?: 'git';
  name?: string;
  icon?: ProjectIcon;
  commands?: ProjectCommands;
  time: { created: number; updated: number; initialized?: number };
  /** Linked worktrees of the project, in the order they were added. */
  sandboxes: string[];
}

/** What `PATCH /project/:id` may change; an absent field (or icon field) is left as it is. */
export interface ProjectChanges {
  name?: string;
  icon?: ProjectIcon;
  commands?: ProjectCommands;
}

export interface ProjectDirectory {
  directory: string;
  strategy?: string;
}

interface ProjectRow {
  id: string;
  worktree: string;
  vcs: string | null;
  name: string | null;
  icon_url: string | null;
  icon_url_override: string | null;
  icon_color: string | null;
  commands: string | null;
  sandboxes: string;
  time_created: number;
  time_updated: number;
  time_initialized: number | null;
}

/** The projects the server has seen, remembered across restarts. */
@Injectable()
export class ProjectRepository {
  constructor(private readonly db: DatabaseService) {}

  /**
   * Records that `project` was opened now; creates it the first time. A git project also
   * remembers the checkout it was opened in (its directories), and a linked worktree is one of
   * its sandboxes: the project's worktree stays the repository's main one.
   */
  touch(project: DetectedProject, now = Date.now()): ProjectRecord {
    const opened = this.db.connection.transaction(() => {
      this.db.connection
        .prepare(
          `INSERT INTO project (id, worktree, vcs, time_created, time_updated)
           VALUES (@id, @worktree, @vcs, @now, @now)
           ON CONFLICT(id) DO UPDATE SET worktree = excluded.worktree, vcs = excluded.vcs,
             time_updated = excluded.time_updated`,
        )
        .run({
          id: project.id,
          worktree: project.mainWorktree ?? project.worktree,
          vcs: project.vcs ?? null,
          now,
        });
      if (project.id === GLOBAL_PROJECT_ID || project.vcs !== 'git') return;
      this.addDirectory(project.id, project.worktree, now);
      if (project.mainWorktree) this.addSandbox(project.id, project.worktree, now);
    });
    opened();
    return this.get(project.id)!;
  }

  get(id: string): ProjectRecord | undefined {
    const row = this.db.connection.prepare('SELECT * FROM project WHERE id = ?').get(id) as
      ProjectRow | undefined;
    return row && toRecord(row);
  }

  list(): ProjectRecord[] {
    const rows = this.db.connection
      .prepare('SELECT * FROM project ORDER BY time_updated DESC')
      .all() as ProjectRow[];
    return rows.map(toRecord);
  }

  /**
   * Takes in a project known from elsewhere (the original opencode's database): stored as it is
   * when new; otherwise only what this server has not set (name, icon, commands, the time of
   * the init) is filled in, and its sandboxes are added to ours.
   */
  adopt(project: ProjectRecord): void {
    const existing = this.get(project.id);
    const sandboxes = [
      ...(existing?.sandboxes ?? []),
      ...project.sandboxes.filter((s) => !existing?.sandboxes.includes(s)),
    ];
    this.db.connection
      .prepare(
        `INSERT INTO project (id, worktree, vcs, name, icon_url, icon_url_override, icon_color,
           commands, sandboxes, time_created, time_updated, time_initialized)
         VALUES (@id, @worktree, @vcs, @name, @url, @override, @color, @commands, @sandboxes,
           @created, @updated, @initialized)
         ON CONFLICT (id) DO UPDATE SET
           name = coalesce(name, excluded.name),
           icon_url = coalesce(icon_url, excluded.icon_url),
           icon_url_override = coalesce(icon_url_override, excluded.icon_url_override),
           icon_color = coalesce(icon_color, excluded.icon_color),
           commands = coalesce(commands, excluded.commands),
           sandboxes = excluded.sandboxes,
           time_initialized = coalesce(time_initialized, excluded.time_initialized)`,
      )
      .run({
        id: project.id,
        worktree: project.worktree,
        vcs: project.vcs ?? null,
        name: project.name ?? null,
        url: project.icon?.url ?? null,
        override: project.icon?.override ?? null,
        color: project.icon?.color ?? null,
        commands: project.commands ? JSON.stringify(project.commands) : null,
        sandboxes: JSON.stringify(sandboxes),
        created: project.time.created,
        updated: project.time.updated,
        initialized: project.time.initialized ?? null,
      });
  }

  markInitialized(id: string, now = Date.now()): void {
    this.db.connection.prepare('UPDATE project SET time_initialized = ? WHERE id = ?').run(now, id);
  }

  /** Applies `changes`; undefined when there is no such project. */
  update(id: string, changes: ProjectChanges, now = Date.now()): ProjectRecord | undefined {
    const result = this.db.connection
      .prepare(
        `UPDATE project SET
           name = coalesce(@name, name),
           icon_url = coalesce(@url, icon_url),
           icon_url_override = coalesce(@override, icon_url_override),
           icon_color = coalesce(@color, icon_color),
           commands = coalesce(@commands, commands),
           time_updated = @now
         WHERE id = @id`,
      )
      .run({
        id,
        now,
        name: changes.name ?? null,
        url: changes.icon?.url ?? null,
        override: changes.icon?.override ?? null,
        color: changes.icon?.color ?? null,
        commands: changes.commands ? JSON.stringify(changes.commands) : null,
      });
    return result.changes > 0 ? this.get(id) : undefined;
  }

  /**
   * Adds a linked worktree to the project's sandboxes (once); undefined when there is no such
   * project. `changed` says whether it was not there yet.
   */
  addSandbox(
    id: string,
    directory: string,
    now = Date.now(),
  ): { project: ProjectRecord; changed: boolean } | undefined {
    return this.editSandboxes(id, now, (sandboxes) =>
      sandboxes.includes(directory) ? sandboxes : [...sandboxes, directory],
    );
  }

  removeSandbox(
    id: string,
    directory: string,
    now = Date.now(),
  ): { project: ProjectRecord; changed: boolean } | undefined {
    return this.editSandboxes(id, now, (sandboxes) => sandboxes.filter((s) => s !== directory));
  }

  /** The checkouts of the project the server has opened, most recent first. */
  directories(id: string): ProjectDirectory[] {
    const rows = this.db.connection
      .prepare(
        `SELECT directory, strategy FROM project_directory WHERE project_id = ?
         ORDER BY time_created DESC, directory`,
      )
      .all(id) as Array<{ directory: string; strategy: string | null }>;
    return rows.map((row) => ({
      directory: row.directory,
      ...(row.strategy !== null && { strategy: row.strategy }),
    }));
  }

  addDirectory(id: string, directory: string, now = Date.now()): void {
    this.db.connection
      .prepare(
        `INSERT INTO project_directory (project_id, directory, time_created) VALUES (?, ?, ?)
         ON CONFLICT DO NOTHING`,
      )
      .run(id, directory, now);
  }

  removeDirectory(id: string, directory: string): void {
    this.db.connection
      .prepare('DELETE FROM project_directory WHERE project_id = ? AND directory = ?')
      .run(id, directory);
  }

  private editSandboxes(
    id: string,
    now: number,
    edit: (sandboxes: string[]) => string[],
  ): { project: ProjectRecord; changed: boolean } | undefined {
    const run = this.db.connection.transaction(() => {
      const before = this.get(id);
      if (!before) return undefined;
      const sandboxes = edit(before.sandboxes);
      if (sandboxes.length === before.sandboxes.length) return { project: before, changed: false };
      this.db.connection
        .prepare('UPDATE project SET sandboxes = ?, time_updated = ? WHERE id = ?')
        .run(JSON.stringify(sandboxes), now, id);
      return { project: this.get(id)!, changed: true };
    });
    return run();
  }
}

function toRecord(row: ProjectRow): ProjectRecord {
  const icon: ProjectIcon = {
    ...(row.icon_url !== null && { url: row.icon_url }),
    ...(row.icon_url_override !== null && { override: row.icon_url_override }),
    ...(row.icon_color !== null && { color: row.icon_color }),
  };
  return {
    id: row.id,
    worktree: row.worktree,
    ...(row.vcs === 'git' && { vcs: 'git' as const }),
    ...(row.name !== null && { name: row.name }),
    ...(Object.keys(icon).length > 0 && { icon }),
    ...(row.commands !== null && { commands: JSON.parse(row.commands) as ProjectCommands }),
    time: {
      created: row.time_created,
      updated: row.time_updated,
      ...(row.time_initialized !== null && { initialized: row.time_initialized }),
    },
    sandboxes: JSON.parse(row.sandboxes) as string[],
  };
}
