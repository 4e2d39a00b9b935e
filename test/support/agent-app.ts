import {
  startFakeModelServer,
  type FakeModelServer,
  type RecordedRequest,
} from './fake-model-server';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app';

export interface AgentTestApp extends TestApp {
  model: FakeModelServer;
  /** Creates a session and returns its id. */
  createSession(title?: string): Promise<string>;
}

/**
 * A test server whose default model is `fake/fake-model`, an OpenAI-compatible provider pointed
 * at a fake streaming server on 127.0.0.1: prompts exercise the real AI SDK over real HTTP.
 * Title-generation requests are answered with a fixed title so they never eat a test's script.
 */
export async function startAgentTestApp(
  options: TestAppOptions & { config?: Record<string, unknown> } = {},
): Promise<AgentTestApp> {
  const model = await startFakeModelServer();
  model.onRequest((request) =>
    isTitleRequest(request) ? { text: 'Generated title', finish: 'stop' } : undefined,
  );
  const config = {
    provider: {
      fake: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Fake',
        options: { baseURL: model.url, apiKey: 'test-key' },
        models: { 'fake-model': { name: 'Fake Model', cost: { input: 1, output: 2 } } },
      },
    },
    model: 'fake/fake-model',
    ...options.config,
  };
  const app = await startTestApp({
    ...options,
    env: { OPENCODE_CONFIG_CONTENT: JSON.stringify(config), ...options.env },
  });
  return {
    ...app,
    model,
    async createSession(title?: string) {
      const response = await app.http
        .post('/session')
        .send(title ? { title } : {})
        .expect(200);
      return (response.body as { id: string }).id;
    },
    async close() {
      await app.close();
      await model.close();
    },
  };
}

export function isTitleRequest(request: RecordedRequest): boolean {
  const messages = request.body.messages as Array<{ role: string; content: unknown }> | undefined;
  const system = messages?.find((message) => message.role === 'system');
  return (
    typeof system?.content === 'string' &&
    system.content.startsWith('Write a title for a conversation')
  );
}

/** The requests of the turn itself (title generation left out). */
export function turnRequests(model: FakeModelServer): RecordedRequest[] {
  return model.requests.filter((request) => !isTitleRequest(request));
}
