import { TaggedError } from '../core/errors/tagged-error';

/** 404 of `PATCH /project/:projectID` (and its directories), in the shape the reference answers. */
export class ProjectNotFoundError extends TaggedError<{ projectID: string }> {
  constructor(projectID: string) {
    super('ProjectNotFoundError', 404, `Project not found: ${projectID}`, { projectID });
  }
}
