import { requestOrigin } from './request-origin';

describe('requestOrigin', () => {
  it.each([
    [{ host: '127.0.0.1:4096' }, 'http://127.0.0.1:4096'],
    [{ host: 'Opencode.Example' }, 'http://opencode.example'],
    [{ host: '[::1]:4096' }, 'http://[::1]:4096'],
    [{ host: 'a:1', 'x-forwarded-host': 'share.example' }, 'http://share.example'],
    [
      {
        host: 'a:1',
        'x-forwarded-host': 'share.example, proxy.internal',
        'x-forwarded-proto': 'https',
      },
      'https://share.example',
    ],
    [{ host: 'a:1', 'x-forwarded-proto': 'gopher' }, 'http://a:1'],
  ])('reads %j as %s', (headers, origin) => {
    expect(requestOrigin(headers)).toBe(origin);
  });

  it.each([
    [{}],
    [{ host: '' }],
    [{ host: 'evil.example/path' }],
    [{ host: 'user@evil.example' }],
    [{ host: 'a b' }],
    [{ host: 'a:1', 'x-forwarded-host': '"><script>' }],
    [{ host: 'a:99999999' }],
  ])('refuses %j (the caller uses the listening address)', (headers) => {
    expect(requestOrigin(headers)).toBeUndefined();
  });
});
