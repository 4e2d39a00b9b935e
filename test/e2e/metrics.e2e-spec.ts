import { startAgentTestApp, type AgentTestApp } from '../support/agent-app';
import { connectSse, frameType } from '../support/sse-client';
import { startTestApp } from '../support/test-app';

/** One sample of the Prometheus text format: `name{label="value",...} number`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key] = value;
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample named `name` whose labels include `labels` (0 when none). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name}`);
  return found[0]?.value ?? 0;
}

describe('GET /metrics', () => {
  let t: AgentTestApp;
  beforeAll(async () => {
    t = await startAgentTestApp();
  });
  afterAll(() => t.close());

  async function scrape(): Promise<Sample[]> {
    const response = await t.http.get('/metrics').expect(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parseMetrics(response.text);
  }

  it('counts requests by route pattern and status, unknown routes under one label', async () => {
    const before = await scrape();
    const route = { method: 'GET', route: '/session/:sessionID' };
    await t.http.get('/session/ses_doesnotexist1').expect(404);
    await t.http.get('/session/ses_doesnotexist2').expect(404);
    await t.http.get('/no/such/route/a').expect(404);
    await t.http.get('/no/such/route/b').expect(404);
    await t.http.get('/session?limit=x').expect(400);
    const after = await scrape();

    const added = (name: string, labels: Record<string, string>) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(added('http_requests_total', { ...route, status: '404' })).toBe(2);
    expect(added('http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(
      2,
    );
    expect(added('http_requests_total', { method: 'GET', route: '/session', status: '400' })).toBe(
      1,
    );
    // Raw URLs never become labels.
    expect(
      after.some((sample) => Object.values(sample.labels).some((v) => v.includes('ses_'))),
    ).toBe(false);
    // The histogram: one observation per request, without the status label.
    expect(added('http_request_duration_seconds_count', route)).toBe(2);
    expect(valueOf(after, 'http_request_duration_seconds_bucket', { ...route, le: '+Inf' })).toBe(
      valueOf(after, 'http_request_duration_seconds_count', route),
    );
    expect(added('http_request_duration_seconds_sum', route)).toBeGreaterThan(0);
  });

  it('has the process metrics', async () => {
    const samples = await scrape();
    expect(valueOf(samples, 'process_resident_memory_bytes')).toBeGreaterThan(1024 * 1024);
    expect(valueOf(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(samples.some((sample) => sample.name === 'process_cpu_seconds_total')).toBe(true);
    expect(samples.some((sample) => sample.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('gauges open event streams', async () => {
    // The agent app keeps one /event client open.
    const base = valueOf(await scrape(), 'opencode_sse_clients');
    expect(base).toBeGreaterThanOrEqual(1);
    const global = connectSse(`${t.url}/global/event`);
    const local = connectSse(`${t.url}/event`);
    // The /api streams count too.
    const api = connectSse(`${t.url}/api/event`);
    await global.waitFor((frame) => frameType(frame) === 'server.connected');
    await local.waitFor((frame) => frameType(frame) === 'server.connected');
    await api.waitFor((frame) => frameType(frame) === 'server.connected');
    expect(valueOf(await scrape(), 'opencode_sse_clients')).toBe(base + 3);
    global.close();
    local.close();
    api.close();
    await global.ended;
    await local.ended;
    await api.ended;
    for (let tries = 0; valueOf(await scrape(), 'opencode_sse_clients') !== base; tries++) {
      if (tries > 50) throw new Error('the closed streams are still counted');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // A stream its client closed counts as a request the client left (499), without a duration.
    const samples = await scrape();
    const stream = { method: 'GET', route: '/global/event' };
    expect(valueOf(samples, 'http_requests_total', { ...stream, status: '499' })).toBe(1);
    expect(valueOf(samples, 'http_requests_total', { ...stream, status: '200' })).toBe(0);
    expect(valueOf(samples, 'http_request_duration_seconds_count', stream)).toBe(0);
  });

  it('gauges running turns', async () => {
    const sessionID = await t.createSession();
    expect(valueOf(await scrape(), 'opencode_turns_active')).toBe(0);
    t.model.enqueue({ text: 'partial', hang: true });
    await t.promptAsync(sessionID, 'hang on');
    // The answer streams (the hanging script is taken), and the turn runs on.
    await t.waitForEvent('message.part.delta', sessionID);
    expect(valueOf(await scrape(), 'opencode_turns_active')).toBe(1);
    await t.http.post(`/session/${sessionID}/abort`).expect(200);
    await t.waitForIdle(sessionID);
    expect(valueOf(await scrape(), 'opencode_turns_active')).toBe(0);
  });

  it('counts the tokens of each model call once, by provider, model and type', async () => {
    const before = await scrape();
    const sessionID = await t.createSession();
    // Two steps in one assistant message (a tool call, then the answer): the message is
    // published many times with growing totals.
    t.model.enqueue(
      {
        reasoning: 'thinking',
        toolCalls: [{ name: 'glob', arguments: { pattern: '*.md' } }],
        usage: {
          prompt_tokens: 120,
          completion_tokens: 30,
          cached_tokens: 40,
          reasoning_tokens: 7,
        },
      },
      { text: 'done', usage: { prompt_tokens: 200, completion_tokens: 11 } },
    );
    await t.prompt(sessionID, 'look around');
    t.model.enqueue({ text: 'again', usage: { prompt_tokens: 300, completion_tokens: 3 } });
    await t.prompt(sessionID, 'once more');
    await t.waitForIdle(sessionID, 2);

    const assistants = (await t.messages(sessionID)).filter(
      (message) => message.info.role === 'assistant',
    );
    const expected = { input: 0, output: 0, reasoning: 0, cache_read: 0, cache_write: 0 };
    for (const { info } of assistants) {
      expected.input += info.tokens.input as number;
      expected.output += info.tokens.output as number;
      expected.reasoning += info.tokens.reasoning as number;
      expected.cache_read += info.tokens.cache.read as number;
      expected.cache_write += info.tokens.cache.write as number;
    }
    expect(expected.input).toBeGreaterThan(0);
    expect(expected.output).toBeGreaterThan(0);
    expect(expected.cache_read).toBeGreaterThan(0);

    const tokens = (samples: Sample[], type: string) =>
      valueOf(samples, 'opencode_tokens_total', { provider: 'fake', model: 'fake-model', type });
    let after = await scrape();
    for (const [type, count] of Object.entries(expected)) {
      expect({ type, count: tokens(after, type) - tokens(before, type) }).toEqual({ type, count });
    }

    // A fork copies the finished answers and publishes them again: no model call, no tokens.
    await t.http.post(`/session/${sessionID}/fork`).send({}).expect(200);
    after = await scrape();
    for (const [type, count] of Object.entries(expected)) {
      expect({ type, count: tokens(after, type) - tokens(before, type) }).toEqual({ type, count });
    }
  });

  it('is in /doc as a server-wide text/plain route', async () => {
    const doc = (await t.http.get('/doc').expect(200)).body as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const operation = doc.paths['/metrics'].get as {
      operationId: string;
      parameters?: Array<{ name: string }>;
      responses: Record<string, { content?: Record<string, unknown> }>;
    };
    expect(operation.operationId).toBe('metrics.get');
    expect(Object.keys(operation.responses['200'].content ?? {})).toEqual([
      'text/plain; version=0.0.4; charset=utf-8',
    ]);
    expect((operation.parameters ?? []).map((p) => p.name)).not.toContain('directory');
  });
});

describe('GET /metrics behind the server password', () => {
  it('answers 401 without credentials; each server keeps its own counts', async () => {
    const first = await startTestApp({ env: { OPENCODE_SERVER_PASSWORD: 'secret' } });
    const second = await startTestApp();
    try {
      await first.http.get('/metrics').expect(401);
      await first.http.get('/global/health').auth('opencode', 'secret').expect(200);
      await second.http.get('/global/health').expect(200);
      await second.http.get('/global/health').expect(200);

      const text = (await first.http.get('/metrics').auth('opencode', 'secret').expect(200)).text;
      const samples = parseMetrics(text);
      const health = { method: 'GET', route: '/global/health', status: '200' };
      expect(valueOf(samples, 'http_requests_total', health)).toBe(1);
      expect(
        valueOf(samples, 'http_requests_total', {
          method: 'GET',
          route: '/metrics',
          status: '401',
        }),
      ).toBe(1);
      const other = parseMetrics((await second.http.get('/metrics').expect(200)).text);
      expect(valueOf(other, 'http_requests_total', health)).toBe(2);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
