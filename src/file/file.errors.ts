import { ForbiddenPathError, NamedError, NotFoundError } from '../core/errors/named-error';
import { FileNotFoundError, PathOutsideProjectError } from '../core/fs/errors';
import { FileTooLargeError as EngineFileTooLargeError } from './engine/errors';

/** A file too large to send in one JSON response (`GET /file/content`). */
export class FileTooLargeError extends NamedError<{
  message: string;
  path: string;
  size: number;
  limit: number;
}> {
  constructor(path: string, size: number, limit: number) {
    super('FileTooLargeError', 413, {
      message: `File is too large to read (${size} bytes, limit ${limit}): ${path}`,
      path,
      size,
      limit,
    });
  }
}

/** The server process may not read a path inside the project (file permissions). */
export class FileAccessDeniedError extends NamedError<{ message: string; path: string }> {
  constructor(path: string) {
    super('FileAccessDeniedError', 403, { message: `Permission denied: ${path}`, path });
  }
}

// File-system failures that mean "there is no such file to give you" for a user-named path.
const NOT_FOUND_CODES = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG', 'EISDIR']);
const DENIED_CODES = new Set(['EACCES', 'EPERM']);

/**
 * The named HTTP error for a failure of the file engine, or the error itself when it is not a
 * client's fault (it then becomes a logged 500). `path` is what the request named.
 */
export function toNamedFileError(error: unknown, path: string): unknown {
  if (error instanceof NamedError) return error;
  if (error instanceof PathOutsideProjectError) return new ForbiddenPathError(error.path);
  if (error instanceof FileNotFoundError) return new NotFoundError(error.message);
  if (error instanceof EngineFileTooLargeError) {
    return new FileTooLargeError(error.path, error.size, error.limit);
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && NOT_FOUND_CODES.has(code)) return new NotFoundError(`No such file: ${path}`);
  if (code && DENIED_CODES.has(code)) return new FileAccessDeniedError(path);
  return error;
}
