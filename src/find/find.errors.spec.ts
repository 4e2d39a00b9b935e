import { BadRequestError, NamedError } from '../core/errors/named-error';
import { InvalidPatternError, SearchClosedError, SearchTimeoutError } from './engine/errors';
import { compilePattern } from './engine/grep';
import { toNamedFindError } from './find.errors';

const named = (error: unknown) => {
  const result = toNamedFindError(error);
  expect(result).toBeInstanceOf(NamedError);
  return result as NamedError;
};

describe('toNamedFindError', () => {
  it('turns a pattern that does not compile into a 400 naming the problem', () => {
    let thrown: unknown;
    try {
      compilePattern('(');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidPatternError);
    const error = named(thrown);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.toJSON()).toEqual({
      name: 'BadRequest',
      data: {
        message: 'pattern is not a valid regular expression: Unterminated group',
        kind: 'Query',
        field: 'pattern',
      },
    });
  });

  it('turns a timeout and a closed search into 503s with their own names', () => {
    const timeout = named(new SearchTimeoutError('x', 250));
    expect([timeout.status, timeout.name, timeout.data]).toEqual([
      503,
      'SearchTimeoutError',
      { message: expect.stringContaining('250 ms'), timeoutMs: 250 },
    ]);
    const closed = named(new SearchClosedError('x'));
    expect([closed.status, closed.name]).toEqual([503, 'SearchCancelledError']);
  });

  it('leaves anything else alone (a logged 500)', () => {
    const other = new Error('boom');
    expect(toNamedFindError(other)).toBe(other);
  });
});
