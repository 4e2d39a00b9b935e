import type { FastifyError } from 'fastify';
import { describeFrameworkError, describeParserError } from './client-error';

describe('describeParserError', () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', undefined, 431, 'HeadersTooLargeError'],
    ['ERR_HTTP_REQUEST_TIMEOUT', undefined, 408, 'RequestTimeoutError'],
    ['HPE_INVALID_METHOD', 'Invalid method encountered', 400, 'BadRequest'],
  ])('answers %s with a %s', (code, reason, status, name) => {
    const error = Object.assign(new Error('parse error'), { code, reason });
    const named = describeParserError(error);
    expect(named.status).toBe(status);
    expect(named.toJSON()).toEqual({ name, data: { message: expect.any(String) } });
  });

  it("says what the parser found wrong, in llhttp's own words", () => {
    const error = Object.assign(new Error('x'), { code: 'HPE_INVALID_METHOD', reason: 'Bad' });
    expect(describeParserError(error).data.message).toBe('Malformed HTTP request: Bad');
  });
});

describe('describeFrameworkError', () => {
  const fastifyError = (code: string) => Object.assign(new Error(code), { code }) as FastifyError;

  it.each(['FST_ERR_BAD_URL', 'FST_ERR_MAX_PARAM_LENGTH'])(
    'answers %s with a BadRequest about the path that does not echo it',
    (code) => {
      const named = describeFrameworkError(fastifyError(code));
      expect(named.status).toBe(400);
      expect(named.toJSON()).toMatchObject({ name: 'BadRequest', data: { kind: 'Params' } });
    },
  );

  it('answers anything else as a 500 without details', () => {
    expect(describeFrameworkError(fastifyError('FST_ERR_ASYNC_CONSTRAINT')).toJSON()).toEqual({
      name: 'UnknownError',
      data: { message: 'Internal server error' },
    });
  });
});
