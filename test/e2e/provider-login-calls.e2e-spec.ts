import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAgentTestApp, type AgentTestApp } from '../support/agent-app';
import { startFakeLoginServer, type FakeLoginServer } from '../support/fake-login-server';
import { startFakeModelServer, type FakeModelServer } from '../support/fake-model-server';

/** A request the fake Codex endpoint received. */
interface CodexRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/**
 * ChatGPT's Codex endpoint, as far as a text turn goes: every POST answers one streamed
 * Responses API message ("from codex").
 */
async function startFakeCodex(): Promise<{
  url: string;
  requests: CodexRequest[];
  close(): Promise<void>;
}> {
  const requests: CodexRequest[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      requests.push({
        path: req.url ?? '/',
        headers: req.headers,
        body: JSON.parse(raw || '{}') as Record<string, unknown>,
      });
      const events = [
        {
          type: 'response.created',
          response: { id: 'resp_1', created_at: 1_700_000_000, model: 'gpt-5.4' },
        },
        {
          type: 'response.output_item.added',
          output_index: 0,
          item: { type: 'message', id: 'm1' },
        },
        { type: 'response.output_text.delta', item_id: 'm1', delta: 'from codex' },
        {
          type: 'response.output_item.done',
          output_index: 0,
          item: {
            type: 'message',
            id: 'm1',
            content: [{ type: 'output_text', text: 'from codex' }],
          },
        },
        {
          type: 'response.completed',
          response: { usage: { input_tokens: 7, output_tokens: 2 } },
        },
      ];
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join(''));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Providers connected by a login, called in a real turn: the credential stored in `auth.json`
 * (through `PUT /auth/:id`, or a login against the fake login server) reaches the provider's
 * API with the headers the reference sends, tokens are refreshed first when expired, and no
 * token shows in a response or a log line. `OPENCODE_OAUTH_HOSTS` sends every provider host to
 * a fake on 127.0.0.1.
 */
describe('calling models with stored logins', () => {
  let t: AgentTestApp;
  let copilot: FakeModelServer;
  let codex: Awaited<ReturnType<typeof startFakeCodex>>;
  let login: FakeLoginServer;

  beforeAll(async () => {
    copilot = await startFakeModelServer();
    codex = await startFakeCodex();
    login = await startFakeLoginServer();
    t = await startAgentTestApp({
      captureLogs: true,
      config: { small_model: 'fake/fake-small' },
      env: {
        OPENCODE_OAUTH_HOSTS: JSON.stringify({
          ...login.hosts,
          'api.githubcopilot.com': copilot.origin,
          'copilot-api.company.ghe.com': copilot.origin,
          'chatgpt.com': codex.url,
        }),
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await copilot?.close();
    await codex?.close();
    await login?.close();
  });

  async function turn(providerID: string, modelID: string, text = 'hi') {
    const sessionID = await t.createSession(`${providerID} turn`);
    return t.prompt(sessionID, { parts: [{ type: 'text', text }], model: { providerID, modelID } });
  }

  it('GitHub Copilot: the GitHub token as bearer, Copilot headers, the enterprise API', async () => {
    await t.http
      .put('/auth/github-copilot')
      .send({ type: 'oauth', access: 'gho_secret1', refresh: 'gho_secret1', expires: 0 })
      .expect(200);
    copilot.enqueue({ text: ['Hello ', 'from Copilot'] });
    const answer = await turn('github-copilot', 'claude-haiku-4.5');
    expect(answer.info.error).toBeUndefined();
    expect(answer.parts.find((part) => part.type === 'text')?.text).toBe('Hello from Copilot');
    const [request] = copilot.requests;
    expect(request.path).toBe('/chat/completions');
    expect(request.body.model).toBe('claude-haiku-4.5');
    expect(request.headers.authorization).toBe('Bearer gho_secret1');
    expect(request.headers['openai-intent']).toBe('conversation-edits');
    expect(request.headers['x-initiator']).toBe('user');
    expect(request.headers['user-agent']).toMatch(/^opencode\//);
    // The Copilot plugin's call headers, as the reference's.
    expect(request.headers['x-github-api-version']).toBe('2026-06-01');
    expect(request.headers['x-interaction-id']).toBe(answer.info.sessionID);
    expect(request.headers['x-interaction-type']).toBeUndefined();

    await t.http
      .put('/auth/github-copilot')
      .send({
        type: 'oauth',
        access: 'gho_secret2',
        refresh: 'gho_secret2',
        expires: 0,
        enterpriseUrl: 'company.ghe.com',
      })
      .expect(200);
    copilot.enqueue({ text: 'enterprise' });
    const enterprise = await turn('github-copilot', 'claude-haiku-4.5');
    expect(enterprise.parts.find((part) => part.type === 'text')?.text).toBe('enterprise');
    expect(copilot.requests.at(-1)!.headers.authorization).toBe('Bearer gho_secret2');
  });

  it('ChatGPT: refreshes an expired token first, then calls Codex with the account', async () => {
    // A real login against the fake, so its refresh token is one the fake knows.
    await t.http.post('/provider/openai/oauth/authorize').send({ method: 1 }).expect(200);
    await t.http.post('/provider/openai/oauth/callback').send({ method: 1 }).expect(200);
    // The stored login, expired: rebuilt from what the fake handed out.
    const refresh = login.secrets.filter((secret) => secret.startsWith('openai-refresh')).at(-1)!;
    await t.http
      .put('/auth/openai')
      .send({
        type: 'oauth',
        access: 'openai-expired-access',
        refresh,
        expires: Date.now() - 1000,
        accountId: 'acct-42',
      })
      .expect(200);
    const answer = await turn('openai', 'gpt-5.4');
    expect(answer.info.error).toBeUndefined();
    expect(answer.parts.find((part) => part.type === 'text')?.text).toBe('from codex');

    const refreshes = login.requests.filter(
      (request) =>
        request.path === '/openai/oauth/token' && request.params.grant_type === 'refresh_token',
    );
    expect(refreshes).toHaveLength(1);
    const [call] = codex.requests;
    expect(call.path).toBe('/backend-api/codex/responses');
    const fresh = login.secrets.filter((secret) => secret.startsWith('openai-access')).at(-1);
    expect(call.headers.authorization).toBe(`Bearer ${fresh}`);
    expect(call.headers['chatgpt-account-id']).toBe('acct-42');
    expect(call.body.model).toBe('gpt-5.4');
    // The Codex plugin's call headers and params: opencode and the OS named, the session, no
    // output cap.
    expect(call.headers.originator).toBe('opencode');
    expect(call.headers['user-agent']).toMatch(/^opencode\/[^ ]+ \(linux [^;]+; [a-z0-9_]+\)/);
    expect(call.headers['session-id']).toBe(answer.info.sessionID);
    expect(call.body.max_output_tokens).toBeUndefined();
  });

  it('GitHub Copilot: GPT models without an output cap, subagent calls initiated by the agent', async () => {
    copilot.enqueue({ text: 'gpt' });
    const parent = await turn('github-copilot', 'gpt-5-mini');
    expect(parent.info.error).toBeUndefined();
    const gpt = copilot.requests.at(-1)!;
    expect(gpt.body.max_tokens).toBeUndefined();
    expect(gpt.headers['x-initiator']).toBe('user');

    const child = (
      await t.http
        .post('/session')
        .send({ parentID: parent.info.sessionID, title: 'child' })
        .expect(200)
    ).body as { id: string };
    copilot.enqueue({ text: 'child' });
    const answer = await t.prompt(child.id, {
      parts: [{ type: 'text', text: 'hi' }],
      model: { providerID: 'github-copilot', modelID: 'claude-haiku-4.5' },
    });
    expect(answer.info.error).toBeUndefined();
    const call = copilot.requests.at(-1)!;
    expect(call.headers['x-initiator']).toBe('agent');
    expect(call.headers['x-parent-session-id']).toBe(parent.info.sessionID);
    expect(call.body.max_tokens).toBe(32_000);
  });

  it('keeps every token out of responses and log lines', async () => {
    const listing = JSON.stringify((await t.http.get('/provider').expect(200)).body);
    const secrets = ['gho_secret1', 'gho_secret2', 'openai-expired-access', ...login.secrets];
    for (const secret of secrets) {
      expect(listing).not.toContain(secret);
      expect(t.logs()).not.toContain(secret);
    }
    const connected = (JSON.parse(listing) as { connected: string[] }).connected;
    expect(connected).toEqual(expect.arrayContaining(['github-copilot', 'openai', 'opencode']));
  });
});
