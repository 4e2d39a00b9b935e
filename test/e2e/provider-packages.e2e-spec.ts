import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAgentTestApp, type AgentTestApp, type StoredMessage } from '../support/agent-app';
import {
  startFakeNativeProviders,
  type FakeNativeProviders,
  type NativeRequest,
} from '../support/fake-native-providers';

/**
 * Providers whose AI SDK packages speak their own wire protocol, driven through a real turn:
 * `POST /session/:id/message` → the package (`@ai-sdk/google`, `@ai-sdk/amazon-bedrock`) → a
 * fake of the provider's API on 127.0.0.1 → the turn's parts stored, tools run.
 */
describe('providers through their own packages', () => {
  let t: AgentTestApp;
  let native: FakeNativeProviders;

  beforeAll(async () => {
    native = await startFakeNativeProviders();
    t = await startAgentTestApp({
      config: {
        // Titles go to the OpenAI-compatible fake, so the native fakes see only the turns.
        small_model: 'fake/fake-small',
        provider: {
          gemini: {
            npm: '@ai-sdk/google',
            options: { baseURL: `${native.url}/v1beta`, apiKey: 'google-test-key' },
            models: { 'gemini-2.5-flash': { name: 'Gemini Flash', tool_call: true } },
          },
          'amazon-bedrock': {
            npm: '@ai-sdk/amazon-bedrock',
            options: { baseURL: native.url, region: 'us-east-1' },
            models: { 'anthropic.claude-sonnet-4-5': { name: 'Claude on Bedrock' } },
          },
        },
      },
      env: { AWS_ACCESS_KEY_ID: 'AKIDFAKEFORTESTS', AWS_SECRET_ACCESS_KEY: 'fake-secret-key' },
    });
    writeFileSync(join(t.directory, 'notes.txt'), 'alpha\nbeta\n');
  });
  afterAll(async () => {
    await t?.close();
    await native?.close();
  });

  const models = {
    google: { providerID: 'gemini', modelID: 'gemini-2.5-flash' },
    bedrock: { providerID: 'amazon-bedrock', modelID: 'anthropic.claude-sonnet-4-5' },
  };

  async function turn(api: 'google' | 'bedrock', text: string): Promise<StoredMessage> {
    const sessionID = await t.createSession(`${api} turn`);
    return t.prompt(sessionID, { parts: [{ type: 'text', text }], model: models[api] });
  }

  const lastRequest = (api: NativeRequest['api']) =>
    native.requests.filter((request) => request.api === api).at(-1)!;

  it('google: a text turn through the Generative Language API', async () => {
    native.enqueue({ text: ['Hello ', 'from Gemini'] });
    const answer = await turn('google', 'hi');
    expect(answer.info.error).toBeUndefined();
    expect(answer.info).toMatchObject({ providerID: 'gemini', modelID: 'gemini-2.5-flash' });
    expect(answer.parts.find((part) => part.type === 'text')?.text).toBe('Hello from Gemini');
    expect((answer.info.tokens as { input: number }).input).toBe(11);
    const request = lastRequest('google');
    expect(request.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(request.headers['x-goog-api-key']).toBe('google-test-key');
    expect(JSON.stringify(request.body.contents)).toContain('hi');
  });

  it('google: a tool turn runs the tool and sends its result back', async () => {
    native.enqueue(
      { toolCalls: [{ name: 'read', arguments: { filePath: 'notes.txt' } }] },
      { text: ['read it'] },
    );
    const answer = await turn('google', 'read the notes');
    expect(answer.parts.find((part) => part.type === 'text')?.text).toBe('read it');
    const messages = await t.messages(answer.info.sessionID);
    const tool = messages.flatMap((m) => m.parts).find((part) => part.type === 'tool');
    expect(tool).toMatchObject({ tool: 'read', state: { status: 'completed' } });
    expect(String((tool!.state as { output: string }).output)).toContain('alpha');
    const followUp = JSON.stringify(lastRequest('google').body.contents);
    expect(followUp).toContain('functionResponse');
    expect(followUp).toContain('alpha');
  });

  it('bedrock: a text turn through the Converse stream, signed with the AWS keys', async () => {
    native.enqueue({ text: ['Hello ', 'from Bedrock'] });
    const answer = await turn('bedrock', 'hi');
    expect(answer.info.error).toBeUndefined();
    expect(answer.parts.find((part) => part.type === 'text')?.text).toBe('Hello from Bedrock');
    const request = lastRequest('bedrock');
    // The cross-region inference profile of us-east-1, as the reference asks for it.
    expect(request.path).toBe('/model/us.anthropic.claude-sonnet-4-5/converse-stream');
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDFAKEFORTESTS\/\d{8}\/us-east-1\/bedrock\/aws4_request/,
    );
    expect(JSON.stringify(request.body.messages)).toContain('hi');
  });

  it('bedrock: a tool turn runs the tool and sends its result back', async () => {
    native.enqueue(
      { toolCalls: [{ name: 'read', arguments: { filePath: 'notes.txt' } }] },
      { text: ['read it'] },
    );
    const answer = await turn('bedrock', 'read the notes');
    expect(answer.parts.find((part) => part.type === 'text')?.text).toBe('read it');
    const messages = await t.messages(answer.info.sessionID);
    const tool = messages.flatMap((m) => m.parts).find((part) => part.type === 'tool');
    expect(tool).toMatchObject({ tool: 'read', state: { status: 'completed' } });
    const followUp = JSON.stringify(lastRequest('bedrock').body.messages);
    expect(followUp).toContain('toolResult');
    expect(followUp).toContain('alpha');
  });

  it('keeps credentials out of the provider listing', async () => {
    const response = await t.http.get('/provider').expect(200);
    const text = JSON.stringify(response.body);
    for (const secret of ['google-test-key', 'fake-secret-key']) expect(text).not.toContain(secret);
    expect((response.body as { connected: string[] }).connected).toEqual(
      expect.arrayContaining(['gemini', 'amazon-bedrock']),
    );
  });
});
