import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/test-app';

describe('auth: PUT/DELETE /auth/:providerID', () => {
  let t: TestApp;
  let authFile: string;
  beforeAll(async () => {
    // Logging at debug level into memory: credentials must never reach a log line.
    t = await startTestApp({ captureLogs: true });
    authFile = join(t.home, '.local', 'share', 'opencode', 'auth.json');
  });
  afterAll(() => t.close());

  const SECRET = 'sk-ant-api03-very-secret-value';

  it('stores an API key in auth.json (mode 0600) and connects the provider', async () => {
    await t.http.put('/auth/anthropic').send({ type: 'api', key: SECRET }).expect(200, 'true');
    expect(statSync(authFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(authFile, 'utf8'))).toEqual({
      anthropic: { type: 'api', key: SECRET },
    });
    const providers = await t.http.get('/config/providers').expect(200);
    expect(providers.body.providers.map((p: { id: string; source: string }) => p)).toEqual([
      expect.objectContaining({ id: 'anthropic', source: 'api' }),
      // OpenCode Zen's free models, connected without a key as in the reference.
      expect.objectContaining({ id: 'opencode', source: 'custom' }),
    ]);
  });

  it('stores OAuth tokens and well-known credentials', async () => {
    await t.http
      .put('/auth/openai')
      .send({ type: 'oauth', access: 'oa-access', refresh: 'oa-refresh', expires: 1893456000000 })
      .expect(200, 'true');
    await t.http
      .put('/auth/my.company')
      .send({ type: 'wellknown', key: 'COMPANY_TOKEN', token: 'wk-token' })
      .expect(200, 'true');
    const stored = JSON.parse(readFileSync(authFile, 'utf8'));
    expect(stored.openai).toEqual({
      type: 'oauth',
      access: 'oa-access',
      refresh: 'oa-refresh',
      expires: 1893456000000,
    });
    expect(stored['my.company']).toEqual({
      type: 'wellknown',
      key: 'COMPANY_TOKEN',
      token: 'wk-token',
    });
    expect(statSync(authFile).mode & 0o777).toBe(0o600);
  });

  it('never answers or logs a credential', async () => {
    const secrets = [SECRET, 'oa-access', 'oa-refresh', 'wk-token'];
    for (const path of ['/provider', '/config/providers', '/config', '/provider/auth', '/agent']) {
      const response = await t.http.get(path).expect(200);
      for (const secret of secrets) expect(response.text).not.toContain(secret);
    }
    const logs = t.logs();
    expect(logs).toContain('stored api credentials for anthropic');
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });

  it('refuses bad bodies with 400 naming the field, storing nothing', async () => {
    const before = readFileSync(authFile, 'utf8');
    const cases: [unknown, string][] = [
      [{ type: 'api' }, 'key'],
      [{ type: 'api', key: '' }, 'key'],
      [{ type: 'api', key: 42 }, 'key'],
      [{ type: 'api', key: 'k', extra: true }, 'extra'],
      [{ type: 'api', key: 'k', metadata: { a: 1 } }, 'metadata'],
      [{ type: 'token', key: 'k' }, 'type'],
      [{ key: 'k' }, 'type'],
      [{ type: 'oauth', access: 'a', refresh: 'r' }, 'expires'],
      [{ type: 'oauth', access: 'a', refresh: 'r', expires: -1 }, 'expires'],
      [{ type: 'wellknown', key: 'k' }, 'token'],
      [['api'], 'type'],
    ];
    for (const [body, field] of cases) {
      const response = await t.http
        .put('/auth/anthropic')
        .send(body as object)
        .expect(400);
      expect(response.body).toMatchObject({ name: 'BadRequest', data: { field } });
    }
    const badId = await t.http.put('/auth/-bad%20id').send({ type: 'api', key: 'k' }).expect(400);
    expect(badId.body.data).toMatchObject({ kind: 'Params', field: 'providerID' });
    expect(readFileSync(authFile, 'utf8')).toBe(before);
  });

  it('removes credentials (true even when there were none) and disconnects the provider', async () => {
    await t.http.delete('/auth/anthropic').expect(200, 'true');
    await t.http.delete('/auth/never-stored').expect(200, 'true');
    const stored = JSON.parse(readFileSync(authFile, 'utf8'));
    expect(stored.anthropic).toBeUndefined();
    expect(Object.keys(stored)).toEqual(['openai', 'my.company']);
    expect(statSync(authFile).mode & 0o777).toBe(0o600);
    const list = await t.http.get('/provider').expect(200);
    expect(list.body.connected).not.toContain('anthropic');
  });
});
