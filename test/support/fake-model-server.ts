/**
 * A hermetic fake model provider for tests: an OpenAI-compatible Chat Completions endpoint and an
 * Anthropic Messages endpoint on 127.0.0.1, port chosen by `listen(0)`.
 *
 * Usage:
 * ```ts
 * const model = await startFakeModelServer();
 * const provider = createOpenAICompatible({ name: 'fake', baseURL: model.url, apiKey: 'k' });
 * // or: createAnthropic({ baseURL: model.url, apiKey: 'k' })  (both live under `${origin}/v1`)
 * model.enqueue(
 *   { reasoning: 'thinking', toolCalls: [{ name: 'read', arguments: { path: 'a.txt' } }] },
 *   { text: ['Hel', 'lo'], usage: { prompt_tokens: 12, completion_tokens: 3 } },
 * );
 * // ... drive the code under test ...
 * expect(model.requests[1].body.messages).toContainEqual(expect.objectContaining({ role: 'tool' }));
 * await model.close();
 * ```
 *
 * Each HTTP request consumes one {@link Script}: first whatever the `onRequest` handler returns,
 * else the next enqueued script, else {@link DEFAULT_SCRIPT} (text "ok", finish "stop"), so a test
 * that does not care about the model still completes. Every request is recorded in `requests`.
 *
 * Routes: POST `/v1/chat/completions` and `/chat/completions` (OpenAI-compatible, SSE when
 * `stream: true`, JSON otherwise), POST `/v1/messages` and `/messages` (Anthropic, SSE when
 * `stream: true`), GET `/v1/models` and `/models`.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeFinishReason = 'stop' | 'tool_calls' | 'length' | 'content_filter';

export interface FakeToolCall {
  /** Defaults to `call_<n>` (OpenAI) or `toolu_<n>` (Anthropic), numbered per server. */
  id?: string;
  name: string;
  /** An object is JSON-encoded; a string is sent verbatim (use it to send invalid JSON). */
  arguments: Record<string, unknown> | string;
}

/** Token usage in the OpenAI shape; mapped to Anthropic's field names on `/v1/messages`. */
export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  /** Defaults to prompt_tokens + completion_tokens. */
  total_tokens?: number;
  /** OpenAI `prompt_tokens_details.cached_tokens`; Anthropic `cache_read_input_tokens`. */
  cached_tokens?: number;
  /** Anthropic `cache_creation_input_tokens` (not sent on the OpenAI endpoint). */
  cache_write_tokens?: number;
  /** OpenAI `completion_tokens_details.reasoning_tokens`. */
  reasoning_tokens?: number;
}

/** One piece of a reply. Within a step: reasoning, then text, then tool calls. */
export interface ScriptStep {
  /** A string is one delta; an array is sent as one delta per element. */
  text?: string | string[];
  /** OpenAI: `delta.reasoning_content`; Anthropic: a `thinking` block. */
  reasoning?: string | string[];
  toolCalls?: FakeToolCall[];
  /** The last one given wins. Default: `tool_calls` if the reply has tool calls, else `stop`. */
  finish?: FakeFinishReason;
  /** The last one given wins. Default: {@link DEFAULT_USAGE}. */
  usage?: FakeUsage;
}

/** A successful (HTTP 200) reply. The top-level step fields come first, then `steps`. */
export interface ReplyScript extends ScriptStep {
  steps?: ScriptStep[];
  /** Milliseconds to wait before each streamed chunk (and before a non-stream answer). */
  delayMs?: number;
  /**
   * Stream the content chunks, then keep the connection open (no finish, no `[DONE]`) until the
   * client goes away. For abort tests.
   */
  hang?: boolean;
  /**
   * `true`: stream the content chunks (at most `dropAfterChunks` of them), then destroy the socket
   * without finishing the chunked body. `'before-response'`: destroy the socket before any
   * response byte is sent (the client sees a network error rather than a broken stream).
   */
  dropConnection?: boolean | 'before-response';
  /** With `dropConnection: true`: how many content chunks to send before dropping. */
  dropAfterChunks?: number;
  /** Send an in-stream error event after the content instead of finishing normally. */
  streamError?: { message: string; type?: string };
  /** Extra response headers. */
  headers?: Record<string, string>;
}

/** A failed HTTP response, e.g. `{ status: 429, retryAfter: 1 }` or `{ status: 500 }`. */
export interface HttpErrorScript {
  status: number;
  /** Seconds, sent as the `retry-after` header. */
  retryAfter?: number;
  /** JSON-encoded unless a string. Default: a provider-shaped error body for the endpoint. */
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

/** One HTTP response. An array is shorthand for `{ steps: [...] }`. */
export type Script = ReplyScript | HttpErrorScript | ScriptStep[];

export type FakeApi = 'openai' | 'anthropic';

/** A JSON object as parsed from a request body. */
export type JsonObject = Record<string, unknown>;

export interface RecordedRequest {
  api: FakeApi;
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  /** Lower-cased header names, as Node gives them. */
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (`{}` when the body was empty or not JSON; see `rawBody`). */
  body: JsonObject;
  rawBody: string;
  /** `body.stream === true`. */
  stream: boolean;
  /** Set to true when the client went away before the response was complete. */
  aborted: boolean;
}

/** Computes the script for a request; return `undefined` to fall back to the queue. */
export type RequestHandler = (request: RecordedRequest) => Script | undefined;

export interface FakeModelServer {
  /** `http://127.0.0.1:PORT/v1`: the `baseURL` for both the OpenAI-compatible and Anthropic providers. */
  readonly url: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Queue scripts; each request consumes one. */
  enqueue(...scripts: Script[]): void;
  /** Route requests by content (e.g. title generation vs. main turn); `undefined` → the queue. */
  onRequest(handler: RequestHandler | undefined): void;
  /** Scripts still queued (assert 0 at the end of a test to prove every turn was requested). */
  pendingScripts(): number;
  /** Resolves once `count` requests in total have arrived (rejects after `timeoutMs`). */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Clear the queue, the handler and the recorded requests. */
  reset(): void;
  /** Ends every open connection (including hanging streams) and stops listening. Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_USAGE: Readonly<FakeUsage> = { prompt_tokens: 10, completion_tokens: 5 };
export const DEFAULT_SCRIPT: Readonly<ReplyScript> = { text: 'ok', finish: 'stop' };

export async function startFakeModelServer(): Promise<FakeModelServer> {
  const queue: Script[] = [];
  const requests: RecordedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let handler: RequestHandler | undefined;
  const counters = { response: 0, toolCall: 0 };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the fake itself: make it loud in the test output, and end the response.
      console.error('fake-model-server:', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const rawBody = await readBody(req);

    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      sendJson(res, 200, { object: 'list', data: [{ id: 'fake-model', object: 'model' }] });
      return;
    }
    const api = routeApi(req.method, path);
    if (api === undefined) {
      sendJson(res, 404, { error: { message: `no route ${req.method} ${path}` } });
      return;
    }

    const body = parseJsonObject(rawBody);
    const recorded: RecordedRequest = {
      api,
      method: req.method ?? 'POST',
      path,
      headers: req.headers,
      body,
      rawBody,
      stream: body.stream === true,
      aborted: false,
    };
    requests.push(recorded);
    notifyWaiters();
    res.on('close', () => {
      if (!res.writableFinished) recorded.aborted = true;
    });

    const script = handler?.(recorded) ?? queue.shift() ?? DEFAULT_SCRIPT;
    if (!Array.isArray(script) && 'status' in script) {
      await sendHttpError(res, api, script);
      return;
    }
    const reply: ReplyScript = Array.isArray(script) ? { steps: script } : script;
    if (reply.dropConnection === 'before-response') {
      req.socket.destroy();
      return;
    }
    const turn = normalize(reply, api);
    const model = typeof body.model === 'string' ? body.model : 'fake-model';
    if (!recorded.stream) {
      await sleep(reply.delayMs);
      sendJson(
        res,
        200,
        api === 'openai' ? openAiJson(turn, model) : anthropicJson(turn, model),
        reply.headers,
      );
      return;
    }
    const frames = api === 'openai' ? openAiFrames(turn, model) : anthropicFrames(turn, model);
    await streamFrames(res, reply, frames);
  }

  function normalize(reply: ReplyScript, api: FakeApi): NormalizedTurn {
    const steps = [reply, ...(reply.steps ?? [])];
    const items: ContentItem[] = [];
    let finish: FakeFinishReason | undefined;
    let usage: FakeUsage | undefined;
    for (const step of steps) {
      for (const r of asList(step.reasoning)) items.push({ kind: 'reasoning', chunks: [r] });
      for (const t of asList(step.text)) items.push({ kind: 'text', chunks: [t] });
      for (const call of step.toolCalls ?? []) {
        counters.toolCall += 1;
        items.push({
          kind: 'tool',
          id:
            call.id ??
            (api === 'openai' ? `call_${counters.toolCall}` : `toolu_${counters.toolCall}`),
          name: call.name,
          arguments:
            typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
        });
      }
      finish = step.finish ?? finish;
      usage = step.usage ?? usage;
    }
    counters.response += 1;
    return {
      id: counters.response,
      items: mergeAdjacent(items),
      finish: finish ?? (items.some((i) => i.kind === 'tool') ? 'tool_calls' : 'stop'),
      usage: usage ?? DEFAULT_USAGE,
      streamError: reply.streamError,
    };
  }

  function notifyWaiters(): void {
    for (const waiter of [...waiters]) {
      if (requests.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/v1`,
    origin,
    port,
    requests,
    enqueue: (...scripts) => {
      queue.push(...scripts);
    },
    onRequest: (fn) => {
      handler = fn;
    },
    pendingScripts: () => queue.length,
    waitForRequests: (count, timeoutMs = 5000) =>
      new Promise<RecordedRequest[]>((resolve, reject) => {
        if (requests.length >= count) {
          resolve(requests);
          return;
        }
        const waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(requests);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`waited ${timeoutMs} ms for ${count} requests, got ${requests.length}`));
        }, timeoutMs);
        waiters.push(waiter);
      }),
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      handler = undefined;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve(); // closing twice is fine
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Internals

type ContentItem =
  | { kind: 'text' | 'reasoning'; chunks: string[] }
  | { kind: 'tool'; id: string; name: string; arguments: string };

interface NormalizedTurn {
  id: number;
  items: ContentItem[];
  finish: FakeFinishReason;
  usage: FakeUsage;
  streamError: ReplyScript['streamError'];
}

/**
 * A streamed frame. `head`: role chunk / message_start; `block`: Anthropic block start/stop;
 * `delta`: a content delta (what `dropAfterChunks` counts); `tail`: finish, usage, [DONE], errors
 * (never sent by a dropped or hanging stream).
 */
interface Frame {
  data: string;
  kind: 'head' | 'block' | 'delta' | 'tail';
}

function routeApi(method: string | undefined, path: string): FakeApi | undefined {
  if (method !== 'POST') return undefined;
  if (path === '/v1/chat/completions' || path === '/chat/completions') return 'openai';
  if (path === '/v1/messages' || path === '/messages') return 'anthropic';
  return undefined;
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Consecutive text (or reasoning) pieces form one block, as a real model would send them. */
function mergeAdjacent(items: ContentItem[]): ContentItem[] {
  const out: ContentItem[] = [];
  for (const item of items) {
    const last = out.at(-1);
    if (item.kind !== 'tool' && last !== undefined && last.kind === item.kind) {
      last.chunks.push(...item.chunks);
    } else {
      out.push(item.kind === 'tool' ? item : { kind: item.kind, chunks: [...item.chunks] });
    }
  }
  return out;
}

function textOf(turn: NormalizedTurn, kind: 'text' | 'reasoning'): string {
  return turn.items.flatMap((i) => (i.kind === kind ? i.chunks : [])).join('');
}

/** Splits tool arguments into a few fragments, as real providers stream them. */
function fragments(json: string): string[] {
  if (json.length < 6) return [json];
  const size = Math.ceil(json.length / 3);
  const out: string[] = [];
  for (let i = 0; i < json.length; i += size) out.push(json.slice(i, i + size));
  return out;
}

function totalTokens(usage: FakeUsage): number {
  return usage.total_tokens ?? usage.prompt_tokens + usage.completion_tokens;
}

// --- OpenAI-compatible -------------------------------------------------------------------------

function openAiUsage(usage: FakeUsage): JsonObject {
  return {
    prompt_tokens: usage.prompt_tokens,
    completion_tokens: usage.completion_tokens,
    total_tokens: totalTokens(usage),
    ...(usage.cached_tokens !== undefined && {
      prompt_tokens_details: { cached_tokens: usage.cached_tokens },
    }),
    ...(usage.reasoning_tokens !== undefined && {
      completion_tokens_details: { reasoning_tokens: usage.reasoning_tokens },
    }),
  };
}

function openAiFrames(turn: NormalizedTurn, model: string): Frame[] {
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: JsonObject[], extra: JsonObject = {}): string =>
    `data: ${JSON.stringify({
      id: `chatcmpl-${turn.id}`,
      object: 'chat.completion.chunk',
      created,
      model,
      choices,
      ...extra,
    })}\n\n`;
  const delta = (d: JsonObject): Frame => ({
    data: chunk([{ index: 0, delta: d, finish_reason: null }]),
    kind: 'delta',
  });

  const frames: Frame[] = [
    {
      data: chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
      kind: 'head',
    },
  ];
  let toolIndex = 0;
  for (const item of turn.items) {
    switch (item.kind) {
      case 'reasoning':
        for (const c of item.chunks) frames.push(delta({ reasoning_content: c }));
        break;
      case 'text':
        for (const c of item.chunks) frames.push(delta({ content: c }));
        break;
      case 'tool': {
        const index = toolIndex++;
        frames.push(
          delta({
            tool_calls: [
              {
                index,
                id: item.id,
                type: 'function',
                function: { name: item.name, arguments: '' },
              },
            ],
          }),
        );
        for (const f of fragments(item.arguments)) {
          frames.push(delta({ tool_calls: [{ index, function: { arguments: f } }] }));
        }
        break;
      }
    }
  }
  if (turn.streamError) {
    const error = {
      message: turn.streamError.message,
      type: turn.streamError.type ?? 'server_error',
    };
    frames.push({ data: `data: ${JSON.stringify({ error })}\n\n`, kind: 'tail' });
    frames.push({ data: 'data: [DONE]\n\n', kind: 'tail' });
    return frames;
  }
  frames.push({ data: chunk([{ index: 0, delta: {}, finish_reason: turn.finish }]), kind: 'tail' });
  // stream_options.include_usage style: a last chunk with no choices and the usage.
  frames.push({ data: chunk([], { usage: openAiUsage(turn.usage) }), kind: 'tail' });
  frames.push({ data: 'data: [DONE]\n\n', kind: 'tail' });
  return frames;
}

function openAiJson(turn: NormalizedTurn, model: string): JsonObject {
  const text = textOf(turn, 'text');
  const reasoning = textOf(turn, 'reasoning');
  const toolCalls = turn.items.flatMap((i) =>
    i.kind === 'tool'
      ? [{ id: i.id, type: 'function', function: { name: i.name, arguments: i.arguments } }]
      : [],
  );
  return {
    id: `chatcmpl-${turn.id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text.length > 0 ? text : null,
          ...(reasoning.length > 0 && { reasoning_content: reasoning }),
          ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
        },
        finish_reason: turn.finish,
      },
    ],
    usage: openAiUsage(turn.usage),
  };
}

// --- Anthropic ---------------------------------------------------------------------------------

const ANTHROPIC_STOP_REASON: Record<FakeFinishReason, string> = {
  stop: 'end_turn',
  tool_calls: 'tool_use',
  length: 'max_tokens',
  content_filter: 'refusal',
};

/** Anthropic's `input_tokens` excludes cache reads and writes; the SDK adds them back. */
function anthropicInputUsage(usage: FakeUsage): JsonObject {
  const cacheRead = usage.cached_tokens ?? 0;
  const cacheWrite = usage.cache_write_tokens ?? 0;
  return {
    input_tokens: Math.max(0, usage.prompt_tokens - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}

function anthropicFrames(turn: NormalizedTurn, model: string): Frame[] {
  const event = (kind: Frame['kind'], type: string, data: JsonObject = {}): Frame => ({
    data: `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`,
    kind,
  });
  const frames: Frame[] = [
    event('head', 'message_start', {
      message: {
        id: `msg_${turn.id}`,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...anthropicInputUsage(turn.usage), output_tokens: 1 },
      },
    }),
    event('head', 'ping'),
  ];
  const start = (index: number, block: JsonObject): Frame =>
    event('block', 'content_block_start', { index, content_block: block });
  const delta = (index: number, d: JsonObject): Frame =>
    event('delta', 'content_block_delta', { index, delta: d });

  turn.items.forEach((item, index) => {
    switch (item.kind) {
      case 'reasoning':
        frames.push(start(index, { type: 'thinking', thinking: '', signature: '' }));
        for (const c of item.chunks)
          frames.push(delta(index, { type: 'thinking_delta', thinking: c }));
        frames.push(
          event('block', 'content_block_delta', {
            index,
            delta: { type: 'signature_delta', signature: `fake-signature-${turn.id}-${index}` },
          }),
        );
        break;
      case 'text':
        frames.push(start(index, { type: 'text', text: '' }));
        for (const c of item.chunks) frames.push(delta(index, { type: 'text_delta', text: c }));
        break;
      case 'tool':
        frames.push(start(index, { type: 'tool_use', id: item.id, name: item.name, input: {} }));
        for (const f of fragments(item.arguments)) {
          frames.push(delta(index, { type: 'input_json_delta', partial_json: f }));
        }
        break;
    }
    frames.push(event('block', 'content_block_stop', { index }));
  });
  if (turn.streamError) {
    const error = { type: turn.streamError.type ?? 'api_error', message: turn.streamError.message };
    frames.push(event('tail', 'error', { error }));
    return frames;
  }
  frames.push(
    event('tail', 'message_delta', {
      delta: { stop_reason: ANTHROPIC_STOP_REASON[turn.finish], stop_sequence: null },
      usage: { output_tokens: turn.usage.completion_tokens },
    }),
  );
  frames.push(event('tail', 'message_stop'));
  return frames;
}

function anthropicJson(turn: NormalizedTurn, model: string): JsonObject {
  const content = turn.items.map((item, index) => {
    switch (item.kind) {
      case 'reasoning':
        return {
          type: 'thinking',
          thinking: item.chunks.join(''),
          signature: `fake-signature-${turn.id}-${index}`,
        };
      case 'text':
        return { type: 'text', text: item.chunks.join('') };
      case 'tool':
        return {
          type: 'tool_use',
          id: item.id,
          name: item.name,
          input: parseJsonObject(item.arguments),
        };
    }
  });
  return {
    id: `msg_${turn.id}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: ANTHROPIC_STOP_REASON[turn.finish],
    stop_sequence: null,
    usage: { ...anthropicInputUsage(turn.usage), output_tokens: turn.usage.completion_tokens },
  };
}

// --- HTTP plumbing -----------------------------------------------------------------------------

function defaultErrorBody(api: FakeApi, status: number): JsonObject {
  const kind =
    status === 429
      ? {
          openai: 'rate_limit_exceeded',
          anthropic: 'rate_limit_error',
          message: 'Rate limit exceeded',
        }
      : status === 401
        ? {
            openai: 'invalid_api_key',
            anthropic: 'authentication_error',
            message: 'Invalid API key',
          }
        : status === 529
          ? { openai: 'server_error', anthropic: 'overloaded_error', message: 'Overloaded' }
          : status >= 500
            ? { openai: 'server_error', anthropic: 'api_error', message: 'Internal server error' }
            : {
                openai: 'invalid_request_error',
                anthropic: 'invalid_request_error',
                message: 'Bad request',
              };
  return api === 'openai'
    ? { error: { message: kind.message, type: kind.openai, code: kind.openai } }
    : { type: 'error', error: { type: kind.anthropic, message: kind.message } };
}

async function sendHttpError(
  res: ServerResponse,
  api: FakeApi,
  script: HttpErrorScript,
): Promise<void> {
  await sleep(script.delayMs);
  const headers: Record<string, string> = { ...script.headers };
  if (script.retryAfter !== undefined) headers['retry-after'] = String(script.retryAfter);
  const body = script.body ?? defaultErrorBody(api, script.status);
  if (typeof body === 'string') {
    res.writeHead(script.status, { 'content-type': 'text/plain', ...headers });
    res.end(body);
  } else {
    sendJson(res, script.status, body, headers);
  }
}

async function streamFrames(
  res: ServerResponse,
  reply: ReplyScript,
  frames: Frame[],
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...reply.headers,
  });
  res.flushHeaders();
  const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
  const drop = reply.dropConnection === true;
  const hang = reply.hang === true;
  let deltas = 0;
  for (const frame of frames) {
    // A dropped or hanging stream stops after the content: no finish, usage or [DONE].
    if ((drop || hang) && frame.kind === 'tail') break;
    if (frame.kind === 'delta') {
      if (drop && reply.dropAfterChunks !== undefined && deltas >= reply.dropAfterChunks) break;
      deltas += 1;
    }
    await sleep(reply.delayMs);
    if (res.destroyed) return;
    await Promise.race([write(res, frame.data), closed]);
  }
  if (drop) {
    // Let the written chunks reach the client before the reset.
    await sleep(20);
    res.socket?.destroy();
    return;
  }
  if (hang) {
    await closed;
    return;
  }
  res.end();
}

function write(res: ServerResponse, data: string): Promise<void> {
  return new Promise((resolve) => {
    res.write(data, () => resolve());
  });
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJsonObject(text: string): JsonObject {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as JsonObject)
      : {};
  } catch {
    return {};
  }
}

function sleep(ms: number | undefined): Promise<void> {
  return ms === undefined || ms <= 0
    ? Promise.resolve()
    : new Promise((resolve) => setTimeout(resolve, ms));
}
