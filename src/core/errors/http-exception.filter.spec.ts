import { HttpException, Logger, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { BadRequestError } from './named-error';
import { HttpExceptionFilter } from './http-exception.filter';

describe('HttpExceptionFilter.describe', () => {
  const filter = new HttpExceptionFilter();

  it('keeps a named error as it is', () => {
    expect(filter.describe(new BadRequestError('bad', 'Body', 'title'))).toEqual({
      status: 400,
      body: { name: 'BadRequest', data: { message: 'bad', kind: 'Body', field: 'title' } },
    });
  });

  it('names a bare HttpException (what Nest makes of a Fastify error) after its status', () => {
    expect(filter.describe(new HttpException('Unsupported Media Type', 415))).toEqual({
      status: 415,
      body: { name: 'UnsupportedMediaTypeError', data: { message: 'Unsupported Media Type' } },
    });
  });

  it("keeps the class name of Nest's own exceptions", () => {
    expect(filter.describe(new PayloadTooLargeException()).body).toMatchObject({
      name: 'PayloadTooLargeException',
    });
    expect(filter.describe(new NotFoundException('gone')).body).toEqual({
      name: 'NotFoundError',
      data: { message: 'gone' },
    });
  });

  it('hides anything else behind a 500 UnknownError', () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    expect(filter.describe(new Error('secret detail'))).toEqual({
      status: 500,
      body: { name: 'UnknownError', data: { message: 'Internal server error' } },
    });
  });
});
