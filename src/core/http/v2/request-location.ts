import type { Instance } from '../../instance/instance';
import type { LocationInfoDto } from './location.dto';

/**
 * The location a `/api` request works in: the instance of its directory (shared with the classic
 * routes: same config, file index, watchers) and the workspace it named, if any.
 */
export class RequestLocation {
  constructor(
    readonly instance: Instance,
    readonly workspaceID?: string,
  ) {}

  get info(): LocationInfoDto {
    return {
      directory: this.instance.directory,
      ...(this.workspaceID !== undefined && { workspaceID: this.workspaceID }),
      project: { id: this.instance.projectID, directory: this.instance.worktree },
    };
  }
}

/** The envelope of location-scoped answers: `{ location, data }`. */
export interface Located<T> {
  location: LocationInfoDto;
  data: T;
}

/** Wraps what a service answered for `location` in the `{ location, data }` envelope. */
export async function located<T>(location: RequestLocation, data: Promise<T>): Promise<Located<T>> {
  return { location: location.info, data: await data };
}
