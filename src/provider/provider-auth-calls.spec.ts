import type { OAuthInfo } from '../auth/auth.types';
import { fakeJwt } from '../../test/support/fake-login-server';
import { fakeCallCredentials } from '../../test/support/fake-call-credentials';
import { copilotInitiator, oauthCallSetup, snowflakeCompatibleFetch } from './provider-auth-calls';
import { ProviderInitError } from './provider.errors';

interface Sent {
  url: string;
  headers: Headers;
  body: unknown;
}

/** A fetch that records what it is sent and answers `answers` in turn (else 200 `{}`). */
function recordingFetch(...answers: Response[]) {
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = input instanceof URL ? input.href : typeof input === 'string' ? input : input.url;
    sent.push({ url, headers: new Headers(init?.headers), body: init?.body });
    return Promise.resolve(answers.shift() ?? new Response('{}', { status: 200 }));
  };
  return { fetch, sent };
}

const login = (extra: Partial<OAuthInfo> = {}): OAuthInfo => ({
  type: 'oauth',
  access: 'access-1',
  refresh: 'refresh-1',
  expires: Date.now() + 3_600_000,
  ...extra,
});

const post = (body: unknown) => ({
  method: 'POST',
  headers: { authorization: 'Bearer opencode-oauth-dummy-key', 'x-api-key': 'x' },
  body: JSON.stringify(body),
});

describe('oauthCallSetup', () => {
  it('calls Copilot with the GitHub token, its headers, and who initiated the request', async () => {
    const credentials = fakeCallCredentials({
      'github-copilot': login({ access: 'gho_a', refresh: 'gho_a', expires: 0 }),
    });
    const setup = oauthCallSetup('github-copilot', login(), credentials)!;
    expect(setup.apiKey).toBe('');
    const { fetch, sent } = recordingFetch();
    const wrapped = setup.wrapFetch!(fetch);
    await wrapped(
      'https://api.githubcopilot.com/chat/completions',
      post({ messages: [{ role: 'user', content: 'hi' }] }),
    );
    await wrapped(
      'https://api.githubcopilot.com/responses',
      post({
        input: [
          { role: 'user', content: [{ type: 'input_image', image_url: 'data:' }] },
          { type: 'function_call_output', output: 'done' },
        ],
      }),
    );
    expect(sent[0].headers.get('authorization')).toBe('Bearer gho_a');
    expect(sent[0].headers.get('x-api-key')).toBeNull();
    expect(sent[0].headers.get('openai-intent')).toBe('conversation-edits');
    expect(sent[0].headers.get('user-agent')).toBe('opencode/0.0.0-test');
    expect(sent[0].headers.get('x-initiator')).toBe('user');
    expect(sent[0].headers.get('copilot-vision-request')).toBeNull();
    expect(sent[1].headers.get('x-initiator')).toBe('agent');
    expect(sent[1].headers.get('copilot-vision-request')).toBe('true');
    // A Copilot token does not expire: never refreshed.
    expect(credentials.refreshed).toEqual([]);
  });

  it('tells Copilot the agent sent media the loop attached after a tool result', () => {
    const url = new URL('https://api.githubcopilot.com/v1/messages');
    const attached = {
      messages: [
        { role: 'user', content: [{ type: 'tool_result', content: [{ type: 'image' }] }] },
        { role: 'user', content: [{ type: 'text', text: 'Attached media from tool result:' }] },
      ],
    };
    expect(copilotInitiator(url, JSON.stringify(attached))).toEqual({
      vision: true,
      agent: true,
    });
    const toolResultOnly = { messages: [{ role: 'user', content: [{ type: 'tool_result' }] }] };
    expect(copilotInitiator(url, JSON.stringify(toolResultOnly)).agent).toBe(true);
    const typed = { messages: [{ role: 'user', content: [{ type: 'text', text: 'go' }] }] };
    expect(copilotInitiator(url, JSON.stringify(typed))).toEqual({ vision: false, agent: false });
    expect(copilotInitiator(url, 'not json')).toEqual({ vision: false, agent: false });
  });

  it('sends ChatGPT calls to the Codex endpoint with the account, refreshing an expired token', async () => {
    const access = fakeJwt({
      'https://api.openai.com/auth': { chatgpt_compute_residency: 'eu' },
    });
    const credentials = fakeCallCredentials(
      { openai: login({ access, accountId: 'acct-1', expires: Date.now() - 1 }) },
      { 'chatgpt.com': 'http://127.0.0.1:9' },
    );
    const setup = oauthCallSetup('openai', credentials.stored.openai, credentials)!;
    expect(setup.apiKey).toBe('opencode-oauth-dummy-key');
    const { fetch, sent } = recordingFetch();
    await setup.wrapFetch!(fetch)('https://api.openai.com/v1/responses', post({ input: [] }));
    expect(credentials.refreshed).toEqual(['openai']);
    expect(sent[0].url).toBe('http://127.0.0.1:9/backend-api/codex/responses');
    expect(sent[0].headers.get('authorization')).toBe('Bearer refreshed-1');
    expect(sent[0].headers.get('chatgpt-account-id')).toBe('acct-1');
    // The residency is read from the token the request is sent with (the refreshed one has none).
    expect(sent[0].headers.get('x-openai-internal-codex-residency')).toBeNull();

    credentials.stored.openai = login({ access, accountId: 'acct-1' });
    await setup.wrapFetch!(fetch)('https://api.openai.com/v1/responses', post({ input: [] }));
    expect(sent[1].headers.get('x-openai-internal-codex-residency')).toBe('eu');
    // Other OpenAI endpoints keep their address.
    await setup.wrapFetch!(fetch)('https://api.openai.com/v1/files', post({}));
    expect(sent[2].url).toBe('https://api.openai.com/v1/files');
  });

  it('uses the key a Poe login stored, and refuses one that expired', () => {
    const credentials = fakeCallCredentials();
    expect(oauthCallSetup('poe', login({ access: 'poe-key' }), credentials)).toEqual({
      apiKey: 'poe-key',
    });
    expect(() => oauthCallSetup('poe', login({ expires: Date.now() - 1 }), credentials)).toThrow(
      ProviderInitError,
    );
  });

  it('asks the Azure CLI for a token per request, for the audience of the endpoint', async () => {
    const credentials = fakeCallCredentials();
    const setup = oauthCallSetup('azure', login(), credentials)!;
    const { fetch, sent } = recordingFetch();
    const wrapped = setup.wrapFetch!(fetch);
    await wrapped('https://res.openai.azure.com/openai/v1/responses', {
      method: 'POST',
      headers: { 'api-key': 'opencode-oauth-dummy-key' },
    });
    await wrapped('https://proj.services.ai.azure.com/api/projects/p/openai/v1/responses', {
      method: 'POST',
    });
    expect(sent[0].headers.get('authorization')).toBe('Bearer az-token');
    expect(sent[0].headers.get('api-key')).toBeNull();
    expect(credentials.azureScopes).toEqual([
      'https://cognitiveservices.azure.com/.default',
      'https://ai.azure.com/.default',
    ]);
  });

  it('refreshes an xAI token two minutes before it expires, or when its JWT says so', async () => {
    const soon = fakeJwt({ exp: Math.floor(Date.now() / 1000) + 60 });
    const credentials = fakeCallCredentials({ xai: login({ access: soon }) });
    const setup = oauthCallSetup('xai', credentials.stored.xai, credentials)!;
    const { fetch, sent } = recordingFetch();
    await setup.wrapFetch!(fetch)('https://api.x.ai/v1/responses', post({}));
    expect(credentials.refreshed).toEqual(['xai']);
    expect(sent[0].headers.get('authorization')).toBe('Bearer refreshed-1');
    await setup.wrapFetch!(fetch)('https://api.x.ai/v1/responses', post({}));
    expect(credentials.refreshed).toEqual(['xai']);
  });

  it('calls Snowflake at the login account, refreshing once more after a 401', async () => {
    const credentials = fakeCallCredentials({
      'snowflake-cortex': login({ accountId: 'org-acct' }),
    });
    const setup = oauthCallSetup(
      'snowflake-cortex',
      credentials.stored['snowflake-cortex'],
      credentials,
    )!;
    expect(setup.baseURL).toBe('https://org-acct.snowflakecomputing.com/api/v2/cortex/v1');
    const { fetch, sent } = recordingFetch(new Response('{}', { status: 401 }));
    const response = await setup.wrapFetch!(fetch)(
      `${setup.baseURL}/chat/completions`,
      post({ max_tokens: 5 }),
    );
    expect(response.status).toBe(200);
    expect(sent.map((request) => request.headers.get('authorization'))).toEqual([
      'Bearer access-1',
      'Bearer refreshed-1',
    ]);
    expect(JSON.parse(sent[1].body as string)).toEqual({ max_completion_tokens: 5 });
    expect(() => oauthCallSetup('snowflake-cortex', login(), fakeCallCredentials())).toThrow(
      'missing accountId',
    );
  });

  it('gives GitLab the access token for the login instance; none for other providers', () => {
    expect(
      oauthCallSetup(
        'gitlab',
        login({ access: 'glpat', enterpriseUrl: 'https://gitlab.example.com' }),
        fakeCallCredentials(),
      ),
    ).toEqual({ apiKey: 'glpat', settings: { instanceUrl: 'https://gitlab.example.com' } });
    expect(oauthCallSetup('anthropic', login(), fakeCallCredentials())).toBeUndefined();
  });
});

describe('snowflakeCompatibleFetch', () => {
  it('answers a completed conversation as an empty stop and names the streamed role', async () => {
    const refused = new Response(JSON.stringify({ message: 'Conversation complete.' }), {
      status: 400,
      headers: { 'content-type': 'application/json' },
    });
    const { fetch } = recordingFetch(
      refused,
      new Response('data: {"choices":[{"delta":{"role":"","content":"hi"}}]}\n\n', {
        headers: { 'content-type': 'text/event-stream' },
      }),
    );
    const compatible = snowflakeCompatibleFetch(fetch);
    const first = await compatible('https://x/chat/completions', post({}));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      choices: [{ finish_reason: 'stop', message: { content: '', role: 'assistant' } }],
    });
    const second = await compatible('https://x/chat/completions', post({ stream: true }));
    expect(await second.text()).toContain('"role":"assistant"');
  });
});
