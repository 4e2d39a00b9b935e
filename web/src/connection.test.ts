import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectionFromLocation, createClient, eventStreamUrl, ptySocketUrl } from './connection';

const token = btoa('opencode:secret');

describe('connection', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('takes the origin, never the credentials a page URL may carry, and the query options', () => {
    const connection = connectionFromLocation({
      origin: 'http://127.0.0.1:4096',
      search: `?auth_token=${encodeURIComponent(token)}&directory=%2Fhome%2Fme%2Fp`,
    });
    expect(connection).toEqual({
      origin: 'http://127.0.0.1:4096',
      authToken: token,
      directory: '/home/me/p',
    });
    expect(connectionFromLocation({ origin: 'http://h:1', search: '' })).toEqual({
      origin: 'http://h:1',
      authToken: undefined,
      directory: undefined,
    });
  });

  it('puts the token and directory on the event stream URL, which cannot send headers', () => {
    expect(eventStreamUrl({ origin: 'http://h:1' })).toBe('http://h:1/event');
    expect(eventStreamUrl({ origin: 'http://h:1', authToken: token, directory: '/p' })).toBe(
      `http://h:1/event?directory=%2Fp&auth_token=${encodeURIComponent(token)}`,
    );
  });

  it('connects a PTY by ticket when it has one, else by token, resuming from a cursor', () => {
    const connection = { origin: 'https://h:2', authToken: token };
    expect(ptySocketUrl(connection, 'pty_1', { ticket: 't-1', cursor: 42 })).toBe(
      'wss://h:2/pty/pty_1/connect?ticket=t-1&cursor=42',
    );
    expect(ptySocketUrl(connection, 'pty_1')).toBe(
      `wss://h:2/pty/pty_1/connect?auth_token=${encodeURIComponent(token)}`,
    );
    expect(ptySocketUrl({ origin: 'http://h:1' }, 'pty_1')).toBe('ws://h:1/pty/pty_1/connect');
  });

  it('calls the API at the origin with the token as basic auth, not in the URL', async () => {
    const requests: Request[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn((request: Request) => {
        requests.push(request);
        return Promise.resolve(
          new Response('[]', { status: 200, headers: { 'content-type': 'application/json' } }),
        );
      }),
    );
    const client = createClient({
      origin: 'http://127.0.0.1:4096',
      authToken: token,
      directory: '/p',
    });
    const { data } = await client.session.list();
    expect(data).toEqual([]);
    expect(requests).toHaveLength(1);
    const url = new URL(requests[0]!.url);
    expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:4096/session');
    expect(url.searchParams.get('directory')).toBe('/p');
    expect(url.searchParams.has('auth_token')).toBe(false);
    expect(requests[0]!.headers.get('authorization')).toBe(`Basic ${token}`);
  });

  it('throws the server’s message when a call fails', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(
          new Response(
            JSON.stringify({ name: 'NotFoundError', data: { message: 'Session not found' } }),
            {
              status: 404,
              headers: { 'content-type': 'application/json' },
            },
          ),
        ),
      ),
    );
    const client = createClient({ origin: 'http://127.0.0.1:4096' });
    await expect(client.session.get({ sessionID: 'ses_x' })).rejects.toThrow('Session not found');
  });
});
