/**
 * Typed failures of the file engine. Plain classes (no framework base) so the engine stays
 * framework-free; the HTTP layer maps them: PathOutsideProjectError -> 403,
 * FileNotFoundError -> 404, FileTooLargeError -> 413.
 */
export class PathOutsideProjectError extends Error {
  override readonly name = 'PathOutsideProjectError';

  constructor(readonly path: string) {
    super(`Path is outside the project directory: ${path}`);
  }
}

export class FileNotFoundError extends Error {
  override readonly name = 'FileNotFoundError';

  constructor(
    readonly path: string,
    reason = 'No such file',
  ) {
    super(`${reason}: ${path}`);
  }
}

/** Reading the whole file into one JSON response would cost more memory than a request may use. */
export class FileTooLargeError extends Error {
  override readonly name = 'FileTooLargeError';

  constructor(
    readonly path: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`File is too large to read (${size} bytes, limit ${limit}): ${path}`);
  }
}
