import { DEFAULT_TIMEOUT_MS } from './engine/text-search';
import { findOptionsFrom } from './find.options';

describe('findOptionsFrom', () => {
  it('reads OPENCODE_FIND_TIMEOUT_MS, a positive integer', () => {
    expect(findOptionsFrom({ OPENCODE_FIND_TIMEOUT_MS: '250' })).toEqual({ textTimeoutMs: 250 });
    expect(findOptionsFrom({ OPENCODE_FIND_TIMEOUT_MS: ' 90 ' })).toEqual({ textTimeoutMs: 90 });
  });

  it.each([undefined, '', '0', '-5', '1.5', 'soon', '99999999999999999999'])(
    'keeps the default for %j',
    (value) => {
      expect(findOptionsFrom({ OPENCODE_FIND_TIMEOUT_MS: value })).toEqual({
        textTimeoutMs: DEFAULT_TIMEOUT_MS,
      });
    },
  );
});
