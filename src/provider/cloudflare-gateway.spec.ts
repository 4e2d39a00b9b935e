import { cloudflareGatewayModel, type GatewayCall } from './cloudflare-gateway';

function call(overrides: Partial<GatewayCall> = {}): GatewayCall {
  return {
    providerID: 'cloudflare-ai-gateway',
    modelID: 'xai/grok-4.5',
    options: {},
    credential: {
      type: 'key',
      apiKey: 'stored-token',
      metadata: { accountId: 'a', gatewayId: 'g' },
    },
    variables: {},
    credentials: { url: (address) => address },
    fetch: globalThis.fetch,
    ...overrides,
  };
}

describe('cloudflareGatewayModel', () => {
  it('needs the account and the gateway, from the environment or stored with the key', async () => {
    await expect(
      cloudflareGatewayModel(call({ credential: { type: 'key', apiKey: 't' } })),
    ).rejects.toMatchObject({
      data: {
        message:
          'CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_GATEWAY_ID missing. Set with: export CLOUDFLARE_ACCOUNT_ID=<value> && export CLOUDFLARE_GATEWAY_ID=<value>',
      },
    });
    await expect(
      cloudflareGatewayModel(
        call({
          credential: { type: 'key', apiKey: 't' },
          variables: { CLOUDFLARE_ACCOUNT_ID: 'a' },
        }),
      ),
    ).rejects.toMatchObject({
      data: { message: expect.stringMatching(/^CLOUDFLARE_GATEWAY_ID missing/) },
    });
  });

  it('needs a token', async () => {
    await expect(
      cloudflareGatewayModel(
        call({
          credential: { type: 'none' },
          variables: { CLOUDFLARE_ACCOUNT_ID: 'a', CLOUDFLARE_GATEWAY_ID: 'g' },
        }),
      ),
    ).rejects.toMatchObject({
      data: {
        message: expect.stringContaining('CLOUDFLARE_API_TOKEN (or CF_AIG_TOKEN) is required'),
      },
    });
  });

  it('calls other models through the account’s OpenAI-compatible API, naming the gateway', async () => {
    const sent: { url: string; headers: Headers }[] = [];
    const fetch = ((input: string | URL | Request, init?: RequestInit) => {
      sent.push({
        url: input instanceof Request ? input.url : input.toString(),
        headers: new Headers(init?.headers),
      });
      return Promise.resolve(new Response('{}', { status: 500 }));
    }) as typeof globalThis.fetch;
    const model = await cloudflareGatewayModel(
      call({ fetch, variables: { CF_AIG_TOKEN: 'env-token', CLOUDFLARE_ACCOUNT_ID: 'env-acct' } }),
    );
    await Promise.resolve(
      model.doGenerate({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }),
    ).catch(() => undefined);
    expect(sent[0].url).toBe(
      'https://api.cloudflare.com/client/v4/accounts/env-acct/ai/v1/chat/completions',
    );
    expect(sent[0].headers.get('authorization')).toBe('Bearer env-token');
    expect(sent[0].headers.get('cf-aig-gateway-id')).toBe('g');
  });
});
