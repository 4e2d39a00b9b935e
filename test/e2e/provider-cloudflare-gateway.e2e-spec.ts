import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAgentTestApp, type AgentTestApp } from '../support/agent-app';
import { startFakeModelServer, type FakeModelServer } from '../support/fake-model-server';

/** One request the fake Cloudflare received. */
interface GatewayRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** One provider call in the universal endpoint's body, as `ai-gateway-provider` writes it. */
interface GatewayEntry {
  provider: string;
  endpoint: string;
  headers: Record<string, string>;
  query: Record<string, unknown>;
}

/** An OpenAI Responses API stream answering `text`. */
function responsesStream(text: string): string {
  const events = [
    { type: 'response.created', response: { id: 'resp_1', created_at: 1_700_000_000, model: 'm' } },
    { type: 'response.output_item.added', output_index: 0, item: { type: 'message', id: 'm1' } },
    { type: 'response.output_text.delta', item_id: 'm1', delta: text },
    {
      type: 'response.output_item.done',
      output_index: 0,
      item: { type: 'message', id: 'm1', content: [{ type: 'output_text', text }] },
    },
    { type: 'response.completed', response: { usage: { input_tokens: 3, output_tokens: 1 } } },
  ];
  return events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('');
}

/**
 * Cloudflare, as far as the AI Gateway goes: the universal endpoint
 * (`/v1/<account>/<gateway>`) answers its first entry as the named provider would (Anthropic
 * messages and Workers AI chat completions by the fake model server, OpenAI's Responses API
 * here), and the account's OpenAI-compatible API (`/client/v4/accounts/<account>/ai/v1`) is
 * passed to the fake model server.
 */
async function startFakeCloudflare(model: FakeModelServer) {
  const requests: GatewayRequest[] = [];
  const forward = async (url: string, body: unknown) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? 'application/json',
      body: Buffer.from(await response.arrayBuffer()),
    };
  };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = JSON.parse(raw || 'null') as unknown;
      requests.push({ path, headers: req.headers, body });
      void (async () => {
        let answer: { status: number; type: string; body: Buffer | string };
        const compatible = /^\/client\/v4\/accounts\/[^/]+\/ai\/v1\/(.+)$/.exec(path);
        if (compatible) {
          answer = await forward(`${model.url}/${compatible[1]}`, body);
        } else {
          const [entry] = body as GatewayEntry[];
          if (entry.provider === 'openai' && entry.endpoint === 'v1/responses') {
            answer = {
              status: 200,
              type: 'text/event-stream',
              body: responsesStream('via gateway'),
            };
          } else if (entry.provider === 'anthropic' && entry.endpoint === 'v1/messages') {
            answer = await forward(`${model.origin}/v1/messages`, entry.query);
          } else if (entry.provider === 'compat' && entry.endpoint === 'chat/completions') {
            answer = await forward(`${model.url}/chat/completions`, entry.query);
          } else {
            answer = { status: 404, type: 'application/json', body: '{"success":false}' };
          }
        }
        res.writeHead(answer.status, { 'content-type': answer.type });
        res.end(answer.body);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Cloudflare AI Gateway models in real turns, as the reference calls them: OpenAI, Anthropic and
 * Workers AI models through the gateway's universal endpoint by `ai-gateway-provider` (the token
 * in `cf-aig-authorization`, each provider's own wire format inside), other models through the
 * account's OpenAI-compatible API naming the gateway. `OPENCODE_OAUTH_HOSTS` sends Cloudflare's
 * hosts to the fake.
 */
describe('Cloudflare AI Gateway', () => {
  let t: AgentTestApp;
  let model: FakeModelServer;
  let cloudflare: Awaited<ReturnType<typeof startFakeCloudflare>>;

  beforeAll(async () => {
    model = await startFakeModelServer();
    cloudflare = await startFakeCloudflare(model);
    t = await startAgentTestApp({
      config: {
        small_model: 'fake/fake-small',
        provider: {
          'cloudflare-ai-gateway': {
            options: { cacheTtl: 60, metadata: { team: 'a' } },
            models: {
              'workers-ai/@cf/meta/llama-3.1-8b-instruct': { name: 'Llama', tool_call: true },
            },
          },
        },
      },
      env: {
        CLOUDFLARE_API_TOKEN: 'cf-secret-token',
        CLOUDFLARE_ACCOUNT_ID: 'acct-1',
        CLOUDFLARE_GATEWAY_ID: 'gw-1',
        OPENCODE_OAUTH_HOSTS: JSON.stringify({
          'gateway.ai.cloudflare.com': cloudflare.origin,
          'api.cloudflare.com': cloudflare.origin,
        }),
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await cloudflare?.close();
    await model?.close();
  });

  async function turn(modelID: string) {
    const sessionID = await t.createSession(`gateway ${modelID}`);
    const answer = await t.prompt(sessionID, {
      parts: [{ type: 'text', text: 'hi' }],
      model: { providerID: 'cloudflare-ai-gateway', modelID },
    });
    expect(answer.info.error).toBeUndefined();
    return answer.parts.find((part) => part.type === 'text')?.text;
  }

  const lastGatewayCall = () => {
    const call = cloudflare.requests.filter((r) => r.path === '/v1/acct-1/gw-1').at(-1)!;
    return { headers: call.headers, entry: (call.body as GatewayEntry[])[0] };
  };

  it('OpenAI models: the Responses API inside the universal endpoint, billed to the account', async () => {
    expect(await turn('openai/gpt-5.4')).toBe('via gateway');
    const { headers, entry } = lastGatewayCall();
    expect(headers['cf-aig-authorization']).toBe('Bearer cf-secret-token');
    expect(headers['cf-aig-cache-ttl']).toBe('60');
    expect(headers['cf-aig-metadata']).toBe('{"team":"a"}');
    expect(entry).toMatchObject({ provider: 'openai', endpoint: 'v1/responses' });
    expect(entry.query.model).toBe('gpt-5.4');
    // No OpenAI key: the header is left out, so the gateway bills the Cloudflare account.
    expect(Object.keys(entry.headers).map((name) => name.toLowerCase())).not.toContain(
      'authorization',
    );
  });

  it('Anthropic models: the Messages API, dots in the id as dashes', async () => {
    model.enqueue({ text: ['Hello ', 'from Claude'] });
    expect(await turn('anthropic/claude-opus-4.5')).toBe('Hello from Claude');
    const { headers, entry } = lastGatewayCall();
    expect(headers['cf-aig-authorization']).toBe('Bearer cf-secret-token');
    expect(entry).toMatchObject({ provider: 'anthropic', endpoint: 'v1/messages' });
    expect(model.requests.at(-1)!.body.model).toBe('claude-opus-4-5');
  });

  it('Workers AI models: the gateway’s OpenAI-compatible endpoint with the token', async () => {
    model.enqueue({ text: 'from Workers AI' });
    expect(await turn('workers-ai/@cf/meta/llama-3.1-8b-instruct')).toBe('from Workers AI');
    const { entry } = lastGatewayCall();
    expect(entry).toMatchObject({ provider: 'compat', endpoint: 'chat/completions' });
    expect(entry.headers.authorization).toBe('Bearer cf-secret-token');
    expect(entry.query.model).toBe('workers-ai/@cf/meta/llama-3.1-8b-instruct');
  });

  it('other models: the account’s OpenAI-compatible API, naming the gateway', async () => {
    model.enqueue({ text: 'from Grok' });
    expect(await turn('xai/grok-4.5')).toBe('from Grok');
    const call = cloudflare.requests.at(-1)!;
    expect(call.path).toBe('/client/v4/accounts/acct-1/ai/v1/chat/completions');
    expect(call.headers.authorization).toBe('Bearer cf-secret-token');
    expect(call.headers['cf-aig-gateway-id']).toBe('gw-1');
  });

  it('keeps the token out of /provider and the logs', async () => {
    const listing = JSON.stringify((await t.http.get('/provider').expect(200)).body);
    expect(listing).not.toContain('cf-secret-token');
    expect(listing).toContain('"cloudflare-ai-gateway"');
  });
});
