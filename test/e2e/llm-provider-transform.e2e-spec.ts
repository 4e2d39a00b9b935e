import {
  startFakeModelServer,
  type FakeModelServer,
  type JsonObject,
  type RecordedRequest,
} from '../support/fake-model-server';
import { isTitleRequest } from '../support/agent-app';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The per-provider adjustments of a model call (src/llm/provider-transform.ts) as they reach the
 * wire: Anthropic's cache breakpoints and thinking budget, an OpenAI-compatible reasoning
 * effort, the session headers, and the variant recorded on the session and its messages.
 */
describe('model calls: per-provider adjustments on the wire', () => {
  let model: FakeModelServer;
  let app: TestApp;

  beforeAll(async () => {
    model = await startFakeModelServer();
    const connection = { baseURL: model.url, apiKey: 'test-key' };
    const config = {
      provider: {
        'fake-anthropic': {
          npm: '@ai-sdk/anthropic',
          name: 'Fake Anthropic',
          options: connection,
          models: {
            'claude-sonnet-4-5': {
              name: 'Fake Claude',
              reasoning: true,
              temperature: true,
              limit: { context: 200_000, output: 64_000 },
            },
          },
        },
        fake: {
          npm: '@ai-sdk/openai-compatible',
          name: 'Fake',
          options: connection,
          models: {
            'fake-reasoner': { name: 'Fake Reasoner', reasoning: true, temperature: true },
          },
        },
      },
      model: 'fake-anthropic/claude-sonnet-4-5',
    };
    app = await startTestApp({ env: { OPENCODE_CONFIG_CONTENT: JSON.stringify(config) } });
  });

  afterAll(async () => {
    await app.close();
    await model.close();
  });

  beforeEach(() => {
    model.reset();
    model.onRequest((request) =>
      isTitleRequest(request) ? { text: 'A title', finish: 'stop' } : undefined,
    );
  });

  async function prompt(body: JsonObject): Promise<{ sessionID: string; turn: RecordedRequest }> {
    const session = await app.http.post('/session').send({}).expect(200);
    const sessionID = (session.body as { id: string }).id;
    await app.http.post(`/session/${sessionID}/message`).send(body).expect(200);
    const turn = model.requests.find((request) => !isTitleRequest(request));
    if (!turn) throw new Error('the turn made no model request');
    return { sessionID, turn };
  }

  it('Anthropic: cache breakpoints on the system prompt and the last message, thinking of the chosen variant', async () => {
    const { sessionID, turn } = await prompt({
      variant: 'high',
      parts: [{ type: 'text', text: 'hello' }],
    });
    expect(turn.api).toBe('anthropic');
    const system = turn.body.system as JsonObject[];
    expect(system.at(-1)).toMatchObject({ cache_control: { type: 'ephemeral' } });
    const messages = turn.body.messages as { content: JsonObject[] }[];
    expect(messages.at(-1)?.content.at(-1)).toMatchObject({
      type: 'text',
      text: 'hello',
      cache_control: { type: 'ephemeral' },
    });
    // The `high` variant of a Claude 4.5 model: a 16,000-token thinking budget, on top of the
    // output cap of 32,000 tokens.
    expect(turn.body.thinking).toEqual({ type: 'enabled', budget_tokens: 16_000 });
    expect(turn.body.max_tokens).toBe(48_000);
    expect(turn.headers['x-session-affinity']).toBe(sessionID);
    expect(turn.headers['x-session-id']).toBe(sessionID);

    const stored = await app.http.get(`/session/${sessionID}`).expect(200);
    expect((stored.body as JsonObject).model).toEqual({
      id: 'claude-sonnet-4-5',
      providerID: 'fake-anthropic',
      variant: 'high',
    });
    const listed = await app.http.get(`/session/${sessionID}/message`).expect(200);
    const [user, answer] = listed.body as { info: JsonObject }[];
    expect(user.info.model).toEqual({
      providerID: 'fake-anthropic',
      modelID: 'claude-sonnet-4-5',
      variant: 'high',
    });
    expect(answer.info.variant).toBe('high');
  });

  it('without a variant: no thinking, and the session records the default variant', async () => {
    const { sessionID, turn } = await prompt({ parts: [{ type: 'text', text: 'hello' }] });
    expect(turn.body.thinking).toBeUndefined();
    expect(turn.body.max_tokens).toBe(32_000);
    const stored = await app.http.get(`/session/${sessionID}`).expect(200);
    expect((stored.body as JsonObject).model).toMatchObject({ variant: 'default' });
  });

  it('OpenAI-compatible: the variant is the reasoning effort, and no cache hints', async () => {
    const { turn } = await prompt({
      model: { providerID: 'fake', modelID: 'fake-reasoner' },
      variant: 'low',
      parts: [{ type: 'text', text: 'hello' }],
    });
    expect(turn.api).toBe('openai');
    expect(turn.body.reasoning_effort).toBe('low');
    expect(turn.body.max_tokens).toBe(32_000);
    expect(turn.rawBody).not.toContain('cache_control');
  });

  it('an unknown variant adds nothing', async () => {
    const { turn } = await prompt({
      model: { providerID: 'fake', modelID: 'fake-reasoner' },
      variant: 'turbo',
      parts: [{ type: 'text', text: 'hello' }],
    });
    expect(turn.body.reasoning_effort).toBeUndefined();
  });
});
