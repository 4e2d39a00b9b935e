import type { LanguageModelV3StreamPart, LanguageModelV3Usage } from '@ai-sdk/provider';
import { convertArrayToReadableStream, MockLanguageModelV3 } from 'ai/test';
import { z } from 'zod';
import { AppEnvironment } from '../core/config/app-environment';
import type { ModelInfo } from '../provider/provider.types';
import { LlmService, type StepStreamPart } from './llm.service';

const usage: LanguageModelV3Usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 5, text: 5, reasoning: 0 },
};

function streamingModel(chunks: LanguageModelV3StreamPart[]): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    doStream: () => Promise.resolve({ stream: convertArrayToReadableStream(chunks) }),
  });
}

async function collect(stream: AsyncIterable<StepStreamPart>): Promise<StepStreamPart[]> {
  const parts: StepStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('LlmService', () => {
  const llm = new LlmService(new AppEnvironment({ HOME: '/tmp' }, '/tmp'));

  it('streams one step: text, the tool calls it runs, and the step finish', async () => {
    const model = streamingModel([
      { type: 'text-start', id: 't1' },
      { type: 'text-delta', id: 't1', delta: 'Reading' },
      { type: 'text-end', id: 't1' },
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'read', input: '{"filePath":"a.txt"}' },
      { type: 'finish', usage, finishReason: { unified: 'tool-calls', raw: 'tool_calls' } },
    ]);
    const calls: { input: Record<string, unknown>; callID: string }[] = [];
    const stream = await llm.streamStep({
      model,
      system: 'be brief',
      messages: [{ role: 'user', content: 'read a.txt' }],
      tools: {
        read: {
          description: 'Reads a file',
          parameters: z.object({ filePath: z.string() }),
          execute: (input, callID) => {
            calls.push({ input, callID });
            return Promise.resolve('hello');
          },
        },
      },
      signal: new AbortController().signal,
      temperature: 0.2,
    });
    const parts = await collect(stream);
    expect(calls).toEqual([{ input: { filePath: 'a.txt' }, callID: 'call_1' }]);
    const types = parts.map((part) => part.type);
    expect(types).toEqual(expect.arrayContaining(['text-delta', 'tool-result', 'finish-step']));
    const finish = parts.find((part) => part.type === 'finish-step');
    expect(finish?.type === 'finish-step' && finish.finishReason).toBe('tool-calls');
    // One model call per step; the SDK's own retries and later steps are the loop's business.
    expect(model.doStreamCalls).toHaveLength(1);
    const [call] = model.doStreamCalls;
    expect(call.temperature).toBe(0.2);
    expect(call.prompt[0]).toEqual({ role: 'system', content: 'be brief' });
    expect(call.tools?.[0]).toMatchObject({ type: 'function', name: 'read' });
  });

  it('reports a failed call in the stream instead of throwing', async () => {
    const model = new MockLanguageModelV3({
      doStream: () => Promise.reject(new Error('connection refused')),
    });
    const stream = await llm.streamStep({
      model,
      system: '',
      messages: [{ role: 'user', content: 'hi' }],
      tools: {},
      signal: new AbortController().signal,
    });
    const parts = await collect(stream);
    const error = parts.find((part) => part.type === 'error');
    expect(error?.type === 'error' && (error.error as Error).message).toBe('connection refused');
  });

  it('converts a tool input schema once and reuses it', async () => {
    const parameters = z.object({ pattern: z.string() });
    const tool = { description: 'Finds', parameters, execute: () => Promise.resolve('') };
    const schemas: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      const model = streamingModel([
        { type: 'finish', usage, finishReason: { unified: 'stop', raw: 'stop' } },
      ]);
      await collect(
        await llm.streamStep({
          model,
          system: '',
          messages: [{ role: 'user', content: 'hi' }],
          tools: { grep: tool },
          signal: new AbortController().signal,
        }),
      );
      schemas.push(model.doStreamCalls[0].tools?.[0]);
    }
    expect(schemas[0]).toEqual(schemas[1]);
    expect(schemas[0]).toMatchObject({
      inputSchema: { type: 'object', properties: { pattern: { type: 'string' } } },
    });
  });

  it('generates a whole answer from a prompt or a conversation', async () => {
    const model = new MockLanguageModelV3({
      doGenerate: {
        content: [{ type: 'text', text: 'Fix login loop' }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage,
        warnings: [],
      },
    });
    const fromPrompt = await llm.generate({
      model,
      system: 'title',
      prompt: 'the login page loops',
      maxRetries: 1,
    });
    expect(fromPrompt).toEqual({
      text: 'Fix login loop',
      finishReason: 'stop',
      usage: expect.objectContaining({ inputTokens: 10, outputTokens: 5 }) as unknown,
    });
    await llm.generate({
      model,
      system: 'summary',
      messages: [{ role: 'user', content: 'so far' }],
      maxRetries: 0,
    });
    expect(model.doGenerateCalls[0].prompt[1]).toEqual({
      role: 'user',
      content: [{ type: 'text', text: 'the login page loops' }],
    });
    expect(model.doGenerateCalls[1].prompt[1]).toEqual({
      role: 'user',
      content: [{ type: 'text', text: 'so far' }],
    });
  });

  it('adds the built-in plugins’ headers and params, and Copilot’s placeholder tool', async () => {
    const copilot: ModelInfo = {
      id: 'gpt-5.4',
      providerID: 'github-copilot',
      api: { id: 'gpt-5.4', url: '', npm: '@ai-sdk/github-copilot' },
      name: 'GPT-5.4',
      capabilities: {
        temperature: false,
        reasoning: false,
        attachment: false,
        toolcall: true,
        input: { text: true, audio: false, image: false, video: false, pdf: false },
        output: { text: true, audio: false, image: false, video: false, pdf: false },
        interleaved: false,
      },
      cost: { input: 0, output: 0, cache: { read: 0, write: 0 } },
      limit: { context: 128_000, output: 64_000 },
      status: 'active',
      options: {},
      headers: {},
      release_date: '',
      variants: {},
    };
    const model = streamingModel([
      { type: 'finish', usage, finishReason: { unified: 'stop', raw: 'stop' } },
    ]);
    await collect(
      await llm.streamStep({
        model,
        context: {
          model: copilot,
          providerOptions: {},
          sessionID: 'ses_child',
          parentSessionID: 'ses_parent',
        },
        system: '',
        messages: [
          { role: 'user', content: 'read' },
          {
            role: 'assistant',
            content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'read', input: {} }],
          },
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: 'c1',
                toolName: 'read',
                output: { type: 'text', value: 'x' },
              },
            ],
          },
        ],
        tools: {},
        signal: new AbortController().signal,
      }),
    );
    const [call] = model.doStreamCalls;
    expect(call.headers).toMatchObject({
      'x-session-affinity': 'ses_child',
      'x-parent-session-id': 'ses_parent',
      'X-GitHub-Api-Version': '2026-06-01',
      'X-Interaction-Id': 'ses_child',
      'x-initiator': 'agent',
    });
    expect(call.headers?.['User-Agent']).toMatch(/^opencode\//);
    expect(call.maxOutputTokens).toBeUndefined();
    expect(call.tools?.map((tool) => tool.name)).toEqual(['_noop']);
  });
});
