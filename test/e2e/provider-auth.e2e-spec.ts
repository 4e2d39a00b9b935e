import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response as SupertestResponse } from 'supertest';
import { ProviderAuthService } from '../../src/provider/oauth/provider-auth.service';
import { tempDir } from '../support/fixtures';
import { startFakeLoginServer, type FakeLoginServer } from '../support/fake-login-server';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * `GET /provider/auth` as the reference 1.18.33 answers it offline with a plain environment (no
 * Cloudflare/Azure/GitLab variables, no Azure CLI), recorded from `opencode serve`.
 */
const REFERENCE_METHODS = {
  openai: [
    { type: 'oauth', label: 'ChatGPT Pro/Plus (browser)' },
    { type: 'oauth', label: 'ChatGPT Pro/Plus (headless)' },
    { type: 'api', label: 'Manually enter API Key' },
  ],
  'github-copilot': [
    {
      type: 'oauth',
      label: 'Login with GitHub Copilot',
      prompts: [
        {
          type: 'select',
          key: 'deploymentType',
          message: 'Select GitHub deployment type',
          options: [
            { label: 'GitHub.com', value: 'github.com', hint: 'Public' },
            {
              label: 'GitHub Enterprise',
              value: 'enterprise',
              hint: 'Data residency or self-hosted',
            },
          ],
        },
        {
          type: 'text',
          key: 'enterpriseUrl',
          message: 'Enter your GitHub Enterprise URL or domain',
          placeholder: 'company.ghe.com or https://company.ghe.com',
          when: { key: 'deploymentType', op: 'eq', value: 'enterprise' },
        },
      ],
    },
  ],
  gitlab: [
    {
      type: 'oauth',
      label: 'GitLab OAuth',
      prompts: [
        {
          type: 'text',
          key: 'instanceUrl',
          message: 'GitLab instance URL',
          placeholder: 'https://gitlab.com',
        },
      ],
    },
    {
      type: 'api',
      label: 'GitLab Personal Access Token',
      prompts: [
        {
          type: 'text',
          key: 'instanceUrl',
          message: 'GitLab instance URL',
          placeholder: 'https://gitlab.com',
        },
      ],
    },
  ],
  poe: [
    { type: 'oauth', label: 'Login with Poe (browser)' },
    { type: 'api', label: 'Manually enter API Key' },
  ],
  'cloudflare-workers-ai': [
    {
      type: 'api',
      label: 'API key',
      prompts: [
        {
          type: 'text',
          key: 'accountId',
          message: 'Enter your Cloudflare Account ID',
          placeholder: 'e.g. 1234567890abcdef1234567890abcdef',
        },
      ],
    },
  ],
  'cloudflare-ai-gateway': [
    {
      type: 'api',
      label: 'Gateway API token',
      prompts: [
        {
          type: 'text',
          key: 'accountId',
          message: 'Enter your Cloudflare Account ID',
          placeholder: 'e.g. 1234567890abcdef1234567890abcdef',
        },
        {
          type: 'text',
          key: 'gatewayId',
          message: 'Enter your Cloudflare AI Gateway ID',
          placeholder: 'e.g. my-gateway',
        },
      ],
    },
  ],
  azure: [
    {
      type: 'api',
      label: 'API key',
      prompts: [
        {
          type: 'text',
          key: 'resourceName',
          message: 'Enter Azure Resource Name',
          placeholder: 'e.g. my-models',
        },
      ],
    },
  ],
  digitalocean: [
    { type: 'oauth', label: 'Login with DigitalOcean' },
    { type: 'api', label: 'Paste Model Access Key' },
  ],
  'snowflake-cortex': [
    {
      type: 'oauth',
      label: 'Login with Snowflake (External Browser)',
      prompts: [
        {
          type: 'text',
          key: 'account',
          message: 'Snowflake Account Identifier',
          placeholder: 'myorg-myaccount',
        },
        {
          type: 'text',
          key: 'role',
          message: 'Snowflake Role (optional)',
          placeholder: 'PUBLIC',
        },
      ],
    },
    {
      type: 'api',
      label: 'Paste PAT or bearer token manually',
      prompts: [
        {
          type: 'text',
          key: 'account',
          message: 'Snowflake Account Identifier',
          placeholder: 'myorg-myaccount',
        },
      ],
    },
  ],
  xai: [
    { type: 'oauth', label: 'SuperGrok Subscription' },
    { type: 'api', label: 'Manually enter API Key' },
  ],
};

/** A PATH with only the system tools (no Azure CLI), plus `extra` first when given. */
function systemPath(extra?: string): string {
  return [extra, '/usr/local/bin', '/usr/bin', '/bin'].filter(Boolean).join(':');
}

describe('provider logins: GET /provider/auth, authorize and callback against fake providers', () => {
  let fake: FakeLoginServer;
  let t: TestApp;
  /** Every answer body seen, to look for secrets in at the end. */
  const answers: string[] = [];

  beforeAll(async () => {
    fake = await startFakeLoginServer();
    t = await startTestApp({
      captureLogs: true,
      env: {
        PATH: systemPath(),
        OPENCODE_OAUTH_HOSTS: JSON.stringify(fake.hosts),
        OPENCODE_OAUTH_LOOPBACK_PORT: '0',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.device = [];
    fake.deny = false;
  });

  const authFile = () => join(t.home, '.local', 'share', 'opencode', 'auth.json');
  const stored = (): Record<string, Record<string, unknown>> =>
    existsSync(authFile()) ? JSON.parse(readFileSync(authFile(), 'utf8')) : {};
  const keep = (response: SupertestResponse) => {
    answers.push(response.text);
    return response;
  };
  const authorize = async (
    providerID: string,
    body: object,
    status = 200,
  ): Promise<SupertestResponse> =>
    keep(await t.http.post(`/provider/${providerID}/oauth/authorize`).send(body).expect(status));
  const callback = async (
    providerID: string,
    body: object = { method: 0 },
    status = 200,
  ): Promise<SupertestResponse> =>
    keep(await t.http.post(`/provider/${providerID}/oauth/callback`).send(body).expect(status));

  /** The user in the browser: opens the sign-in page and follows its redirect to the receiver. */
  const signIn = async (authorizeUrl: string) => {
    const page = await fetch(authorizeUrl, { redirect: 'manual' });
    expect(page.status).toBe(302);
    const target = new URL(page.headers.get('location')!);
    // A browser tries 127.0.0.1 for localhost; Node may pick ::1, where nothing listens.
    if (target.hostname === 'localhost') target.hostname = '127.0.0.1';
    return target;
  };

  it('lists the reference login methods, providers, labels, types and prompts, in its order', async () => {
    const response = keep(await t.http.get('/provider/auth').expect(200));
    expect(response.body).toEqual(REFERENCE_METHODS);
    expect(Object.keys(response.body)).toEqual(Object.keys(REFERENCE_METHODS));
  });

  it('GitHub Copilot: the device flow answers where to enter the code, then stores the token', async () => {
    fake.device = ['pending'];
    const started = await authorize('github-copilot', {
      method: 0,
      inputs: { deploymentType: 'github.com' },
    });
    expect(started.body).toEqual({
      url: 'https://github.com/login/device',
      method: 'auto',
      instructions: 'Enter code: ABCD-1234',
    });
    expect((await callback('github-copilot')).body).toBe(true);
    const token = stored()['github-copilot'];
    expect(token).toEqual({
      type: 'oauth',
      access: expect.stringMatching(/^gho-token-/),
      refresh: token.access,
      expires: 0,
    });
    const deviceRequest = fake.requests.find((r) => r.path === '/github/login/device/code')!;
    expect(deviceRequest.params).toEqual({ client_id: 'Ov23li8tweQw6odWQebz', scope: 'read:user' });
    const polls = fake.requests.filter((r) => r.path === '/github/login/oauth/access_token');
    expect(polls).toHaveLength(2);
    expect(polls[0].params.grant_type).toBe('urn:ietf:params:oauth:grant-type:device_code');
    expect(polls[0].headers['user-agent']).toMatch(/^opencode\//);
    // The login is used up.
    const again = await callback('github-copilot', { method: 0 }, 400);
    expect(again.body).toEqual({
      name: 'ProviderAuthOauthMissing',
      data: expect.objectContaining({ providerID: 'github-copilot' }),
    });
  });

  it('GitHub Copilot Enterprise: the enterprise domain is asked for, used and stored', async () => {
    const missing = await authorize(
      'github-copilot',
      { method: 0, inputs: { deploymentType: 'enterprise' } },
      400,
    );
    expect(missing.body).toMatchObject({
      name: 'ProviderAuthValidationFailed',
      data: { field: 'enterpriseUrl', message: 'URL or domain is required' },
    });
    const bad = await authorize(
      'github-copilot',
      { method: 0, inputs: { deploymentType: 'enterprise', enterpriseUrl: 'https://' } },
      400,
    );
    expect(bad.body.data.field).toBe('enterpriseUrl');

    await authorize('github-copilot', {
      method: 0,
      inputs: { deploymentType: 'enterprise', enterpriseUrl: 'https://ghe.example.com/' },
    });
    await callback('github-copilot');
    expect(stored()['github-copilot']).toMatchObject({
      type: 'oauth',
      expires: 0,
      enterpriseUrl: 'ghe.example.com',
    });
    expect(fake.requests.some((r) => r.path === '/ghe/login/oauth/access_token')).toBe(true);
  });

  it('GitHub Copilot: a denied or expired device code fails the callback and stores nothing', async () => {
    const before = stored()['github-copilot'];
    for (const outcome of ['denied', 'expired'] as const) {
      fake.device = [outcome];
      await authorize('github-copilot', { method: 0 });
      const failed = await callback('github-copilot', { method: 0 }, 400);
      expect(failed.body).toMatchObject({
        name: 'ProviderAuthOauthCallbackFailed',
        data: { providerID: 'github-copilot', message: expect.any(String) },
      });
      await callback('github-copilot', { method: 0 }, 400);
    }
    expect(stored()['github-copilot']).toEqual(before);
  });

  it('a new authorize cancels the login in progress', async () => {
    fake.device = ['pending', 'pending', 'pending'];
    await authorize('github-copilot', { method: 0 });
    const waiting = t.http.post('/provider/github-copilot/oauth/callback').send({ method: 0 });
    const first = waiting.then((response) => response);
    await new Promise((resolve) => setTimeout(resolve, 300));
    fake.device = ['denied'];
    await authorize('github-copilot', { method: 0 });
    const cancelled = await first;
    expect(cancelled.status).toBe(400);
    expect(cancelled.body.name).toBe('ProviderAuthOauthCallbackFailed');
    await callback('github-copilot', { method: 0 }, 400);
  });

  it('xAI: the device flow stores access and refresh tokens; a denial fails', async () => {
    const started = await authorize('xai', { method: 0 });
    expect(started.body).toEqual({
      url: 'https://accounts.x.ai/device?code=XAI-CODE',
      method: 'auto',
      instructions: 'Open https://accounts.x.ai/device on any device and enter code: XAI-CODE',
    });
    await callback('xai');
    expect(stored().xai).toEqual({
      type: 'oauth',
      access: expect.stringMatching(/^xai-access-/),
      refresh: expect.stringMatching(/^xai-refresh-/),
      expires: expect.any(Number),
    });
    const poll = fake.requests.filter((r) => r.path === '/xai/oauth2/token').at(-1)!;
    expect(poll.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(poll.params.client_id).toBe('b1a00492-073a-47ea-816f-4c329264a828');

    fake.device = ['denied'];
    await authorize('xai', { method: 0 });
    const denied = await callback('xai', { method: 0 }, 400);
    expect(denied.body.data.message).toBe('xAI device authorization was denied');
  });

  it('xAI: an expired credential is refreshed through the token endpoint', async () => {
    const current = stored().xai as { refresh: string; access: string };
    const service = t.app.get(ProviderAuthService);
    const fresh = await service.refresh('xai', {
      type: 'oauth',
      access: current.access,
      refresh: current.refresh,
      expires: 0,
    });
    expect(fresh.access).not.toBe(current.access);
    expect(fresh.refresh).toBe(current.refresh);
    expect(stored().xai.access).toBe(fresh.access);
    // Copilot's tokens do not expire: nothing to ask GitHub.
    const copilot = { type: 'oauth' as const, access: 'a', refresh: 'a', expires: 0 };
    await expect(service.refresh('github-copilot', copilot)).resolves.toBe(copilot);
  });

  it('ChatGPT headless: device code, then the authorization code exchanged with its verifier', async () => {
    const started = await authorize('openai', { method: 1 });
    expect(started.body).toEqual({
      url: `${fake.url}/openai/codex/device`,
      method: 'auto',
      instructions: 'Enter code: OPENAI-1',
    });
    await callback('openai', { method: 1 });
    expect(stored().openai).toEqual({
      type: 'oauth',
      access: expect.stringMatching(/^openai-access-/),
      refresh: expect.stringMatching(/^openai-refresh-/),
      expires: expect.any(Number),
      accountId: 'acct-42',
    });
  });

  it('ChatGPT browser: PKCE, the redirect to the local receiver, the code exchanged', async () => {
    const started = await authorize('openai', { method: 0 });
    expect(started.body.method).toBe('auto');
    const url = new URL(started.body.url);
    expect(url.pathname).toBe('/openai/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'app_EMoamEEZ73f0CkXaXp7hrann',
      scope: 'openid profile email offline_access',
      code_challenge_method: 'S256',
      id_token_add_organizations: 'true',
      codex_cli_simplified_flow: 'true',
      originator: 'opencode',
    });
    expect(url.searchParams.get('redirect_uri')).toMatch(
      /^http:\/\/localhost:\d+\/auth\/callback$/,
    );
    const done = callback('openai');
    const landing = await fetch(await signIn(started.body.url));
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain('Connected to ChatGPT');
    expect((await done).body).toBe(true);
    const exchange = fake.requests.filter((r) => r.path === '/openai/oauth/token').at(-1)!;
    expect(exchange.params.grant_type).toBe('authorization_code');
    expect(stored().openai).toMatchObject({ accountId: 'acct-42' });
  });

  it('ChatGPT browser: a refused sign-in fails; a pasted redirect URL finishes a login', async () => {
    fake.deny = true;
    const refused = await authorize('openai', { method: 0 });
    const done = callback('openai', { method: 0 }, 400);
    expect((await fetch(await signIn(refused.body.url))).status).toBe(400);
    expect((await done).body).toMatchObject({
      name: 'ProviderAuthOauthCallbackFailed',
      data: { message: expect.stringContaining('denied') },
    });

    fake.deny = false;
    const started = await authorize('openai', { method: 0 });
    const redirect = await signIn(started.body.url);
    const pasted = await callback('openai', { method: 0, code: redirect.toString() });
    expect(pasted.body).toBe(true);
  });

  it('GitLab: the instance URL is checked, used for the login and stored', async () => {
    const bad = await authorize('gitlab', { method: 0, inputs: { instanceUrl: 'ftp://x' } }, 400);
    expect(bad.body).toMatchObject({
      name: 'ProviderAuthValidationFailed',
      data: { field: 'instanceUrl', message: 'Instance URL must use http or https' },
    });
    const started = await authorize('gitlab', {
      method: 0,
      inputs: { instanceUrl: 'https://gitlab.example.com/some/path' },
    });
    const url = new URL(started.body.url);
    expect(url.searchParams.get('scope')).toBe('api');
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const done = callback('gitlab');
    await fetch(await signIn(started.body.url));
    await done;
    expect(stored().gitlab).toEqual({
      type: 'oauth',
      access: expect.stringMatching(/^gitlab-access-/),
      refresh: expect.stringMatching(/^gitlab-refresh-/),
      expires: expect.any(Number),
      enterpriseUrl: 'https://gitlab.example.com',
    });
    // The personal access token method is stored by the client with PUT /auth/gitlab.
    const api = await authorize('gitlab', { method: 1 }, 400);
    expect(api.body.data.field).toBe('method');
  });

  it('Poe: the token answer is an API key, stored as access and refresh', async () => {
    const started = await authorize('poe', { method: 0 });
    const url = new URL(started.body.url);
    expect(url.searchParams.get('scope')).toBe('apikey:create');
    expect(url.searchParams.has('state')).toBe(false);
    const done = callback('poe');
    await fetch(await signIn(started.body.url));
    await done;
    const poe = stored().poe as { access: string; refresh: string; expires: number };
    expect(poe.access).toMatch(/^poe-key-/);
    expect(poe.refresh).toBe(poe.access);
    expect(poe.expires).toBeGreaterThan(Date.now() + 86_000_000);
  });

  it('Snowflake: the account is required, the role goes into the scope, the account is stored', async () => {
    const missing = await authorize(
      'snowflake-cortex',
      { method: 0, inputs: { account: ' ' } },
      400,
    );
    expect(missing.body.data).toMatchObject({ field: 'account', message: 'Required' });
    const none = await authorize('snowflake-cortex', { method: 0 }, 400);
    expect(none.body.data.field).toBe('account');

    const started = await authorize('snowflake-cortex', {
      method: 0,
      inputs: { account: 'https://acme.snowflakecomputing.com', role: 'ANALYST' },
    });
    expect(new URL(started.body.url).searchParams.get('scope')).toBe(
      'refresh_token session:role:ANALYST',
    );
    const done = callback('snowflake-cortex');
    await fetch(await signIn(started.body.url));
    await done;
    expect(stored()['snowflake-cortex']).toMatchObject({ type: 'oauth', accountId: 'acme' });
    const exchange = fake.requests.find((r) => r.path === '/snowflake/oauth/token-request')!;
    expect(exchange.headers.authorization).toBe(
      `Basic ${Buffer.from('LOCAL_APPLICATION:LOCAL_APPLICATION').toString('base64')}`,
    );
  });

  it('DigitalOcean: the token in the fragment is posted back and stored as a key with its routers', async () => {
    const started = await authorize('digitalocean', { method: 0 });
    const done = callback('digitalocean');
    const redirect = await signIn(started.body.url);
    const page = await fetch(new URL(redirect.pathname, redirect));
    expect(await page.text()).toContain('location.hash');
    const fields = Object.fromEntries(new URLSearchParams(redirect.hash.slice(1)));
    const posted = await fetch(new URL('/auth/token', redirect), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fields),
    });
    expect(posted.status).toBe(200);
    await done;
    const entry = stored().digitalocean as {
      type: string;
      key: string;
      metadata: Record<string, string>;
    };
    expect(entry.type).toBe('api');
    expect(entry.key).toBe(fields.access_token);
    expect(entry.metadata).toMatchObject({
      oauth_access: fields.access_token,
      oauth_scopes: 'genai:read inference:query',
      routers: JSON.stringify([{ name: 'fast', uuid: 'r-1', description: 'Fast router' }]),
    });

    // A token posted with another login's state is refused.
    const second = await authorize('digitalocean', { method: 0 });
    const refused = callback('digitalocean', { method: 0 }, 400);
    const other = await signIn(second.body.url);
    await fetch(new URL('/auth/token', other), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: 'do-access-forged', state: 'not-the-state' }),
    });
    expect((await refused).body.data.message).toContain('state mismatch');
  });

  it('refuses bad input with a 400 naming the field, unknown providers with a 404', async () => {
    const unknown = await authorize('anthropic', { method: 0 }, 404);
    expect(unknown.body.name).toBe('NotFoundError');
    const outOfRange = await authorize('poe', { method: 7 }, 400);
    expect(outOfRange.body).toMatchObject({
      name: 'ProviderAuthValidationFailed',
      data: { providerID: 'poe', field: 'method' },
    });
    const apiMethod = await authorize('poe', { method: 1 }, 400);
    expect(apiMethod.body.data.field).toBe('method');
    for (const body of [{}, { method: 'x' }, { method: -1 }, { method: 0.5 }]) {
      const refused = await authorize('poe', body, 400);
      expect(refused.body.data.field ?? JSON.stringify(refused.body)).toContain('method');
    }
    const inputs = await authorize('poe', { method: 0, inputs: { a: 1 } }, 400);
    expect(JSON.stringify(inputs.body)).toContain('inputs');
    const code = await callback('poe', { method: 0, code: 5 }, 400);
    expect(JSON.stringify(code.body)).toContain('code');
    const missing = await callback('nope', { method: 0 }, 400);
    expect(missing.body).toMatchObject({
      name: 'ProviderAuthOauthMissing',
      data: { providerID: 'nope' },
    });
  });

  it('never puts a token, key, code or verifier in an answer or a log line', () => {
    expect(fake.secrets.length).toBeGreaterThan(10);
    const logs = t.logs();
    expect(logs).toContain('login completed for github-copilot');
    const seen = answers.join('\n');
    for (const secret of fake.secrets) {
      expect(seen).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });
});

describe('provider logins: what depends on the environment (Cloudflare, Azure CLI, GitLab)', () => {
  let t: TestApp;
  let bin: string;

  beforeAll(async () => {
    bin = tempDir('fake-az-');
    // A fake Azure CLI that is signed in.
    writeFileSync(
      join(bin, 'az'),
      '#!/bin/sh\necho \'{"accessToken":"az-secret-token","expires_on":4102444800}\'\n',
    );
    chmodSync(join(bin, 'az'), 0o755);
    t = await startTestApp({
      env: {
        PATH: systemPath(bin),
        CLOUDFLARE_ACCOUNT_ID: 'acct',
        CLOUDFLARE_GATEWAY_ID: 'gw',
        GITLAB_INSTANCE_URL: 'https://gitlab.internal',
      },
    });
  });
  afterAll(() => t.close());

  it('drops answered prompts, names the GitLab instance, offers Entra ID where az is installed', async () => {
    const methods = (await t.http.get('/provider/auth').expect(200)).body;
    expect(methods['cloudflare-workers-ai']).toEqual([
      { type: 'api', label: 'API key', prompts: [] },
    ]);
    expect(methods['cloudflare-ai-gateway']).toEqual([
      { type: 'api', label: 'Gateway API token', prompts: [] },
    ]);
    expect(methods.gitlab[0].prompts[0].placeholder).toBe('https://gitlab.internal');
    expect(methods.azure).toEqual([
      { type: 'api', label: 'API key', prompts: expect.any(Array) },
      { type: 'oauth', label: 'Microsoft Entra ID (Azure CLI)', prompts: expect.any(Array) },
    ]);
  });

  it('Azure Entra ID: checks the CLI has a token and stores the resource name', async () => {
    const missing = await t.http
      .post('/provider/azure/oauth/authorize')
      .send({ method: 1 })
      .expect(400);
    expect(missing.body.data.field).toBe('resourceName');
    const started = await t.http
      .post('/provider/azure/oauth/authorize')
      .send({ method: 1, inputs: { resourceName: 'my-models' } })
      .expect(200);
    expect(started.body).toEqual({
      url: '',
      method: 'auto',
      instructions: 'Sign in with `az login` before continuing.',
    });
    const done = await t.http
      .post('/provider/azure/oauth/callback')
      .send({ method: 1 })
      .expect(200);
    expect(done.text).not.toContain('az-secret-token');
    const auth = JSON.parse(
      readFileSync(join(t.home, '.local', 'share', 'opencode', 'auth.json'), 'utf8'),
    );
    expect(auth.azure).toEqual({
      type: 'oauth',
      access: 'opencode-oauth-dummy-key',
      refresh: 'opencode-oauth-dummy-key',
      expires: expect.any(Number),
      accountId: 'my-models',
    });
  });
});
