/**
 * Reading the whole file into one JSON response would cost more memory than a request may use.
 * A plain class like the jail's errors (`core/fs/errors`), so the engine stays framework-free;
 * the HTTP layer maps it to 413.
 */
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
