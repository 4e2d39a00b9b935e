/**
 * Hermetic fakes of the native wire protocols of the bundled AI SDK packages that do not speak
 * OpenAI's (the OpenAI-compatible and Anthropic fakes are `fake-model-server.ts`), on 127.0.0.1:
 *
 * - Google's Generative Language API: `POST /v1beta/models/<model>:streamGenerateContent?alt=sse`
 *   (`@ai-sdk/google`, base URL `${url}/v1beta`), SSE of `GenerateContentResponse` chunks.
 * - Amazon Bedrock's Converse stream: `POST /model/<model id>/converse-stream`
 *   (`@ai-sdk/amazon-bedrock`, base URL `url`), AWS event-stream binary frames.
 *
 * Each request consumes the next enqueued {@link NativeReply} (else a text reply "ok") and is
 * recorded in `requests`, so a test checks what the package sent (auth headers, tool results).
 */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One reply: text deltas, then tool calls (the turn then ends asking for the tools). */
export interface NativeReply {
  text?: string[];
  toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }>;
}

export interface NativeRequest {
  api: 'google' | 'bedrock';
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface FakeNativeProviders {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  requests: NativeRequest[];
  enqueue(...replies: NativeReply[]): void;
  close(): Promise<void>;
}

const USAGE = { input: 11, output: 7 };

export async function startFakeNativeProviders(): Promise<FakeNativeProviders> {
  const requests: NativeRequest[] = [];
  const queue: NativeReply[] = [];
  const codec = new EventStreamCodec(toUtf8, fromUtf8);

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      const text = Buffer.concat(chunks).toString('utf8');
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      const reply = queue.shift() ?? { text: ['ok'] };
      if (
        request.method === 'POST' &&
        /^\/v1beta\/models\/[^/]+:streamGenerateContent\?alt=sse$/.test(path)
      ) {
        requests.push({ api: 'google', path, headers: request.headers, body });
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const chunk of googleChunks(reply))
          response.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
        response.end();
        return;
      }
      if (request.method === 'POST' && /^\/model\/[^/]+\/converse-stream$/.test(path)) {
        requests.push({ api: 'bedrock', path, headers: request.headers, body });
        response.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
        for (const [type, payload] of bedrockEvents(reply)) {
          response.write(
            codec.encode({
              headers: {
                ':event-type': { type: 'string', value: type },
                ':message-type': { type: 'string', value: 'event' },
                ':content-type': { type: 'string', value: 'application/json' },
              },
              body: fromUtf8(JSON.stringify(payload)),
            }),
          );
        }
        response.end();
        return;
      }
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ error: { message: `no route for ${request.method} ${path}` } }),
      );
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** `GenerateContentResponse` chunks: one per text delta, the function calls, then the finish. */
function googleChunks(reply: NativeReply): unknown[] {
  const candidate = (parts: unknown[], finish?: string) => ({
    candidates: [
      { content: { role: 'model', parts }, index: 0, ...(finish && { finishReason: finish }) },
    ],
  });
  const chunks: unknown[] = (reply.text ?? []).map((text) => candidate([{ text }]));
  if (reply.toolCalls?.length) {
    chunks.push(
      candidate(
        reply.toolCalls.map((call) => ({
          functionCall: { name: call.name, args: call.arguments },
        })),
      ),
    );
  }
  chunks.push({
    ...candidate([], 'STOP'),
    usageMetadata: {
      promptTokenCount: USAGE.input,
      candidatesTokenCount: USAGE.output,
      totalTokenCount: USAGE.input + USAGE.output,
    },
  });
  return chunks;
}

/** Converse stream events: message start, content blocks (text, tool uses), stop, metadata. */
function bedrockEvents(reply: NativeReply): Array<[string, Record<string, unknown>]> {
  const events: Array<[string, Record<string, unknown>]> = [
    ['messageStart', { role: 'assistant' }],
  ];
  let index = 0;
  if (reply.text?.length) {
    events.push(['contentBlockStart', { contentBlockIndex: index, start: {} }]);
    for (const text of reply.text) {
      events.push(['contentBlockDelta', { contentBlockIndex: index, delta: { text } }]);
    }
    events.push(['contentBlockStop', { contentBlockIndex: index }]);
    index++;
  }
  for (const [n, call] of (reply.toolCalls ?? []).entries()) {
    const toolUseId = `tooluse_${n + 1}`;
    events.push([
      'contentBlockStart',
      { contentBlockIndex: index, start: { toolUse: { toolUseId, name: call.name } } },
    ]);
    events.push([
      'contentBlockDelta',
      { contentBlockIndex: index, delta: { toolUse: { input: JSON.stringify(call.arguments) } } },
    ]);
    events.push(['contentBlockStop', { contentBlockIndex: index }]);
    index++;
  }
  events.push(['messageStop', { stopReason: reply.toolCalls?.length ? 'tool_use' : 'end_turn' }]);
  events.push([
    'metadata',
    {
      usage: {
        inputTokens: USAGE.input,
        outputTokens: USAGE.output,
        totalTokens: USAGE.input + USAGE.output,
      },
      metrics: { latencyMs: 1 },
    },
  ]);
  return events;
}
