import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  eventLabel,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
} from '../support/agent-app';

/** Transient provider failures are retried with `retry` status; the rest become stored errors. */
describe('agent loop: retries and provider errors', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    // Known defect outside this area: provider/sdk.ts `timedFetch` leaves its per-chunk timer
    // (5 minutes) running when a response body fails mid-stream, which keeps jest from exiting
    // after the dropped-connection tests. Without a chunk timeout there is no such timer.
    t = await startAgentTestApp({ providerOptions: { chunkTimeout: false }, anthropic: true });
  });
  afterAll(() => t.close());

  function statuses(sessionID: string) {
    return t
      .sessionEvents(sessionID)
      .filter((event) => event.type === 'session.status')
      .map((event) => event.properties.status);
  }

  it('waits out a 429 with retry-after, showing retry status, then answers', async () => {
    const sessionID = await t.createSession('429');
    const before = turnRequests(t.model).length;
    t.model.enqueue({ status: 429, retryAfter: 0.2 }, { text: 'after the wait' });
    const sent = Date.now();
    const answer = await t.prompt(sessionID, 'hi');
    expect(answer.info.error).toBeUndefined();
    expect(answer.parts.find((part) => part.type === 'text')?.text).toBe('after the wait');
    expect(turnRequests(t.model).length).toBe(before + 2);
    const [first, second] = turnRequests(t.model).slice(-2);
    expect(second).toBeDefined();
    expect(first.aborted).toBe(false);

    await t.waitForIdle(sessionID);
    const seen = statuses(sessionID);
    expect(seen.map((status) => status.type)).toEqual(['busy', 'retry', 'busy', 'idle']);
    const retry = seen[1];
    expect(retry).toEqual({
      type: 'retry',
      attempt: 1,
      message: expect.stringMatching(/rate limit/i),
      next: expect.any(Number),
    });
    expect(retry.next).toBeGreaterThanOrEqual(sent + 150);
    expect(retry.next).toBeLessThan(sent + 2000);
    // One assistant message, with no trace of the failed attempt.
    const stored = await t.messages(sessionID);
    expect(stored.map((message) => message.info.role)).toEqual(['user', 'assistant']);
    expect(stored[1].parts.map((part) => part.type)).toEqual(['step-start', 'text', 'step-finish']);
    expect(t.sessionEvents(sessionID).map(eventLabel)).not.toContain('session.error');
  });

  it('stores an APIError and publishes session.error when retries run out', async () => {
    const sessionID = await t.createSession('exhausted');
    const before = turnRequests(t.model).length;
    const failure = { status: 503, headers: { 'retry-after-ms': '10' } };
    t.model.enqueue(failure, failure, failure, failure, failure, failure);
    const answer = await t.prompt(sessionID, 'hi');
    const attempts = turnRequests(t.model).length - before;
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(answer.info.error).toMatchObject({
      name: 'APIError',
      data: { statusCode: 503, isRetryable: true, message: expect.any(String) },
    });
    expect(answer.info.time.completed).toEqual(expect.any(Number));
    const error = await t.waitForEvent('session.error', sessionID);
    expect(error.properties.error).toEqual(answer.info.error);
    await t.waitForIdle(sessionID);
    const retries = statuses(sessionID).filter((status) => status.type === 'retry');
    expect(retries.map((status) => status.attempt)).toEqual(
      Array.from({ length: attempts - 1 }, (_, index) => index + 1),
    );
    expect(statuses(sessionID).at(-1)).toEqual({ type: 'idle' });
    // Nothing secret is stored: no request headers or API key.
    expect(JSON.stringify(answer)).not.toContain('test-key');
    // Remove what was not consumed.
    while (t.model.pendingScripts() > 0) await t.prompt(await t.createSession('drain'), 'x');
  });

  it('retries a stream dropped mid-way, dropping the partial parts', async () => {
    const sessionID = await t.createSession('dropped');
    t.model.enqueue(
      { text: ['par', 'tial', 'never'], dropConnection: true, dropAfterChunks: 2 },
      { text: 'complete answer' },
    );
    const answer = await t.prompt(sessionID, 'hi');
    expect(answer.info.error).toBeUndefined();
    const texts = answer.parts.filter((part) => part.type === 'text');
    expect(texts.map((part) => part.text)).toEqual(['complete answer']);
    expect(answer.parts.map((part) => part.type)).toEqual(['step-start', 'text', 'step-finish']);
    const removed = t
      .sessionEvents(sessionID)
      .filter((event) => event.type === 'message.part.removed');
    expect(removed.length).toBeGreaterThanOrEqual(1);
    const stored = await t.messages(sessionID);
    expect(stored).toHaveLength(2);
    expect(stored[1]).toEqual(answer);
  });

  /*
   * A stream that breaks after a complete tool call must not run the tool twice (once in the
   * broken attempt, again in the retry). With the installed AI SDK the tool never runs in the
   * broken attempt: `streamText` starts tools only when the provider's `finish` chunk arrives,
   * which both providers send after the whole body was read, so a dropped stream never runs any
   * (the Anthropic provider does emit the `tool-call` at its `content_block_stop`, before the drop;
   * the OpenAI-compatible one only when the body ends). These tests pin that behaviour: an SDK
   * that ran tools earlier would fail here, and the loop then refuses to retry such an attempt.
   */
  it.each([
    { provider: 'openai-compatible', model: undefined },
    {
      provider: 'anthropic',
      model: { providerID: 'fake-anthropic', modelID: 'claude-sonnet-4-5' },
    },
  ])(
    '$provider: a tool call complete before the connection drops runs once, in the retry',
    async ({ provider, model }) => {
      const sessionID = await t.createSession(`replay ${provider}`);
      const file = join(t.directory, `replay-${provider}.txt`);
      const call = {
        name: 'bash',
        arguments: { command: `echo ran >> replay-${provider}.txt`, description: 'Append a line' },
      };
      const before = turnRequests(t.model).length;
      t.model.enqueue(
        // Every content chunk (the whole call) is sent, then the socket is destroyed: no finish.
        { text: 'Appending', toolCalls: [call], dropConnection: true },
        { toolCalls: [call] },
        { text: 'appended' },
      );
      await t.promptAsync(sessionID, {
        parts: [{ type: 'text', text: 'append a line' }],
        ...(model && { model }),
      });
      await t.waitForEvent('session.status', sessionID, {
        match: (event) => event.properties.status.type === 'retry',
      });
      // The broken attempt streamed the call, but nothing ran: no file, no running tool part.
      expect(turnRequests(t.model)[before].aborted).toBe(true);
      expect(existsSync(file)).toBe(false);
      const brokenAttempt = t.sessionEvents(sessionID).map(eventLabel);
      expect(brokenAttempt).toContain('message.part.updated:tool:pending');
      expect(brokenAttempt).not.toContain('message.part.updated:tool:running');

      await t.waitForIdle(sessionID);
      expect(readFileSync(file, 'utf8')).toBe('ran\n');
      expect(turnRequests(t.model).length).toBe(before + 3);
      const stored = await t.messages(sessionID);
      const tools = stored.flatMap((message) => message.parts).filter((p) => p.type === 'tool');
      expect(tools).toHaveLength(1);
      expect(tools[0].state).toMatchObject({ status: 'completed', input: call.arguments });
      expect(stored.map((message) => message.info.error)).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
      expect(stored.at(-1)?.parts.find((part) => part.type === 'text')?.text).toBe('appended');
      expect(statuses(sessionID).map((status) => status.type)).toEqual([
        'busy',
        'retry',
        'busy',
        'idle',
      ]);
      expect(t.sessionEvents(sessionID).map(eventLabel)).not.toContain('session.error');
    },
  );

  it('retries a connection dropped before any response', async () => {
    const sessionID = await t.createSession('refused');
    t.model.enqueue({ dropConnection: 'before-response' }, { text: 'second try' });
    const answer = await t.prompt(sessionID, 'hi');
    expect(answer.info.error).toBeUndefined();
    expect(answer.parts.find((part) => part.type === 'text')?.text).toBe('second try');
  });

  it('does not retry a 400: the error is stored at once', async () => {
    const sessionID = await t.createSession('bad request');
    const before = turnRequests(t.model).length;
    t.model.enqueue({ status: 400, body: { error: { message: 'context too long' } } });
    const answer = await t.prompt(sessionID, 'hi');
    expect(turnRequests(t.model).length).toBe(before + 1);
    expect(answer.info.error).toMatchObject({
      name: 'APIError',
      data: { statusCode: 400, isRetryable: false },
    });
    expect(JSON.stringify(answer.info.error)).toContain('context too long');
    await t.waitForEvent('session.error', sessionID);
  });

  it('reports a 401 as ProviderAuthError', async () => {
    const sessionID = await t.createSession('unauthorized');
    t.model.enqueue({ status: 401 });
    const answer = await t.prompt(sessionID, 'hi');
    expect(answer.info.error).toMatchObject({
      name: 'ProviderAuthError',
      data: { providerID: 'fake', message: expect.any(String) },
    });
  });

  it('an error event inside the stream: a client error is stored with its message', async () => {
    const sessionID = await t.createSession('stream error');
    const before = turnRequests(t.model).length;
    t.model.enqueue({
      text: 'so far',
      streamError: { message: 'tool schema rejected', type: 'invalid_request_error' },
    });
    const answer = await t.prompt(sessionID, 'hi');
    expect(turnRequests(t.model).length).toBe(before + 1);
    expect(answer.info.error).toEqual({
      name: 'APIError',
      data: { message: 'tool schema rejected', isRetryable: false },
    });
    const error = await t.waitForEvent('session.error', sessionID);
    expect(error.properties.error).toEqual(answer.info.error);
  });

  it('an error event inside the stream: an overloaded provider is retried', async () => {
    const sessionID = await t.createSession('stream overloaded');
    t.model.enqueue(
      { streamError: { message: 'overloaded', type: 'server_error' }, headers: {} },
      { text: 'recovered' },
    );
    const answer = await t.prompt(sessionID, 'hi');
    expect(answer.info.error).toBeUndefined();
    expect(answer.parts.find((part) => part.type === 'text')?.text).toBe('recovered');
  });
});
