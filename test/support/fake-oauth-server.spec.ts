/** Proves the fake OAuth token endpoint with plain fetch: form and JSON bodies, PKCE, errors. */
import { randomBytes } from 'node:crypto';
import { challengeS256, startFakeOAuthServer, type FakeOAuthServer } from './fake-oauth-server';

describe('fake OAuth server', () => {
  let oauth: FakeOAuthServer;

  beforeEach(async () => {
    oauth = await startFakeOAuthServer({ validCodes: ['code-1', 'code-2'] });
  });
  afterEach(async () => {
    await oauth.close();
  });

  const postForm = (params: Record<string, string>) =>
    fetch(oauth.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
  const postJson = (params: Record<string, string>) =>
    fetch(oauth.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });

  it('exchanges a valid code (form body) and verifies the PKCE S256 challenge', async () => {
    const verifier = randomBytes(32).toString('base64url');
    oauth.registerChallenge('code-1', challengeS256(verifier));
    const res = await postForm({
      grant_type: 'authorization_code',
      code: 'code-1',
      code_verifier: verifier,
      redirect_uri: 'http://127.0.0.1:1/callback',
      client_id: 'client',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      access_token: 'fake-access-1',
      refresh_token: 'fake-refresh-1',
      expires_in: 3600,
      token_type: 'Bearer',
    });
    expect(oauth.requests[0].params).toMatchObject({ code: 'code-1', code_verifier: verifier });
  });

  it('rejects a wrong verifier, a reused code and an unknown code with invalid_grant', async () => {
    oauth.registerChallenge('code-1', challengeS256('right'));
    const wrong = await postJson({
      grant_type: 'authorization_code',
      code: 'code-1',
      code_verifier: 'wrong',
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });

    const ok = await postJson({ grant_type: 'authorization_code', code: 'code-2' });
    expect(ok.status).toBe(200);
    const reused = await postJson({ grant_type: 'authorization_code', code: 'code-2' });
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });
    const unknown = await postForm({ grant_type: 'authorization_code', code: 'nope' });
    expect(unknown.status).toBe(400);
    expect(oauth.requests.map((r) => r.status)).toEqual([400, 200, 400, 400]);
  });

  it('refreshes with an issued refresh token, once', async () => {
    await postForm({ grant_type: 'authorization_code', code: 'code-1' });
    const refreshed = await postForm({
      grant_type: 'refresh_token',
      refresh_token: 'fake-refresh-1',
    });
    expect(await refreshed.json()).toMatchObject({ access_token: 'fake-access-2' });
    const again = await postForm({ grant_type: 'refresh_token', refresh_token: 'fake-refresh-1' });
    expect(again.status).toBe(400);
  });

  it('enforces configured client_id and redirect_uri', async () => {
    const strict = await startFakeOAuthServer({
      validCodes: ['c'],
      clientId: 'app',
      redirectUri: 'http://127.0.0.1:9/cb',
    });
    try {
      const post = (params: Record<string, string>) =>
        fetch(strict.tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c', ...params }),
        });
      expect(
        (await post({ client_id: 'other', redirect_uri: 'http://127.0.0.1:9/cb' })).status,
      ).toBe(400);
      expect((await post({ client_id: 'app', redirect_uri: 'http://evil/cb' })).status).toBe(400);
      expect((await post({ client_id: 'app', redirect_uri: 'http://127.0.0.1:9/cb' })).status).toBe(
        200,
      );
    } finally {
      await strict.close();
    }
  });

  it('rejects unsupported grant types', async () => {
    const res = await postForm({ grant_type: 'password' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });
});
