import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { DatabaseService } from '../core/storage/database.service';

/** A pattern the user approved "always" for a project (`PermissionSavedInfo` of the v2 API). */
export interface SavedPermission {
  id: string;
  projectID: string;
  /** The permission key (`bash`, `edit`, ...). */
  action: string;
  /** The approved pattern (`ls *`). */
  resource: string;
}

/**
 * The "always" approvals, per project, kept across restarts. Services depend on this abstract
 * class only.
 */
export abstract class SavedPermissionRepository {
  /** Every saved permission, or those of one project; oldest first. */
  abstract list(projectID?: string): SavedPermission[];
  /** Saves each resource not saved yet for the project and action; returns those it added. */
  abstract add(
    projectID: string,
    action: string,
    resources: readonly string[],
    newID: () => string,
  ): SavedPermission[];
  /** False when there was no such id. */
  abstract remove(id: string): boolean;
}

interface SavedPermissionRow {
  id: string;
  project_id: string;
  action: string;
  resource: string;
}

@Injectable()
export class SqliteSavedPermissionRepository extends SavedPermissionRepository {
  private readonly statements: {
    all: Statement<[], SavedPermissionRow>;
    ofProject: Statement<[string], SavedPermissionRow>;
    insert: Statement<[string, string, string, string, number]>;
    remove: Statement<[string]>;
  };
  private readonly addAll: (
    projectID: string,
    action: string,
    resources: readonly string[],
    newID: () => string,
  ) => SavedPermission[];

  constructor(db: DatabaseService) {
    super();
    const sql = db.connection;
    this.statements = {
      all: sql.prepare('SELECT * FROM permission_saved ORDER BY time_created, id'),
      ofProject: sql.prepare(
        'SELECT * FROM permission_saved WHERE project_id = ? ORDER BY time_created, id',
      ),
      // The unique (project, action, resource) key makes saving the same pattern twice a no-op.
      insert: sql.prepare(
        `INSERT INTO permission_saved (id, project_id, action, resource, time_created)
           VALUES (?, ?, ?, ?, ?) ON CONFLICT (project_id, action, resource) DO NOTHING`,
      ),
      remove: sql.prepare('DELETE FROM permission_saved WHERE id = ?'),
    };
    // One transaction: an "always" for several patterns is saved whole or not at all.
    this.addAll = sql.transaction(
      (projectID: string, action: string, resources: readonly string[], newID: () => string) => {
        const added: SavedPermission[] = [];
        const now = Date.now();
        for (const resource of new Set(resources)) {
          const id = newID();
          if (this.statements.insert.run(id, projectID, action, resource, now).changes > 0) {
            added.push({ id, projectID, action, resource });
          }
        }
        return added;
      },
    );
  }

  list(projectID?: string): SavedPermission[] {
    const rows =
      projectID === undefined
        ? this.statements.all.all()
        : this.statements.ofProject.all(projectID);
    return rows.map((row) => ({
      id: row.id,
      projectID: row.project_id,
      action: row.action,
      resource: row.resource,
    }));
  }

  add(
    projectID: string,
    action: string,
    resources: readonly string[],
    newID: () => string,
  ): SavedPermission[] {
    return this.addAll(projectID, action, resources, newID);
  }

  remove(id: string): boolean {
    return this.statements.remove.run(id).changes > 0;
  }
}
