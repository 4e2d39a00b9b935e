import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../storage/database.service';
import type { DetectedProject } from './project-detector';

export interface ProjectRecord {
  id: string;
  worktree: string;
  vcs?: 'git';
  name?: string;
  time: { created: number; updated: number; initialized?: number };
}

interface ProjectRow {
  id: string;
  worktree: string;
  vcs: string | null;
  name: string | null;
  time_created: number;
  time_updated: number;
  time_initialized: number | null;
}

/** The projects the server has seen, remembered across restarts. */
@Injectable()
export class ProjectRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Records that `project` was opened now; creates it the first time. */
  touch(project: DetectedProject, now = Date.now()): ProjectRecord {
    this.db.connection
      .prepare(
        `INSERT INTO project (id, worktree, vcs, time_created, time_updated)
         VALUES (@id, @worktree, @vcs, @now, @now)
         ON CONFLICT(id) DO UPDATE SET worktree = excluded.worktree, vcs = excluded.vcs,
           time_updated = excluded.time_updated`,
      )
      .run({ id: project.id, worktree: project.worktree, vcs: project.vcs ?? null, now });
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

  markInitialized(id: string, now = Date.now()): void {
    this.db.connection.prepare('UPDATE project SET time_initialized = ? WHERE id = ?').run(now, id);
  }
}

function toRecord(row: ProjectRow): ProjectRecord {
  return {
    id: row.id,
    worktree: row.worktree,
    ...(row.vcs === 'git' && { vcs: 'git' as const }),
    ...(row.name !== null && { name: row.name }),
    time: {
      created: row.time_created,
      updated: row.time_updated,
      ...(row.time_initialized !== null && { initialized: row.time_initialized }),
    },
  };
}
