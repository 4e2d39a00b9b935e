import { NamedError, NotFoundError } from '../core/errors/named-error';

// This server runs every session in its own project directory: it has no workspaces (cloud or
// worktree sandboxes), no Console connection, no project copies. Routes that would change them
// answer these errors. 400, the status the reference documents for each of them (its SDK types
// the error bodies under 400), with the reference's error names where it has one; a 5xx would
// tell clients the server is broken, a 404 that the route is missing.

const NO_WORKSPACES = 'this server runs sessions in their project directory and has no workspaces';

/** `POST /experimental/workspace`: no adapter of that type (this server has none). */
export class WorkspaceCreateError extends NamedError {
  constructor(type: string) {
    super('WorkspaceCreateError', 400, {
      message: `Unknown workspace adapter: ${type} (${NO_WORKSPACES})`,
    });
  }
}

export class WorkspaceNotFoundError extends NotFoundError {
  constructor(id: string) {
    super(`Workspace not found: ${id} (${NO_WORKSPACES})`);
  }
}

/** `POST /experimental/workspace/warp` back to the project directory: nothing to warp from. */
export class WorkspaceWarpError extends NamedError {
  constructor(sessionID: string) {
    super('WorkspaceWarpError', 400, {
      message: `Session ${sessionID} is in no workspace: ${NO_WORKSPACES}`,
    });
  }
}

/** `POST /experimental/workspace/sync-list`: no workspace list to sync. */
export class WorkspaceSyncError extends NamedError {
  constructor() {
    super('WorkspaceSyncError', 400, { message: `Nothing to sync: ${NO_WORKSPACES}` });
  }
}

/** `POST /experimental/control-plane/move-session`. */
export class MoveSessionError extends NamedError {
  constructor(sessionID: string) {
    super('MoveSessionError', 400, {
      message: `Session ${sessionID} cannot be moved: this server has no control plane to move sessions between directories`,
    });
  }
}

/** The project copy routes (`/experimental/project/:projectID/copy...`). */
export class ProjectCopyError extends NamedError<{ message: string; forceRequired?: boolean }> {
  constructor(message: string) {
    super('ProjectCopyError', 400, {
      message: `${message} (this server does not copy projects)`,
    });
  }
}

/** `POST /experimental/console/switch`: no Console account is logged in here. */
export class ConsoleOrgError extends NamedError {
  constructor(accountID: string, orgID: string) {
    super('ConsoleOrgError', 400, {
      message: `Cannot switch to org ${orgID} of account ${accountID}: no Console account is connected to this server`,
    });
  }
}
