import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { InstanceService } from '../../src/core/instance/instance.service';
import { McpService } from '../../src/mcp/mcp.service';
import { fakeMcpStdioCommand } from '../support/fake-mcp-server';
import { startFakeMcpOAuthServer, type FakeMcpOAuthServer } from '../support/fake-mcp-oauth-server';
import { fakeToolContext } from '../support/fake-tool-context';
import { connectSse, type SseClient } from '../support/sse-client';
import { startTestApp, type TestApp } from '../support/test-app';

const REGISTRATION_NEEDED =
  'Server does not support dynamic client registration. Please provide clientId in config.';

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Where the authorization server sends the browser: `/authorize` followed without a browser. */
async function followAuthorization(url: string): Promise<URL> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') ?? '');
}

interface BusFrame {
  type: string;
  properties: Record<string, unknown>;
}

describe('mcp: OAuth login of remote servers', () => {
  let t: TestApp;
  let oauth: FakeMcpOAuthServer;
  let noRegistration: FakeMcpOAuthServer;
  let events: SseClient;
  let callbackPort: number;
  let authFile: string;

  const store = () =>
    JSON.parse(readFileSync(authFile, 'utf8')) as Record<string, Record<string, unknown>>;
  const status = async () => (await t.http.get('/mcp').expect(200)).body as Record<string, unknown>;
  const toolIds = async () => {
    const instance = await t.app.get(InstanceService).resolve(t.directory);
    return (await t.app.get(McpService).tools(instance)).map((tool) => tool.id).sort();
  };
  /** The next `type` event from now on (not one received already). */
  const nextEvent = (type: string) => {
    const seen = events.frames.length;
    return events.waitFor(
      (frame) => events.frames.indexOf(frame) >= seen && (frame.data as BusFrame).type === type,
      10_000,
    );
  };

  beforeAll(async () => {
    [oauth, noRegistration] = await Promise.all([
      startFakeMcpOAuthServer(),
      startFakeMcpOAuthServer({ registration: false }),
    ]);
    callbackPort = await freePort();
    t = await startTestApp({
      captureLogs: true,
      env: {
        // Never a real browser, whatever the machine.
        BROWSER: 'none',
        OPENCODE_CONFIG_CONTENT: JSON.stringify({
          mcp: {
            locked: {
              type: 'remote',
              url: oauth.url,
              oauth: { callbackPort },
              timeout: 5000,
            },
            unregistrable: { type: 'remote', url: noRegistration.url, timeout: 5000 },
            closed: { type: 'remote', url: oauth.url, oauth: false, timeout: 5000 },
            far: {
              type: 'remote',
              url: oauth.url,
              oauth: { redirectUri: 'https://app.example.com/callback' },
              timeout: 5000,
            },
            local: { type: 'local', command: fakeMcpStdioCommand(), timeout: 10_000 },
          },
        }),
      },
    });
    authFile = join(t.home, '.local/share/opencode/mcp-auth.json');
    events = connectSse(`${t.url}/event`);
    await events.response;
  });

  afterAll(async () => {
    events.close();
    await t.close();
    await Promise.all([oauth.close(), noRegistration.close()]);
  });

  it('a server answering 401 needs a login; one whose authorization server cannot register clients needs a client id', async () => {
    const toast = nextEvent('tui.toast.show');
    expect(await status()).toMatchObject({
      locked: { status: 'needs_auth' },
      unregistrable: { status: 'needs_client_registration', error: REGISTRATION_NEEDED },
      closed: {
        status: 'failed',
        error: 'The server requires authorization (HTTP 401) and OAuth is disabled for it',
      },
      local: { status: 'connected' },
    });
    // As the reference: the user is told how to log in.
    expect(((await toast).data as BusFrame).properties).toMatchObject({
      title: 'MCP Authentication Required',
      variant: 'warning',
      duration: 8000,
    });
    expect(
      events.frames.map((f) => (f.data as BusFrame).properties?.message).filter(Boolean),
    ).toEqual(
      expect.arrayContaining([
        'Server "locked" requires authentication. Run: opencode mcp auth locked',
        'Server "unregistrable" requires a pre-registered client ID. Add clientId to your config.',
      ]),
    );
    expect(oauth.mcpAuthorizations.every((header) => header === undefined)).toBe(true);
    expect(await toolIds()).not.toContain('locked_whoami');
  });

  it.each(['local', 'closed'])(
    'refuses a login to %s, which does not use OAuth, with a 400',
    async (name) => {
      for (const path of [`/mcp/${name}/auth`, `/mcp/${name}/auth/authenticate`]) {
        const res = await t.http.post(path).expect(400);
        expect(res.body).toEqual({
          name: 'McpUnsupportedOAuthError',
          data: { message: `MCP server ${name} does not support OAuth` },
        });
      }
    },
  );

  it('refuses a login the authorization server cannot register, saying what to configure', async () => {
    const res = await t.http.post('/mcp/unregistrable/auth').expect(400);
    expect(res.body).toEqual({ name: 'McpOAuthError', data: { message: REGISTRATION_NEEDED } });
  });

  it('refuses a callback when no login is pending', async () => {
    const res = await t.http.post('/mcp/locked/auth/callback').send({ code: 'x' }).expect(400);
    expect(res.body).toMatchObject({
      name: 'McpOAuthError',
      data: { message: expect.stringMatching(/No login of MCP server locked is pending/) },
    });
    await t.http.post('/mcp/nope/auth/callback').send({ code: 'x' }).expect(404);
  });

  it.each([
    [{}, 'code'],
    [{ code: '' }, 'code'],
    [{ code: 42 }, 'code'],
    [{ code: 'x', state: 'y' }, 'state'],
  ])('refuses the callback body %j naming %s', async (body, field) => {
    const res = await t.http.post('/mcp/locked/auth/callback').send(body).expect(400);
    expect(res.body).toMatchObject({ name: 'BadRequest', data: { kind: 'Body', field } });
  });

  let code: string;

  it('POST /mcp/:name/auth registers a client and answers the authorization URL (PKCE S256)', async () => {
    const res = await t.http.post('/mcp/locked/auth').expect(200);
    const { authorizationUrl, oauthState } = res.body as Record<string, string>;
    expect(Object.keys(res.body).sort()).toEqual(['authorizationUrl', 'oauthState']);
    expect(oauthState).toMatch(/^[0-9a-f]{64}$/);
    const url = new URL(authorizationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${oauth.origin}/authorize`);
    // Registered when the server first answered 401, and reused.
    const client = oauth.clients.find((c) => c.client_id === url.searchParams.get('client_id'))!;
    expect(client.redirect_uris).toEqual([`http://127.0.0.1:${callbackPort}/mcp/oauth/callback`]);
    expect(client.client_name).toBe('OpenCode');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: client.client_id,
      code_challenge_method: 'S256',
      redirect_uri: client.redirect_uris[0],
      state: oauthState,
      resource: oauth.url,
    });

    // The verifier waits in the data directory (owner-only), never in the answer.
    const entry = store().locked;
    expect(entry).toMatchObject({
      serverUrl: oauth.url,
      oauthState,
      codeVerifier: expect.any(String),
      clientInfo: { clientId: client.client_id },
    });
    expect(JSON.stringify(res.body)).not.toContain(entry.codeVerifier as string);
    expect(statSync(authFile).mode & 0o777).toBe(0o600);

    const back = await followAuthorization(authorizationUrl);
    expect(back.searchParams.get('state')).toBe(oauthState);
    code = back.searchParams.get('code')!;
    expect(code).toBeTruthy();
  });

  it('a code the authorization server refuses is a 400 with its reason; the login stays pending', async () => {
    const res = await t.http
      .post('/mcp/locked/auth/callback')
      .send({ code: 'not-a-code' })
      .expect(400);
    expect(res.body).toEqual({
      name: 'McpOAuthError',
      data: { message: 'OAuth completion failed: unknown or used code' },
    });
    expect((await status()).locked).toEqual({ status: 'needs_auth' });
  });

  it('POST /mcp/:name/auth/callback exchanges the code (verifier checked), stores the tokens and connects', async () => {
    const res = await t.http.post('/mcp/locked/auth/callback').send({ code }).expect(200);
    expect(res.body).toEqual({ status: 'connected' });
    expect((await status()).locked).toEqual({ status: 'connected' });

    const exchange = oauth.tokenRequests.find((r) => r.params.code === code)!;
    expect(exchange.status).toBe(200);
    expect(exchange.params).toMatchObject({
      grant_type: 'authorization_code',
      code_verifier: expect.any(String),
      redirect_uri: `http://127.0.0.1:${callbackPort}/mcp/oauth/callback`,
    });
    const entry = store().locked;
    expect(entry.tokens).toMatchObject({
      accessToken: oauth.accessTokens[0],
      refreshToken: expect.stringMatching(/^mcp-refresh-/),
      expiresAt: expect.any(Number),
    });
    expect(entry.codeVerifier).toBeUndefined();
    expect(entry.oauthState).toBeUndefined();
    expect(oauth.mcpAuthorizations.at(-1)).toBe(`Bearer ${oauth.accessTokens[0]}`);

    // Its tools and resources are there, and work.
    expect(await toolIds()).toContain('locked_whoami');
    const instance = await t.app.get(InstanceService).resolve(t.directory);
    const whoami = (await t.app.get(McpService).tools(instance)).find(
      (tool) => tool.id === 'locked_whoami',
    )!;
    await expect(whoami.execute({}, fakeToolContext(t.directory))).resolves.toMatchObject({
      output: 'authorized',
    });
    const resources = (await t.http.get('/experimental/resource').expect(200)).body;
    expect(resources['locked:memo://plan']).toEqual({
      name: 'secret-plan',
      uri: 'memo://plan',
      description: 'Only for authorized callers',
      mimeType: 'text/plain',
      client: 'locked',
    });

    // The same code once more: the login is over.
    await t.http.post('/mcp/locked/auth/callback').send({ code }).expect(400);
  });

  it('refreshes an access token the server no longer accepts, and stores the new pair', async () => {
    const before = store().locked.tokens as Record<string, string>;
    oauth.revokeAccessTokens();
    await t.http.post('/mcp/locked/connect').expect(200, 'true');
    expect((await status()).locked).toEqual({ status: 'connected' });
    const refresh = oauth.tokenRequests.at(-1)!;
    expect(refresh).toMatchObject({
      status: 200,
      params: { grant_type: 'refresh_token', refresh_token: before.refreshToken },
    });
    const after = store().locked.tokens as Record<string, string>;
    expect(after.accessToken).toBe(oauth.accessTokens.at(-1));
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
  });

  it('POST /mcp/:name/auth answers an empty URL when the stored credentials work', async () => {
    const res = await t.http.post('/mcp/locked/auth').expect(200);
    expect(res.body).toEqual({
      authorizationUrl: '',
      oauthState: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect((await status()).locked).toEqual({ status: 'connected' });
  });

  it('DELETE /mcp/:name/auth forgets the credentials: needs_auth again, its tools gone', async () => {
    await t.http.delete('/mcp/locked/auth').expect(200, { success: true });
    expect((await status()).locked).toEqual({ status: 'needs_auth' });
    // The reconnection may register a client again; no tokens come back.
    expect(store().locked?.tokens).toBeUndefined();
    expect(await toolIds()).not.toContain('locked_whoami');
    // Removing what is not there is fine, as for a server without OAuth.
    await t.http.delete('/mcp/locked/auth').expect(200, { success: true });
    await t.http.delete('/mcp/local/auth').expect(200, { success: true });
  });

  it('POST /mcp/:name/auth/authenticate publishes the URL when no browser can open, waits for the redirect and connects', async () => {
    const opened = nextEvent('mcp.browser.open.failed');
    const answer = t.http.post('/mcp/locked/auth/authenticate').then((res) => res);
    const { properties } = (await opened).data as BusFrame;
    expect(properties).toEqual({ mcpName: 'locked', url: expect.any(String) });
    const back = await followAuthorization(properties.url as string);
    expect(back.origin).toBe(`http://127.0.0.1:${callbackPort}`);
    expect(back.pathname).toBe('/mcp/oauth/callback');

    // Links that do not belong to this login are refused by the listener.
    const forged = new URL(back);
    forged.searchParams.set('state', 'forged');
    expect((await fetch(forged)).status).toBe(400);
    const stateless = new URL(back);
    stateless.searchParams.delete('state');
    expect((await fetch(stateless)).status).toBe(400);
    expect((await fetch(new URL('/elsewhere', back))).status).toBe(404);

    const page = await fetch(back);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('Login complete');

    const res = await answer;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'connected' });
    expect(await toolIds()).toContain('locked_whoami');
    // The listener is gone once nobody waits.
    await expect(fetch(back)).rejects.toThrow();
  });

  it('authenticate answers 400 when the user declines, and the page says so', async () => {
    await t.http.delete('/mcp/locked/auth').expect(200);
    oauth.deny = true;
    try {
      const opened = nextEvent('mcp.browser.open.failed');
      const answer = t.http.post('/mcp/locked/auth/authenticate').then((res) => res);
      const back = await followAuthorization(
        ((await opened).data as BusFrame).properties.url as string,
      );
      expect(back.searchParams.get('error')).toBe('access_denied');
      const page = await fetch(back);
      expect(await page.text()).toContain('The user refused');
      const res = await answer;
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        name: 'McpOAuthError',
        data: { message: 'The authorization server refused the login: The user refused' },
      });
      expect((await status()).locked).toEqual({ status: 'needs_auth' });
    } finally {
      oauth.deny = false;
    }
  });

  it('DELETE /mcp/:name/auth cancels a login waiting for its browser', async () => {
    const opened = nextEvent('mcp.browser.open.failed');
    const answer = t.http.post('/mcp/locked/auth/authenticate').then((res) => res);
    await opened;
    await t.http.delete('/mcp/locked/auth').expect(200);
    const res = await answer;
    expect(res.status).toBe(400);
    expect(res.body.data.message).toBe('The credentials were removed');
    expect(store().locked).not.toHaveProperty('codeVerifier');
    expect(store().locked).not.toHaveProperty('oauthState');
  });

  it('authenticate fails at once when the callback port is taken', async () => {
    const squatter: Server = createServer((_req, res) => res.end('not opencode'));
    // The listener of the previous login may still be closing.
    for (let attempt = 0; !squatter.listening; attempt++) {
      await new Promise<void>((resolve) => {
        squatter.once('error', () => setTimeout(resolve, 50));
        squatter.listen(callbackPort, '127.0.0.1', resolve);
      });
      if (attempt > 100) throw new Error(`port ${callbackPort} stays busy`);
    }
    try {
      const res = await t.http.post('/mcp/locked/auth/authenticate').expect(409);
      expect(res.body).toEqual({
        name: 'McpOAuthCallbackPortInUseError',
        data: {
          message: expect.stringContaining(`Port ${callbackPort}`),
          port: callbackPort,
        },
      });
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });

  it('authenticate refuses a redirect URI off this machine; auth start still works with it', async () => {
    const res = await t.http.post('/mcp/far/auth/authenticate').expect(400);
    expect(res.body).toMatchObject({
      name: 'McpOAuthError',
      data: { message: expect.stringContaining('https://app.example.com/callback') },
    });
    const started = await t.http.post('/mcp/far/auth').expect(200);
    expect(new URL(started.body.authorizationUrl).searchParams.get('redirect_uri')).toBe(
      'https://app.example.com/callback',
    );
  });

  it('never logs tokens, codes or verifiers', () => {
    const logs = t.logs();
    expect(logs).toContain('login to MCP server locked complete');
    for (const token of oauth.accessTokens) expect(logs).not.toContain(token);
    for (const request of oauth.tokenRequests) {
      for (const key of ['code', 'code_verifier', 'refresh_token']) {
        if (request.params[key]) expect(logs).not.toContain(request.params[key]);
      }
    }
  });

  it('documents the routes with the reference operation ids and components', async () => {
    const doc = (await t.http.get('/doc').expect(200)).body;
    const ok = (op: {
      responses: Record<string, { content: Record<string, { schema: unknown }> }>;
    }) => op.responses['200'].content['application/json'].schema;
    expect(doc.paths['/mcp/{name}/auth'].post.operationId).toBe('mcp.auth.start');
    expect(doc.paths['/mcp/{name}/auth'].delete.operationId).toBe('mcp.auth.remove');
    expect(doc.paths['/mcp/{name}/auth/callback'].post.operationId).toBe('mcp.auth.callback');
    expect(doc.paths['/mcp/{name}/auth/authenticate'].post.operationId).toBe(
      'mcp.auth.authenticate',
    );
    expect(ok(doc.paths['/mcp/{name}/auth/callback'].post)).toEqual({
      $ref: '#/components/schemas/MCPStatus',
    });
    expect(ok(doc.paths['/mcp/{name}/auth/authenticate'].post)).toEqual({
      $ref: '#/components/schemas/MCPStatus',
    });
    const events = doc.components.schemas.Event.anyOf.map((s: { $ref: string }) => s.$ref);
    expect(events).toContain('#/components/schemas/EventMcpBrowserOpenFailed');
  });
});
