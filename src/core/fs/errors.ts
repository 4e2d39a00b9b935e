/**
 * Failures of the file-system layer and the engines over it. Plain classes (no framework base)
 * so the layer stays framework-free; the HTTP side maps them (`toNamedFileError`):
 * PathOutsideProjectError -> 403, FileNotFoundError -> 404.
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
