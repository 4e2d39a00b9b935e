import {
  startFakeModelServer,
  type FakeModelServer,
  type RecordedRequest,
} from './fake-model-server';
import { connectSse, frameType, type SseClient, type SseFrame } from './sse-client';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app';

/*
 * Event and message payloads are read loosely here: the tests assert them field by field against
 * the reference shapes, which a typed client would hide.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

/** A bus event as `/event` sends it. */
export interface BusEvent {
  id: string;
  type: string;
  properties: Record<string, any>;
}

/** A message as `GET /session/:id/message` and the prompt routes return it. */
export interface StoredMessage {
  info: Record<string, any> & { id: string; role: 'user' | 'assistant'; sessionID: string };
  parts: Array<Record<string, any> & { id: string; type: string }>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface AgentTestApp extends TestApp {
  model: FakeModelServer;
  /** A client of `/event`, connected (its `server.connected` received) before the app is returned. */
  sse: SseClient;
  /** Creates a session and returns its id. */
  createSession(title?: string): Promise<string>;
  /** Every event of `sessionID` received so far, in order. */
  sessionEvents(sessionID: string): BusEvent[];
  /**
   * The first event of `type` for `sessionID` (received already or coming) that matches, among
   * the events from index `from` of {@link sessionEvents} on.
   */
  waitForEvent(
    type: string,
    sessionID: string,
    options?: { match?: (event: BusEvent) => boolean; from?: number; timeoutMs?: number },
  ): Promise<BusEvent>;
  /** Resolves once `sessionID` has published `session.idle` `count` times in all. */
  waitForIdle(sessionID: string, count?: number): Promise<void>;
  /** `POST /session/:id/message` with a text prompt (or a whole body); expects 200. */
  prompt(sessionID: string, body: string | Record<string, unknown>): Promise<StoredMessage>;
  /** `POST /session/:id/prompt_async`; expects 204. */
  promptAsync(sessionID: string, body: string | Record<string, unknown>): Promise<void>;
  /** `GET /session/:id/message`. */
  messages(sessionID: string): Promise<StoredMessage[]>;
}

/**
 * A test server whose default model is `fake/fake-model`, an OpenAI-compatible provider pointed
 * at a fake streaming server on 127.0.0.1: prompts exercise the real AI SDK over real HTTP.
 * Title-generation requests are answered with a fixed title so they never eat a test's script.
 */
export async function startAgentTestApp(
  options: TestAppOptions & {
    config?: Record<string, unknown>;
    /** Extra options of the `fake` provider (`chunkTimeout`, `headerTimeout`, ...). */
    providerOptions?: Record<string, unknown>;
    /**
     * Also configure `fake-anthropic/claude-sonnet-4-5`: the `@ai-sdk/anthropic` provider on the
     * same fake server (its Messages endpoint), with the same `providerOptions`.
     */
    anthropic?: boolean;
  } = {},
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
        options: { baseURL: model.url, apiKey: 'test-key', ...options.providerOptions },
        models: {
          'fake-model': { name: 'Fake Model', cost: { input: 1, output: 2 } },
          'fake-small': { name: 'Fake Small', cost: { input: 0.1, output: 0.2 } },
          // A context of 1,000 tokens (900 usable): a step reporting ~900 tokens fills it.
          'fake-tight': {
            name: 'Fake Tight',
            cost: { input: 1, output: 2 },
            limit: { context: 1000, output: 100 },
          },
        },
      },
      ...(options.anthropic && {
        'fake-anthropic': {
          npm: '@ai-sdk/anthropic',
          name: 'Fake Anthropic',
          options: { baseURL: model.url, apiKey: 'test-key', ...options.providerOptions },
          // A model id the SDK knows, so it does not warn about unknown output limits.
          models: { 'claude-sonnet-4-5': { name: 'Fake Claude', cost: { input: 1, output: 2 } } },
        },
      }),
    },
    model: 'fake/fake-model',
    ...options.config,
  };
  const app = await startTestApp({
    ...options,
    env: { OPENCODE_CONFIG_CONTENT: JSON.stringify(config), ...options.env },
  });
  // With a server password set, the event stream needs the credentials too.
  const password = options.env?.OPENCODE_SERVER_PASSWORD;
  const username = options.env?.OPENCODE_SERVER_USERNAME ?? 'opencode';
  const sse = connectSse(
    `${app.url}/event`,
    password
      ? { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` }
      : {},
  );
  await sse.waitFor((frame) => frameType(frame) === 'server.connected');

  const sessionEvents = (sessionID: string): BusEvent[] =>
    sse.frames.map((frame) => frame.data as BusEvent).filter((e) => sessionOf(e) === sessionID);

  const waitForEvent: AgentTestApp['waitForEvent'] = async (type, sessionID, options = {}) => {
    const from = options.from ?? 0;
    const matches = (event: BusEvent) =>
      event.type === type &&
      sessionOf(event) === sessionID &&
      (options.match?.(event) ?? true) &&
      sessionEvents(sessionID).indexOf(event) >= from;
    const frame = await sse.waitFor(
      (candidate: SseFrame) => matches(candidate.data as BusEvent),
      options.timeoutMs ?? 5000,
    );
    return frame.data as BusEvent;
  };

  const asBody = (body: string | Record<string, unknown>) =>
    typeof body === 'string' ? { parts: [{ type: 'text', text: body }] } : body;

  return {
    ...app,
    model,
    sse,
    async createSession(title?: string) {
      const response = await app.http
        .post('/session')
        .send(title ? { title } : {})
        .expect(200);
      return (response.body as { id: string }).id;
    },
    sessionEvents,
    waitForEvent,
    async waitForIdle(sessionID, count = 1) {
      const idles = () =>
        sessionEvents(sessionID).filter((event) => event.type === 'session.idle').length;
      if (idles() >= count) return;
      await sse.waitFor(
        (frame) =>
          frameType(frame) === 'session.idle' &&
          sessionOf(frame.data as BusEvent) === sessionID &&
          idles() >= count,
        10_000,
      );
    },
    async prompt(sessionID, body) {
      const response = await app.http
        .post(`/session/${sessionID}/message`)
        .send(asBody(body))
        .expect(200);
      return response.body as StoredMessage;
    },
    async promptAsync(sessionID, body) {
      await app.http.post(`/session/${sessionID}/prompt_async`).send(asBody(body)).expect(204);
    },
    async messages(sessionID) {
      const response = await app.http.get(`/session/${sessionID}/message`).expect(200);
      return response.body as StoredMessage[];
    },
    async close() {
      sse.close();
      await app.close();
      await model.close();
    },
  };
}

/** The session an event belongs to, wherever its payload keeps the id. */
export function sessionOf(event: BusEvent): string | undefined {
  const properties = event.properties ?? {};
  return (
    (properties.sessionID as string | undefined) ??
    (properties.info?.sessionID as string | undefined) ??
    (properties.part?.sessionID as string | undefined)
  );
}

export function isTitleRequest(request: RecordedRequest): boolean {
  const messages = request.body.messages as Array<{ role: string; content: unknown }> | undefined;
  // OpenAI-compatible: a `system` message; Anthropic: a top-level `system` (string or blocks).
  const system =
    request.api === 'anthropic'
      ? request.body.system
      : messages?.find((message) => message.role === 'system')?.content;
  const text = Array.isArray(system)
    ? (system as Array<{ text?: unknown }>).map((block) => block.text).join('')
    : system;
  return typeof text === 'string' && text.startsWith('Write a title for a conversation');
}

/** The requests of the turn itself (title generation left out). */
export function turnRequests(model: FakeModelServer): RecordedRequest[] {
  return model.requests.filter((request) => !isTitleRequest(request));
}

/** The messages a model request carried, as the OpenAI-compatible body has them. */
export function requestMessages(
  request: RecordedRequest,
): Array<{ role: string; content: unknown; tool_call_id?: string }> {
  return request.body.messages as Array<{ role: string; content: unknown; tool_call_id?: string }>;
}

/** A compact label of an event for order assertions: `message.part.updated:tool:running`. */
export function eventLabel(event: BusEvent): string {
  const { properties } = event;
  switch (event.type) {
    case 'message.updated': {
      const info = properties.info;
      if (info.role === 'user') return 'message.updated:user';
      const finish = info.finish ? `:${info.finish}` : '';
      return `message.updated:assistant${finish}${info.time?.completed ? ':completed' : ''}`;
    }
    case 'message.part.updated': {
      const part = properties.part;
      return part.type === 'tool'
        ? `message.part.updated:tool:${part.state.status}`
        : `message.part.updated:${part.type}`;
    }
    case 'session.status':
      return `session.status:${properties.status.type}`;
    default:
      return event.type;
  }
}
