/**
 * The floor under `agent-loop.ts`'s latency figure: the least any Node server can add between a
 * model's streamed chunk and an SSE frame on this machine, measured with the same fake model,
 * client and pacing. Not a server: one stream read and relayed as one frame per text delta, by
 * one of three readers:
 *
 * - `fetch`: `fetch` and a hand-rolled SSE line split (what no layer of the AI SDK costs);
 * - `provider`: the AI SDK provider's `doStream` (`@ai-sdk/openai-compatible`, chunk validation
 *   and stream parts included);
 * - `stream-text`: `streamText` over that provider, as the agent loop calls it.
 *
 * `GET /event` streams the frames; `POST /turn?model=<chat completions URL>&tag=<tag>` relays
 * one stream and answers when it ended. Run by `agent-loop.ts` as a child process.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Reader = 'fetch' | 'provider' | 'stream-text';

const clients = new Set<ServerResponse>();

function broadcast(delta: string): void {
  const frame = `data: ${JSON.stringify({ type: 'message.part.delta', properties: { field: 'text', delta } })}\n\n`;
  for (const client of clients) client.write(frame);
}

async function relayWithFetch(url: string, tag: string): Promise<void> {
  const response = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: `bench:${tag}` }] }),
  });
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!event.startsWith('data: {')) continue;
      const parsed = JSON.parse(event.slice(6)) as {
        choices: Array<{ delta?: { content?: string } }>;
      };
      const delta = parsed.choices[0]?.delta?.content;
      if (delta) broadcast(delta);
    }
  }
}

async function relayWithSdk(reader: Reader, url: string, tag: string): Promise<void> {
  const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
  const model = createOpenAICompatible({
    name: 'bench',
    baseURL: url,
    apiKey: 'bench',
    includeUsage: true,
  })('model');
  const prompt = `bench:${tag}`;
  if (reader === 'provider') {
    const { stream } = await model.doStream({
      prompt: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
    });
    for await (const part of stream as unknown as AsyncIterable<{ type: string; delta?: string }>)
      if (part.type === 'text-delta' && part.delta) broadcast(part.delta);
    return;
  }
  const { streamText } = await import('ai');
  const result = streamText({ model, prompt, maxRetries: 0, onError: () => undefined });
  for await (const part of result.fullStream) if (part.type === 'text-delta') broadcast(part.text);
}

async function handle(reader: Reader, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://relay');
  if (url.pathname === '/event') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(`data: ${JSON.stringify({ type: 'server.connected', properties: {} })}\n\n`);
    clients.add(res);
    req.on('close', () => clients.delete(res));
    return;
  }
  const model = url.searchParams.get('model') ?? '';
  const tag = url.searchParams.get('tag') ?? '';
  req.resume();
  if (reader === 'fetch') await relayWithFetch(model, tag);
  else await relayWithSdk(reader, model, tag);
  res.end('done');
}

function main(): void {
  const reader = process.argv[2] as Reader;
  if (!['fetch', 'provider', 'stream-text'].includes(reader))
    throw new Error('usage: model-relay.ts fetch|provider|stream-text');
  const server = createServer((req, res) => {
    handle(reader, req, res).catch((error: unknown) => {
      process.stderr.write(`relay: ${String(error)}\n`);
      res.destroy();
    });
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`relay listening on ${(server.address() as AddressInfo).port}\n`);
  });
}

main();
