import { NamedError } from '../core/errors/named-error';

/** The reference's `WorktreeError` family: a 400 `{ name, data: { message } }`. */
class WorktreeError extends NamedError {
  constructor(name: string, message: string) {
    super(name, 400, { message });
  }
}

export class WorktreeNotGitError extends WorktreeError {
  constructor() {
    super('WorktreeNotGitError', 'Worktrees are only supported for git projects');
  }
}

export class WorktreeNameGenerationFailedError extends WorktreeError {
  constructor() {
    super('WorktreeNameGenerationFailedError', 'Failed to generate a unique worktree name');
  }
}

export class WorktreeCreateFailedError extends WorktreeError {
  constructor(message: string) {
    super('WorktreeCreateFailedError', message);
  }
}

export class WorktreeRemoveFailedError extends WorktreeError {
  constructor(message: string) {
    super('WorktreeRemoveFailedError', message);
  }
}

export class WorktreeResetFailedError extends WorktreeError {
  constructor(message: string) {
    super('WorktreeResetFailedError', message);
  }
}

/**
 * No worktree of the project's repository is at that directory. Deliberate difference: the
 * reference answers `true` to a remove (deleting the directory if it exists, worktree or not) and
 * a 400 to a reset.
 */
export class WorktreeNotFoundError extends NamedError<{ message: string; directory: string }> {
  constructor(directory: string) {
    super('NotFoundError', 404, { message: `Worktree not found: ${directory}`, directory });
  }
}
