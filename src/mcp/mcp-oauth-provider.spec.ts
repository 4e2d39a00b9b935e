import { Logger } from '@nestjs/common';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/support/fixtures';
import { AppEnvironment } from '../core/config/app-environment';
import { McpAuthStore } from './mcp-auth.store';
import { McpOAuthProvider, mcpRedirectUrl } from './mcp-oauth-provider';

const URL_A = 'https://mcp.example.com/mcp';

describe('McpOAuthProvider and McpAuthStore', () => {
  let home: string;
  let store: McpAuthStore;
  const file = () => join(home, '.local/share/opencode/mcp-auth.json');
  const provider = (extra: Partial<ConstructorParameters<typeof McpOAuthProvider>[0]> = {}) =>
    new McpOAuthProvider({ name: 'srv', serverUrl: URL_A, config: undefined, store, ...extra });

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    home = tempDir('mcp-auth-');
    store = new McpAuthStore(new AppEnvironment({ HOME: home }, home));
  });

  it('redirects to the local listener on 19876, the configured port, or the configured URI', () => {
    expect(mcpRedirectUrl(undefined)).toBe('http://127.0.0.1:19876/mcp/oauth/callback');
    expect(mcpRedirectUrl({ callbackPort: 4321 })).toBe('http://127.0.0.1:4321/mcp/oauth/callback');
    expect(mcpRedirectUrl({ callbackPort: 4321, redirectUri: 'https://a.example/cb' })).toBe(
      'https://a.example/cb',
    );
    expect(provider({ config: { clientSecret: 's', scope: 'read' } }).clientMetadata).toEqual({
      redirect_uris: ['http://127.0.0.1:19876/mcp/oauth/callback'],
      client_name: 'OpenCode',
      client_uri: 'https://opencode.ai',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'read',
    });
  });

  it('stores registration and tokens in the reference layout, owner-only, for that URL only', async () => {
    await provider().saveClientInformation({ client_id: 'c1', issuer: 'https://as.example' });
    await provider().saveTokens({
      access_token: 'a1',
      refresh_token: 'r1',
      token_type: 'Bearer',
      expires_in: 60,
      issuer: 'https://as.example',
    });
    const entry = JSON.parse(readFileSync(file(), 'utf8')).srv;
    expect(entry).toEqual({
      serverUrl: URL_A,
      clientInfo: { clientId: 'c1', issuer: 'https://as.example' },
      tokens: {
        accessToken: 'a1',
        refreshToken: 'r1',
        expiresAt: expect.any(Number),
        issuer: 'https://as.example',
      },
    });
    expect(statSync(file()).mode & 0o777).toBe(0o600);
    await expect(provider().tokens()).resolves.toMatchObject({
      access_token: 'a1',
      refresh_token: 'r1',
      expires_in: expect.any(Number),
    });
    // Another URL under the same name starts over.
    const moved = provider({ serverUrl: 'https://other.example/mcp' });
    await expect(moved.tokens()).resolves.toBeUndefined();
    await expect(moved.clientInformation()).resolves.toBeUndefined();
  });

  it('keeps the refresh token when a refresh answer carries none', async () => {
    await provider().saveTokens({ access_token: 'a1', refresh_token: 'r1', token_type: 'Bearer' });
    await provider().saveTokens({ access_token: 'a2', token_type: 'Bearer' });
    await expect(provider().tokens()).resolves.toMatchObject({
      access_token: 'a2',
      refresh_token: 'r1',
    });
  });

  it('prefers a configured client id, which it never stores, and drops an expired secret', async () => {
    const configured = provider({ config: { clientId: 'mine', clientSecret: 'shh' } });
    await expect(configured.clientInformation()).resolves.toEqual({
      client_id: 'mine',
      client_secret: 'shh',
    });
    await configured.saveClientInformation({ client_id: 'mine', issuer: 'x' });
    await expect(store.get('srv')).resolves.toBeUndefined();

    await provider().saveClientInformation({
      client_id: 'old',
      client_secret: 'expired',
      client_secret_expires_at: Math.floor(Date.now() / 1000) - 10,
      redirect_uris: [],
    });
    await expect(provider().clientInformation()).resolves.toBeUndefined();
  });

  it('stores the verifier of a login, keeps a connection attempt’s in memory', async () => {
    const login = provider({ flow: { state: 's1', onRedirect: () => undefined } });
    await login.saveCodeVerifier('v-login');
    expect(login.state()).toBe('s1');
    await expect(login.codeVerifier()).resolves.toBe('v-login');
    expect((await store.get('srv'))?.codeVerifier).toBe('v-login');

    const attempt = provider();
    await attempt.saveCodeVerifier('v-attempt');
    await expect(attempt.codeVerifier()).resolves.toBe('v-attempt');
    expect((await store.get('srv'))?.codeVerifier).toBe('v-login');
    expect(attempt.state()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ends a login only when it is still the current one', async () => {
    await store.update('srv', (entry) => {
      entry.oauthState = 'newer';
      entry.codeVerifier = 'v';
    });
    await store.endLogin('srv', 'older');
    expect(await store.get('srv')).toMatchObject({ oauthState: 'newer', codeVerifier: 'v' });
    await store.endLogin('srv', 'newer');
    expect(await store.get('srv')).toEqual({});
  });

  it('invalidates what the SDK says is no longer valid', async () => {
    await provider().saveClientInformation({ client_id: 'c1' });
    await provider().saveTokens({ access_token: 'a1', token_type: 'Bearer' });
    await provider().invalidateCredentials('tokens');
    expect(await store.get('srv')).toEqual({ serverUrl: URL_A, clientInfo: { clientId: 'c1' } });
    await provider().invalidateCredentials('all');
    expect(await store.get('srv')).toBeUndefined();
  });

  it('refuses an authorization URL that is not a web page', () => {
    expect(() => provider().redirectToAuthorization(new URL('javascript:alert(1)'))).toThrow(
      /http or https/,
    );
  });

  it('reads a file changed by another process, and treats a broken one as empty', async () => {
    await provider().saveTokens({ access_token: 'a1', token_type: 'Bearer' });
    await expect(provider().tokens()).resolves.toMatchObject({ access_token: 'a1' });
    writeFileSync(
      file(),
      JSON.stringify({ srv: { serverUrl: URL_A, tokens: { accessToken: 'from-cli' } } }),
    );
    await expect(provider().tokens()).resolves.toMatchObject({ access_token: 'from-cli' });
    writeFileSync(file(), '{ not json');
    await expect(provider().tokens()).resolves.toBeUndefined();
  });
});
