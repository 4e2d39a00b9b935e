import { ForbiddenPathError, NamedError, NotFoundError } from '../core/errors/named-error';
import { FileNotFoundError, PathOutsideProjectError } from '../core/fs/errors';
import { FileTooLargeError as EngineFileTooLargeError } from './engine/errors';
import { FileAccessDeniedError, FileTooLargeError, toNamedFileError } from './file.errors';

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('toNamedFileError', () => {
  it('maps the engine errors to their HTTP errors', () => {
    expect(toNamedFileError(new PathOutsideProjectError('../x'), '../x')).toEqual(
      new ForbiddenPathError('../x'),
    );
    const missing = toNamedFileError(new FileNotFoundError('a.txt'), 'a.txt');
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).toJSON()).toEqual({
      name: 'NotFoundError',
      data: { message: 'No such file: a.txt' },
    });
    const big = toNamedFileError(new EngineFileTooLargeError('big.bin', 30, 20), 'big.bin');
    expect(big).toBeInstanceOf(FileTooLargeError);
    expect((big as FileTooLargeError).status).toBe(413);
    expect((big as FileTooLargeError).toJSON()).toEqual({
      name: 'FileTooLargeError',
      data: {
        message: 'File is too large to read (30 bytes, limit 20): big.bin',
        path: 'big.bin',
        size: 30,
        limit: 20,
      },
    });
  });

  it('maps file-system failures a client causes to 404 or 403', () => {
    for (const code of ['ENOENT', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG', 'EISDIR']) {
      expect(toNamedFileError(errno(code), 'p')).toBeInstanceOf(NotFoundError);
    }
    for (const code of ['EACCES', 'EPERM']) {
      const denied = toNamedFileError(errno(code), 'p');
      expect(denied).toBeInstanceOf(FileAccessDeniedError);
      expect((denied as NamedError).status).toBe(403);
    }
  });

  it('leaves anything else alone (a logged 500)', () => {
    const other = errno('EIO');
    expect(toNamedFileError(other, 'p')).toBe(other);
    const named = new NotFoundError('x');
    expect(toNamedFileError(named, 'p')).toBe(named);
  });
});
