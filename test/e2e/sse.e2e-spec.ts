import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import type { Subject } from 'rxjs';
import type { BusEventType } from '../../src/core/bus/bus-event';
import { BusService, EventSource } from '../../src/core/bus/bus.service';
import { DEFAULT_SERVER_OPTIONS } from '../../src/core/config/server-options';
import { InstanceService } from '../../src/core/instance/instance.service';
import { PluginHooks } from '../../src/core/plugin/plugin-hooks';
import { EventStreamService } from '../../src/event/event-stream.service';
import { gitRepo } from '../support/fixtures';
import { connectSse, frameType, SseClient, SseFrame } from '../support/sse-client';
import { startTestApp, TestApp } from '../support/test-app';

/** An event type no area declares, so only what the test publishes is seen. */
const PING = 'test.ping' as unknown as BusEventType;

function publishPing(bus: BusService, source: EventSource | undefined, n: number): void {
  bus.publish(source, PING, { n });
}

function pingNumber(frame: SseFrame): number | undefined {
  const data = frame.data as {
    type?: string;
    properties?: { n?: number };
    payload?: { type?: string; properties?: { n?: number } };
  };
  const event = data.payload ?? data;
  return event.type === 'test.ping' ? event.properties?.n : undefined;
}

function numericIds(frames: SseFrame[]): number[] {
  return frames.map((f) => Number(f.id));
}

function expectStrictlyIncreasing(values: number[]): void {
  values.forEach((value) => expect(Number.isSafeInteger(value)).toBe(true));
  for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
}

function uniqueRepo(): string {
  return gitRepo({ 'id.txt': `${randomUUID()}\n` });
}

/** What the bus holds for its subscribers: Subject observers and emitter listeners. */
function listenerCounts(t: TestApp): { observers: number; emitter: number } {
  const bus = t.app.get(BusService);
  const emitter = t.app.get(EventEmitter2);
  const stream = (bus as unknown as { stream: Subject<unknown> }).stream;
  const named = emitter.eventNames().reduce<number>((sum, name) => {
    return sum + emitter.listenerCount(name);
  }, 0);
  return { observers: stream.observers.length, emitter: named + emitter.listenersAny().length };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('SSE: /event and /global/event', () => {
  let t: TestApp;
  let bus: BusService;
  const clients: SseClient[] = [];
  const open = (path: string): SseClient => {
    const client = connectSse(`${t.url}${path}`);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    t = await startTestApp({ directory: uniqueRepo() });
    bus = t.app.get(BusService);
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(() => t.close());

  it('answers text/event-stream that no proxy caches or buffers', async () => {
    const res = await open('/event').response;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['cache-control']).toMatch(/no-cache/);
    expect(res.headers['x-accel-buffering']).toBe('no');
  });

  it('starts each stream with server.connected', async () => {
    const local = open('/event');
    const first = await local.waitFor(() => true);
    const global = open('/global/event');
    expect(first.data).toEqual({
      id: expect.stringMatching(/^evt_/),
      type: 'server.connected',
      properties: {},
    });
    expect(first.id).toMatch(/^\d+$/);
    const globalFirst = await global.waitFor(() => true);
    expect(globalFirst.data).toEqual({
      payload: { id: expect.stringMatching(/^evt_/), type: 'server.connected', properties: {} },
    });
    // The sequence is process-wide: a later connection has a later id.
    expect(Number(globalFirst.id)).toBeGreaterThan(Number(first.id));
  });

  it('streams only the events of its directory, in order, with increasing ids', async () => {
    const here = await t.app.get(InstanceService).resolve(t.directory);
    const elsewhere = await t.app.get(InstanceService).resolve(uniqueRepo());
    const local = open('/event');
    const remote = open(`/event?directory=${encodeURIComponent(elsewhere.directory)}`);
    await Promise.all([local.waitFor(() => true), remote.waitFor(() => true)]);

    for (let n = 0; n < 20; n++) {
      publishPing(bus, n % 2 === 0 ? here : elsewhere, n);
      // Server-wide events belong to no directory.
      publishPing(bus, undefined, 1000 + n);
    }
    await local.waitFor((f) => pingNumber(f) === 18);
    await remote.waitFor((f) => pingNumber(f) === 19);

    const localPings = local.frames.map(pingNumber).filter((n) => n !== undefined);
    const remotePings = remote.frames.map(pingNumber).filter((n) => n !== undefined);
    expect(localPings).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(remotePings).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    expectStrictlyIncreasing(numericIds(local.frames));
    expectStrictlyIncreasing(numericIds(remote.frames));
  });

  it('wraps every event on /global/event as { directory, project, payload }', async () => {
    const here = await t.app.get(InstanceService).resolve(t.directory);
    const global = open('/global/event');
    await global.waitFor(() => true);
    publishPing(bus, here, 1);
    publishPing(bus, undefined, 2);
    const wrapped = await global.waitFor((f) => pingNumber(f) === 1);
    expect(wrapped.data).toEqual({
      directory: here.directory,
      project: here.projectID,
      payload: { id: expect.stringMatching(/^evt_/), type: 'test.ping', properties: { n: 1 } },
    });
    const serverWide = await global.waitFor((f) => pingNumber(f) === 2);
    expect(serverWide.data).toEqual({
      payload: { id: expect.stringMatching(/^evt_/), type: 'test.ping', properties: { n: 2 } },
    });
    expectStrictlyIncreasing(numericIds(global.frames));
  });

  it('delivers an event published as soon as the client is connected', async () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const global = open('/global/event');
      const local = open('/event');
      await Promise.all([global.response, local.response]);
      // Published the moment the response headers arrive, before reading server.connected.
      const here = await t.app.get(InstanceService).resolve(t.directory);
      publishPing(bus, here, 5000 + attempt);
      await global.waitFor((f) => pingNumber(f) === 5000 + attempt, 2000);
      await local.waitFor((f) => pingNumber(f) === 5000 + attempt, 2000);
      expect(frameType(global.frames[0])).toBe('server.connected');
      global.close();
      local.close();
    }
  });

  it('keeps every stream in publication order when a subscriber publishes', async () => {
    const here = await t.app.get(InstanceService).resolve(t.directory);
    // A subscriber that reacts to one event by publishing another, synchronously.
    const reaction = bus.events$.subscribe((envelope) => {
      if (envelope.payload.type === PING && (envelope.payload.properties as { n: number }).n === 1)
        publishPing(bus, here, 2);
    });
    const late = open('/event');
    await late.waitFor(() => true);
    try {
      publishPing(bus, here, 1);
      await late.waitFor((f) => pingNumber(f) === 2);
      const order = late.frames.map(pingNumber).filter((n) => n !== undefined);
      expect(order).toEqual([1, 2]);
      expectStrictlyIncreasing(numericIds(late.frames));
    } finally {
      reaction.unsubscribe();
    }
  });
});

describe('SSE: heartbeat', () => {
  it('defaults to one heartbeat every 10 s, as the reference', () => {
    expect(DEFAULT_SERVER_OPTIONS.heartbeatIntervalMs).toBe(10_000);
  });

  it('sends server.heartbeat on both streams at the configured period', async () => {
    const t = await startTestApp({ server: { heartbeatIntervalMs: 40 } });
    const local = connectSse(`${t.url}/event`);
    const global = connectSse(`${t.url}/global/event`);
    try {
      const isBeat = (f: SseFrame) => frameType(f) === 'server.heartbeat';
      const started = Date.now();
      // Two beats on the same stream: it repeats, and well before the 10 s default.
      await local.waitFor((f) => isBeat(f) && local.frames.filter(isBeat).length >= 2);
      expect(Date.now() - started).toBeLessThan(2000);
      const beat = await global.waitFor(isBeat);
      expect(local.frames.find(isBeat)?.data).toEqual({
        id: expect.stringMatching(/^evt_/),
        type: 'server.heartbeat',
        properties: {},
      });
      expect(beat.data).toEqual({
        payload: { id: expect.stringMatching(/^evt_/), type: 'server.heartbeat', properties: {} },
      });
      expectStrictlyIncreasing(numericIds(local.frames));
      expectStrictlyIncreasing(numericIds(global.frames));
    } finally {
      local.close();
      global.close();
      await t.close();
    }
  });
});

describe('SSE: connections leave nothing behind', () => {
  it('1000 clients connecting and disconnecting leave no listeners or timers', async () => {
    const t = await startTestApp({
      directory: uniqueRepo(),
      server: { heartbeatIntervalMs: 60_000 },
    });
    try {
      // The instance exists before counting, its plugins loaded (their loading listens to the
      // bus until it ends): neither is a leak.
      await t.http.get('/path').expect(200);
      const instance = await t.app.get(InstanceService).resolve(t.directory);
      await t.app.get(PluginHooks).plugins(instance);
      const streams = t.app.get(EventStreamService);
      const before = listenerCounts(t);
      const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

      for (const size of [1000, 100]) {
        const clients = Array.from({ length: size }, (_, i) =>
          connectSse(`${t.url}${i % 2 === 0 ? '/event' : '/global/event'}`),
        );
        await Promise.all(clients.map((c) => c.waitFor(() => true, 20_000)));
        // One subscription to the bus serves every stream: clients add none.
        expect(streams.openStreams).toBe(size);
        expect(listenerCounts(t)).toEqual(before);
        clients.forEach((c) => c.close());
        await until(() => streams.openStreams === 0);
      }

      expect(listenerCounts(t)).toEqual(before);
      await until(
        () =>
          process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length <= timersBefore,
      );
    } finally {
      await t.close();
    }
  }, 60_000);
});

describe('SSE: shutdown', () => {
  it('ends open streams cleanly when the app closes', async () => {
    const t = await startTestApp({ directory: uniqueRepo() });
    const local = connectSse(`${t.url}/event`);
    const global = connectSse(`${t.url}/global/event`);
    await Promise.all([local.waitFor(() => true), global.waitFor(() => true)]);
    const started = Date.now();
    await t.close();
    expect(Date.now() - started).toBeLessThan(5000);
    await Promise.all([local.ended, global.ended]);
    expect(frameType(local.frames.at(-1)!)).toBe('server.instance.disposed');
    expect(global.frames.map(frameType)).toContain('server.instance.disposed');
  });
});
