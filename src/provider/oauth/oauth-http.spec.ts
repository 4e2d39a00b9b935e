import { OAuthHttp, refusal } from './oauth-http';

describe('OAuthHttp.url', () => {
  const http = new OAuthHttp({
    'github.com': 'http://127.0.0.1:5000/gh/',
    'auth.x.ai': 'http://127.0.0.1:6000',
  });

  it('sends an overridden host to its base URL, keeping path, query and fragment', () => {
    expect(http.url('https://github.com/login/device/code?a=1#f')).toBe(
      'http://127.0.0.1:5000/gh/login/device/code?a=1#f',
    );
    expect(http.url('https://auth.x.ai/oauth2/token')).toBe('http://127.0.0.1:6000/oauth2/token');
  });

  it('leaves other hosts alone, including subdomains of an overridden one', () => {
    expect(http.url('https://api.github.com/user')).toBe('https://api.github.com/user');
    expect(http.url('https://gitlab.com/oauth/token')).toBe('https://gitlab.com/oauth/token');
  });
});

describe('refusal', () => {
  it('names the OAuth error fields, bounded, or the status when there are none', () => {
    const body = { error: 'invalid_grant', error_description: 'x'.repeat(500), access_token: 't' };
    const reason = refusal({ status: 400, ok: false, body });
    expect(reason.startsWith('invalid_grant: xxx')).toBe(true);
    expect(reason.length).toBe(200);
    expect(reason).not.toContain('access_token');
    expect(refusal({ status: 502, ok: false, body: undefined })).toBe('HTTP 502');
  });
});
