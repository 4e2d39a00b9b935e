import { Logger, NotFoundException } from '@nestjs/common';
import {
  BadRequestError,
  ForbiddenPathError,
  NamedError,
  NotFoundError,
} from '../../errors/named-error';
import { TaggedError } from '../../errors/tagged-error';
import { V2ExceptionFilter } from './v2-exception.filter';

describe('V2ExceptionFilter.describe', () => {
  const filter = new V2ExceptionFilter();

  it('answers tagged errors as they are', () => {
    const error = new TaggedError('ProviderNotFoundError', 404, 'Provider not found: x', {
      providerID: 'x',
    });
    expect(filter.describe(error)).toEqual({
      status: 404,
      body: { _tag: 'ProviderNotFoundError', providerID: 'x', message: 'Provider not found: x' },
    });
  });

  it('turns a classic bad request into InvalidRequestError with its kind and field', () => {
    expect(
      filter.describe(new BadRequestError('limit must be a number', 'Query', 'limit')),
    ).toEqual({
      status: 400,
      body: {
        _tag: 'InvalidRequestError',
        message: 'limit must be a number',
        kind: 'Query',
        field: 'limit',
      },
    });
  });

  it('turns a jail refusal into the v2 ForbiddenError, the path in the message only', () => {
    const { status, body } = filter.describe(new ForbiddenPathError('../x'));
    expect(status).toBe(403);
    expect(body).toEqual({ _tag: 'ForbiddenError', message: expect.stringContaining('../x') });
  });

  it('keeps other named errors under their name, with their fields', () => {
    expect(filter.describe(new NotFoundError('File not found: a'))).toEqual({
      status: 404,
      body: { _tag: 'NotFoundError', message: 'File not found: a' },
    });
    const custom = new NamedError('FileTooLargeError', 413, { message: 'too large', size: 9 });
    expect(filter.describe(custom)).toEqual({
      status: 413,
      body: { _tag: 'FileTooLargeError', message: 'too large', size: 9 },
    });
    expect(filter.describe(new NotFoundException('Cannot GET /api/x')).status).toBe(404);
  });

  it('hides unexpected errors behind a 500 UnknownError', () => {
    const spy = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const { status, body } = filter.describe(new Error('secret detail'));
      expect(status).toBe(500);
      expect(body._tag).toBe('UnknownError');
      expect(JSON.stringify(body)).not.toContain('secret detail');
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});
