/**
 * Proves the fake model server against the real AI SDK (ai@6, @ai-sdk/openai-compatible@2,
 * @ai-sdk/anthropic@3), and doubles as a record of how that SDK surfaces text, reasoning, tool
 * calls, usage, finish reasons, HTTP errors, broken streams and aborts.
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import {
  APICallError,
  generateText,
  jsonSchema,
  stepCountIs,
  streamText,
  tool,
  type TextStreamPart,
  type ToolSet,
} from 'ai';
import { startFakeModelServer, type FakeModelServer } from './fake-model-server';

type Part = TextStreamPart<ToolSet>;

async function collect(stream: AsyncIterable<Part>): Promise<Part[]> {
  const parts: Part[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

function deltas(parts: Part[], type: 'text-delta' | 'reasoning-delta'): string[] {
  return parts.flatMap((p) => (p.type === type ? [p.text] : []));
}

const readTool = (execute: (input: { path: string }) => string) =>
  tool({
    description: 'Read a file',
    inputSchema: jsonSchema<{ path: string }>({
      type: 'object',
      properties: { path: { type: 'string' } },
      required: ['path'],
      additionalProperties: false,
    }),
    execute: (input) => execute(input),
  });

describe('fake model server', () => {
  let model: FakeModelServer;
  const openai = () =>
    createOpenAICompatible({
      name: 'fake',
      baseURL: model.url,
      apiKey: 'test-key',
      includeUsage: true,
    })('fake-model');

  beforeEach(async () => {
    model = await startFakeModelServer();
  });
  afterEach(async () => {
    await model.close();
  });

  describe('OpenAI-compatible chat completions', () => {
    it('streams text deltas in order and records the request', async () => {
      model.enqueue({ text: ['Hel', 'lo', ' world'] });
      const result = streamText({
        model: openai(),
        system: 'be brief',
        prompt: 'hi',
        maxRetries: 0,
      });
      const parts = await collect(result.fullStream);

      expect(deltas(parts, 'text-delta')).toEqual(['Hel', 'lo', ' world']);
      expect(await result.text).toBe('Hello world');
      expect(await result.finishReason).toBe('stop');
      expect(await result.rawFinishReason).toBe('stop');
      expect(parts.map((p) => p.type)).toEqual([
        'start',
        'start-step',
        'text-start',
        'text-delta',
        'text-delta',
        'text-delta',
        'text-end',
        'finish-step',
        'finish',
      ]);

      expect(model.requests).toHaveLength(1);
      const [req] = model.requests;
      expect(req.path).toBe('/v1/chat/completions');
      expect(req.stream).toBe(true);
      expect(req.headers.authorization).toBe('Bearer test-key');
      expect(req.body.model).toBe('fake-model');
      expect(req.body.stream_options).toEqual({ include_usage: true });
      expect(req.body.messages).toEqual([
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hi' },
      ]);
    });

    it('streams reasoning (delta.reasoning_content) before the text', async () => {
      model.enqueue({ reasoning: ['Let me ', 'think.'], text: 'Answer' });
      const result = streamText({ model: openai(), prompt: 'q', maxRetries: 0 });
      const parts = await collect(result.fullStream);

      expect(deltas(parts, 'reasoning-delta')).toEqual(['Let me ', 'think.']);
      expect(await result.reasoningText).toBe('Let me think.');
      expect(await result.text).toBe('Answer');
      const types = parts.map((p) => p.type);
      expect(types.indexOf('reasoning-end')).toBeLessThan(types.indexOf('text-start'));
    });

    it('streams a tool call in fragments; the next request carries the tool result', async () => {
      const execute = jest.fn((input: { path: string }) => `contents of ${input.path}`);
      model.enqueue(
        {
          text: 'Reading.',
          toolCalls: [{ id: 'call_a', name: 'read', arguments: { path: 'a.txt' } }],
        },
        { text: 'Done.' },
      );
      const result = streamText({
        model: openai(),
        prompt: 'read a.txt',
        tools: { read: readTool(execute) },
        stopWhen: stepCountIs(5),
        maxRetries: 0,
      });
      const parts = await collect(result.fullStream);

      expect(execute).toHaveBeenCalledWith({ path: 'a.txt' });
      const inputDeltas = parts.flatMap((p) => (p.type === 'tool-input-delta' ? [p.delta] : []));
      expect(inputDeltas.length).toBeGreaterThan(1);
      expect(inputDeltas.join('')).toBe('{"path":"a.txt"}');
      const call = parts.find((p) => p.type === 'tool-call');
      expect(call).toMatchObject({
        toolCallId: 'call_a',
        toolName: 'read',
        input: { path: 'a.txt' },
      });
      const toolResult = parts.find((p) => p.type === 'tool-result');
      expect(toolResult).toMatchObject({ toolCallId: 'call_a', output: 'contents of a.txt' });

      const steps = await result.steps;
      expect(steps.map((s) => s.finishReason)).toEqual(['tool-calls', 'stop']);
      expect(await result.text).toBe('Done.'); // text of the last step only

      expect(model.requests).toHaveLength(2);
      expect(model.requests[0].body.tools).toEqual([
        expect.objectContaining({
          type: 'function',
          function: expect.objectContaining({ name: 'read' }),
        }),
      ]);
      const messages = model.requests[1].body.messages as Record<string, unknown>[];
      expect(messages).toContainEqual(
        expect.objectContaining({
          role: 'assistant',
          tool_calls: [
            {
              id: 'call_a',
              type: 'function',
              function: { name: 'read', arguments: '{"path":"a.txt"}' },
            },
          ],
        }),
      );
      expect(messages).toContainEqual({
        role: 'tool',
        tool_call_id: 'call_a',
        content: 'contents of a.txt',
      });
    });

    it('reports usage from the final chunk, per step and in total', async () => {
      model.enqueue({
        text: 'x',
        usage: { prompt_tokens: 12, completion_tokens: 7, cached_tokens: 4, reasoning_tokens: 2 },
      });
      const result = streamText({ model: openai(), prompt: 'q', maxRetries: 0 });
      const parts = await collect(result.fullStream);

      const usage = await result.usage;
      expect(usage).toMatchObject({
        inputTokens: 12,
        outputTokens: 7,
        totalTokens: 19,
        inputTokenDetails: { noCacheTokens: 8, cacheReadTokens: 4 },
        outputTokenDetails: { textTokens: 5, reasoningTokens: 2 },
      });
      expect(await result.totalUsage).toMatchObject({ inputTokens: 12, outputTokens: 7 });
      const finishStep = parts.find((p) => p.type === 'finish-step');
      expect(finishStep).toMatchObject({ finishReason: 'stop', usage: { inputTokens: 12 } });
    });

    it('maps finish "length"', async () => {
      model.enqueue({ text: 'trunc', finish: 'length' });
      const result = streamText({ model: openai(), prompt: 'q', maxRetries: 0 });
      await result.consumeStream();
      expect(await result.finishReason).toBe('length');
    });

    it('surfaces 429 with retry-after as an APICallError (error part, not a throw)', async () => {
      model.enqueue({ status: 429, retryAfter: 7 });
      const onError = jest.fn();
      const result = streamText({ model: openai(), prompt: 'q', maxRetries: 0, onError });
      const parts = await collect(result.fullStream);

      const errorPart = parts.find((p) => p.type === 'error');
      expect(errorPart).toBeDefined();
      const error = errorPart?.type === 'error' ? errorPart.error : undefined;
      expect(APICallError.isInstance(error)).toBe(true);
      if (!APICallError.isInstance(error)) return;
      expect(error.statusCode).toBe(429);
      expect(error.isRetryable).toBe(true);
      expect(error.responseHeaders?.['retry-after']).toBe('7');
      expect(error.message).toBe('Rate limit exceeded');
      expect(onError).toHaveBeenCalledWith({ error });
      // The awaitable results reject, but with NoOutputGeneratedError rather than the cause.
      await expect(result.text).rejects.toMatchObject({ name: 'AI_NoOutputGeneratedError' });
    });

    it('retries a 429 by itself when maxRetries > 0, honouring retry-after', async () => {
      model.enqueue({ status: 429, retryAfter: 0 }, { text: 'after retry' });
      const result = streamText({ model: openai(), prompt: 'q', maxRetries: 1 });
      expect(await result.text).toBe('after retry');
      expect(model.requests).toHaveLength(2);
    });

    it('surfaces 500 as a retryable APICallError', async () => {
      model.enqueue({ status: 500 });
      const result = streamText({ model: openai(), prompt: 'q', maxRetries: 0, onError: () => {} });
      const parts = await collect(result.fullStream);
      const errorPart = parts.find((p) => p.type === 'error');
      const error = errorPart?.type === 'error' ? errorPart.error : undefined;
      expect(APICallError.isInstance(error) && error.statusCode).toBe(500);
      expect(APICallError.isInstance(error) && error.isRetryable).toBe(true);
    });

    it('throws from fullStream when the connection drops mid-stream, after the deltas that got through', async () => {
      model.enqueue({ text: ['a', 'b', 'c', 'd'], dropConnection: true, dropAfterChunks: 2 });
      const onError = jest.fn();
      const result = streamText({ model: openai(), prompt: 'q', maxRetries: 0, onError });
      const parts: Part[] = [];
      let thrown: unknown;
      try {
        for await (const part of result.fullStream) parts.push(part);
      } catch (error) {
        thrown = error;
      }

      expect(deltas(parts, 'text-delta')).toEqual(['a', 'b']);
      // Not an error part: a broken body is thrown by the iteration, and onError is not called.
      expect(parts.some((p) => p.type === 'error')).toBe(false);
      expect(onError).not.toHaveBeenCalled();
      expect(APICallError.isInstance(thrown)).toBe(true);
      if (!APICallError.isInstance(thrown)) return;
      expect(thrown.message).toBe('Failed to process successful response');
      expect(thrown.statusCode).toBe(200);
      expect(thrown.cause).toMatchObject({
        name: 'TypeError',
        message: 'terminated',
        cause: { code: 'UND_ERR_SOCKET' },
      });
      // isRetryable is true under plain Node but false under jest: the SDK tests
      // `error instanceof TypeError`, and undici's TypeError comes from another realm than
      // jest's sandbox. Do not rely on it in tests.
      await expect(result.text).rejects.toBe(thrown);
    });

    it('surfaces a connection closed before any response as an error part', async () => {
      model.enqueue({ dropConnection: 'before-response' });
      const result = streamText({ model: openai(), prompt: 'q', maxRetries: 0, onError: () => {} });
      const parts = await collect(result.fullStream);
      const errorPart = parts.find((p) => p.type === 'error');
      const error = errorPart?.type === 'error' ? errorPart.error : undefined;
      // Under plain Node: APICallError "Cannot connect to API: other side closed", isRetryable
      // true. Under jest the realm mismatch (see above) leaves undici's raw
      // `TypeError: fetch failed`, so the SDK neither wraps nor retries it.
      if (APICallError.isInstance(error)) {
        expect(error.message).toBe('Cannot connect to API: other side closed');
        expect(error.isRetryable).toBe(true);
      } else {
        expect(error).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
      }
      expect(error).toMatchObject({ cause: { code: 'UND_ERR_SOCKET' } });
      // Errors before the stream started leave nothing to resolve the results with.
      await expect(result.text).rejects.toMatchObject({ name: 'AI_NoOutputGeneratedError' });
    });

    it('surfaces an in-stream error chunk as an error part', async () => {
      model.enqueue({ text: 'partial', streamError: { message: 'upstream exploded' } });
      const result = streamText({ model: openai(), prompt: 'q', maxRetries: 0, onError: () => {} });
      const parts = await collect(result.fullStream);
      expect(deltas(parts, 'text-delta')).toEqual(['partial']);
      const errorPart = parts.find((p) => p.type === 'error');
      expect(errorPart).toMatchObject({ error: { message: 'upstream exploded' } });
      expect(parts.find((p) => p.type === 'finish-step')).toMatchObject({ finishReason: 'error' });
      expect(await result.finishReason).toBe('error');
    });

    it('aborts a hanging stream cleanly with an AbortController', async () => {
      model.enqueue({ text: ['partial'], hang: true });
      const controller = new AbortController();
      const onAbort = jest.fn();
      const onError = jest.fn();
      const result = streamText({
        model: openai(),
        prompt: 'q',
        maxRetries: 0,
        abortSignal: controller.signal,
        onAbort,
        onError,
      });
      const parts: Part[] = [];
      for await (const part of result.fullStream) {
        parts.push(part);
        if (part.type === 'text-delta') controller.abort();
      }

      expect(deltas(parts, 'text-delta')).toEqual(['partial']);
      expect(parts.at(-1)?.type).toBe('abort');
      expect(parts.some((p) => p.type === 'error')).toBe(false);
      expect(onAbort).toHaveBeenCalledTimes(1);
      expect(onError).not.toHaveBeenCalled();
      await expect(result.text).rejects.toMatchObject({ name: 'AbortError' });
      await waitFor(() => model.requests[0].aborted);
    });

    it('ends hanging streams when the server closes', async () => {
      model.enqueue({ text: 'partial', hang: true });
      const result = streamText({ model: openai(), prompt: 'q', maxRetries: 0 });
      const iterate = collect(result.fullStream);
      await model.waitForRequests(1);
      await model.close();
      await expect(iterate).rejects.toMatchObject({ name: 'AI_APICallError' });
    });

    it('answers non-streaming requests with a JSON completion', async () => {
      model.enqueue({
        reasoning: 'r',
        text: ['one ', 'two'],
        toolCalls: [{ id: 'call_x', name: 'read', arguments: { path: 'x' } }],
        usage: { prompt_tokens: 3, completion_tokens: 4 },
      });
      const result = await generateText({
        model: openai(),
        prompt: 'q',
        tools: { read: tool({ inputSchema: jsonSchema<{ path: string }>({ type: 'object' }) }) },
        maxRetries: 0,
      });
      expect(model.requests[0].stream).toBe(false);
      expect(result.text).toBe('one two');
      expect(result.reasoningText).toBe('r');
      expect(result.toolCalls).toMatchObject([{ toolCallId: 'call_x', input: { path: 'x' } }]);
      expect(result.finishReason).toBe('tool-calls');
      expect(result.usage).toMatchObject({ inputTokens: 3, outputTokens: 4, totalTokens: 7 });
    });

    it('answers "ok" when nothing is queued, and routes with onRequest', async () => {
      expect(await streamText({ model: openai(), prompt: 'q', maxRetries: 0 }).text).toBe('ok');

      model.onRequest((req) => {
        const messages = req.body.messages as { role: string; content: unknown }[];
        return messages.some((m) => m.role === 'system' && m.content === 'title')
          ? { text: 'A title' }
          : undefined;
      });
      model.enqueue({ text: 'main answer' });
      const title = streamText({ model: openai(), system: 'title', prompt: 'q', maxRetries: 0 });
      expect(await title.text).toBe('A title');
      expect(model.pendingScripts()).toBe(1);
      const main = streamText({ model: openai(), prompt: 'q', maxRetries: 0 });
      expect(await main.text).toBe('main answer');
      expect(model.pendingScripts()).toBe(0);
      expect(model.requests).toHaveLength(3);
    });
  });

  describe('Anthropic messages', () => {
    const anthropic = () =>
      createAnthropic({ baseURL: model.url, apiKey: 'ant-key' })('claude-fake');
    // An unknown model id without maxOutputTokens makes the SDK log a compatibility warning.
    const maxOutputTokens = 1024;

    it('streams reasoning, text and a tool call; the next request carries the tool result', async () => {
      model.enqueue(
        {
          reasoning: ['Think', 'ing'],
          text: ['Hi', ' there'],
          toolCalls: [{ id: 'toolu_1', name: 'read', arguments: { path: 'b.txt' } }],
          usage: { prompt_tokens: 20, completion_tokens: 9, cached_tokens: 5 },
        },
        { text: 'Finished.' },
      );
      const result = streamText({
        model: anthropic(),
        system: 'sys',
        prompt: 'go',
        tools: { read: readTool((i) => `read ${i.path}`) },
        stopWhen: stepCountIs(3),
        maxRetries: 0,
        maxOutputTokens,
      });
      const parts = await collect(result.fullStream);

      // The signature_delta arrives as an empty reasoning delta carrying the signature.
      expect(deltas(parts, 'reasoning-delta')).toEqual(['Think', 'ing', '']);
      expect(parts.filter((p) => p.type === 'reasoning-delta').at(-1)).toMatchObject({
        providerMetadata: { anthropic: { signature: expect.stringMatching(/^fake-signature-/) } },
      });
      expect(deltas(parts, 'text-delta')).toEqual(['Hi', ' there', 'Finished.']);
      expect(parts.find((p) => p.type === 'tool-call')).toMatchObject({
        toolCallId: 'toolu_1',
        toolName: 'read',
        input: { path: 'b.txt' },
      });
      const steps = await result.steps;
      expect(steps.map((s) => s.finishReason)).toEqual(['tool-calls', 'stop']);
      expect(steps[0].rawFinishReason).toBe('tool_use');
      expect(steps[0].usage).toMatchObject({
        inputTokens: 20,
        outputTokens: 9,
        inputTokenDetails: { cacheReadTokens: 5, noCacheTokens: 15 },
      });

      expect(model.requests).toHaveLength(2);
      const [first, second] = model.requests;
      expect(first.path).toBe('/v1/messages');
      expect(first.api).toBe('anthropic');
      expect(first.headers['x-api-key']).toBe('ant-key');
      expect(first.headers['anthropic-version']).toBe('2023-06-01');
      expect(first.body.system).toEqual([{ type: 'text', text: 'sys' }]);
      expect(first.body.tools).toEqual([expect.objectContaining({ name: 'read' })]);
      const messages = second.body.messages as { role: string; content: unknown[] }[];
      const assistant = messages.find((m) => m.role === 'assistant');
      // The thinking block goes back with the signature the fake sent.
      expect(assistant?.content).toContainEqual(
        expect.objectContaining({ type: 'thinking', thinking: 'Thinking' }),
      );
      expect(messages.at(-1)).toMatchObject({
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'read b.txt' }],
      });
    });

    it('surfaces 429 as an APICallError with the Anthropic error message', async () => {
      model.enqueue({ status: 429, retryAfter: 2 });
      const result = streamText({
        model: anthropic(),
        prompt: 'q',
        maxRetries: 0,
        onError: () => {},
      });
      const parts = await collect(result.fullStream);
      const errorPart = parts.find((p) => p.type === 'error');
      const error = errorPart?.type === 'error' ? errorPart.error : undefined;
      expect(APICallError.isInstance(error)).toBe(true);
      if (!APICallError.isInstance(error)) return;
      expect(error.statusCode).toBe(429);
      expect(error.message).toBe('Rate limit exceeded');
      expect(error.responseHeaders?.['retry-after']).toBe('2');
    });

    it('answers non-streaming requests', async () => {
      model.enqueue({ text: 'plain', usage: { prompt_tokens: 2, completion_tokens: 1 } });
      const result = await generateText({
        model: anthropic(),
        prompt: 'q',
        maxRetries: 0,
        maxOutputTokens,
      });
      expect(result.text).toBe('plain');
      expect(result.finishReason).toBe('stop');
      expect(result.usage).toMatchObject({ inputTokens: 2, outputTokens: 1 });
    });
  });
});

async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
