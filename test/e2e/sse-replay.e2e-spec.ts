import { randomUUID } from 'node:crypto';
import type { BusEventType } from '../../src/core/bus/bus-event';
import { BusService, type EventSource } from '../../src/core/bus/bus.service';
import { InstanceService } from '../../src/core/instance/instance.service';
import { gitRepo } from '../support/fixtures';
import { connectSse, frameType, type SseClient, type SseFrame } from '../support/sse-client';
import { startTestApp, type TestApp } from '../support/test-app';

/** An event type no area declares, so only what the test publishes is seen. */
const PING = 'test.ping' as unknown as BusEventType;

function uniqueRepo(): string {
  return gitRepo({ 'id.txt': `${randomUUID()}\n` });
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

function pings(client: SseClient): number[] {
  return client.frames.map(pingNumber).filter((n): n is number => n !== undefined);
}

function payloadOf(frame: SseFrame): { type: string; properties: Record<string, unknown> } {
  const data = frame.data as { payload?: unknown };
  return (data.payload ?? data) as { type: string; properties: Record<string, unknown> };
}

describe('SSE replay: Last-Event-ID', () => {
  let t: TestApp;
  let bus: BusService;
  let here: EventSource;
  let other: EventSource;
  const clients: SseClient[] = [];
  const open = (path: string, headers: Record<string, string> = {}): SseClient => {
    const client = connectSse(`${t.url}${path}`, headers);
    clients.push(client);
    return client;
  };
  const ping = (n: number, source: EventSource | undefined = here) =>
    bus.publish(source, PING, { n });

  beforeAll(async () => {
    t = await startTestApp({ directory: uniqueRepo() });
    bus = t.app.get(BusService);
    here = await t.app.get(InstanceService).resolve(t.directory);
    other = { directory: uniqueRepo(), projectID: 'prj_other' };
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(() => t.close());

  it.each(['/event', '/global/event'])(
    '%s: a reconnecting client gets exactly what it missed, in order, then live events',
    async (path) => {
      const first = open(path);
      await first.waitFor(() => true);
      for (let n = 1; n <= 3; n++) ping(n);
      const seen = await first.waitFor((f) => pingNumber(f) === 2);
      await first.waitFor((f) => pingNumber(f) === 3);
      first.close();
      // Published while the client is away (4..6), with one of another directory among them.
      ping(4);
      ping(99, other);
      ping(5);
      ping(6);

      const again = open(path, { 'last-event-id': seen.id! });
      const connected = await again.waitFor(() => true);
      expect(frameType(connected)).toBe('server.connected');
      // Its id is the client's own: the stream's ids keep increasing from there.
      expect(connected.id).toBe(seen.id);
      await again.waitFor((f) => pingNumber(f) === 6);
      ping(7);
      await again.waitFor((f) => pingNumber(f) === 7);
      expect(pings(again)).toEqual(path === '/event' ? [3, 4, 5, 6, 7] : [3, 4, 99, 5, 6, 7]);
      expect(again.frames.map(frameType).slice(0, 5)).toEqual([
        'server.connected',
        'test.ping',
        'test.ping',
        'test.ping',
        'test.ping',
      ]);
      const ids = again.frames.map((f) => Number(f.id));
      for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]);
    },
  );

  it('replays nothing to a client that missed nothing', async () => {
    const first = open('/event');
    await first.waitFor(() => true);
    ping(10);
    const last = await first.waitFor((f) => pingNumber(f) === 10);
    first.close();
    const again = open('/event', { 'last-event-id': last.id! });
    await again.waitFor(() => true);
    ping(11);
    await again.waitFor((f) => pingNumber(f) === 11);
    expect(pings(again)).toEqual([11]);
    expect(again.frames.some((f) => frameType(f) === 'server.replay.gap')).toBe(false);
  });

  it('resumes from the id of a heartbeat or of server.connected', async () => {
    const first = open('/global/event');
    const connected = await first.waitFor(() => true);
    first.close();
    ping(20);
    ping(21, undefined);
    const again = open('/global/event', { 'last-event-id': connected.id! });
    await again.waitFor((f) => pingNumber(f) === 21);
    expect(pings(again)).toEqual([20, 21]);
  });

  it('takes ?lastEventId= where a client cannot send the header; the header wins', async () => {
    const first = open('/event');
    await first.waitFor(() => true);
    ping(30);
    const last = await first.waitFor((f) => pingNumber(f) === 30);
    ping(31);
    const later = await first.waitFor((f) => pingNumber(f) === 31);
    first.close();
    ping(32);
    const byQuery = open(`/event?lastEventId=${last.id}`);
    await byQuery.waitFor((f) => pingNumber(f) === 32);
    expect(pings(byQuery)).toEqual([31, 32]);
    const both = open(`/event?lastEventId=${last.id}`, { 'last-event-id': later.id! });
    await both.waitFor((f) => pingNumber(f) === 32);
    expect(pings(both)).toEqual([32]);
  });

  it.each([
    ['an id from before this process', '12'],
    ['an id not handed out yet', String(Number.MAX_SAFE_INTEGER)],
    ['something that is no id', 'abc'],
  ])('answers %s with server.replay.gap (unknown), then live events', async (_, id) => {
    const client = open('/event', { 'last-event-id': id });
    const gap = await client.waitFor((f) => frameType(f) === 'server.replay.gap');
    expect(frameType(client.frames[0])).toBe('server.connected');
    expect(client.frames[1]).toBe(gap);
    expect(payloadOf(gap).properties).toEqual({ lastEventID: id, reason: 'unknown' });
    ping(40);
    await client.waitFor((f) => pingNumber(f) === 40);
    expect(pings(client)).toEqual([40]);
  });

  it('answers server.replay.gap (expired) once the missed events are no longer kept', async () => {
    const repo = await t.app.get(InstanceService).resolve(uniqueRepo());
    const first = open(`/event?directory=${encodeURIComponent(repo.directory)}`);
    const connected = await first.waitFor(() => true);
    first.close();
    for (let n = 0; n < 1001; n++) ping(1000 + n, repo);
    const again = open(`/event?directory=${encodeURIComponent(repo.directory)}`, {
      'last-event-id': connected.id!,
    });
    const gap = await again.waitFor((f) => frameType(f) === 'server.replay.gap');
    expect(payloadOf(gap).properties).toEqual({ lastEventID: connected.id, reason: 'expired' });
    expect(pings(again)).toEqual([]);

    // The last 1000 are kept: a client that saw the first one gets the other 1000.
    const sawFirst = open(`/event?directory=${encodeURIComponent(repo.directory)}`, {
      'last-event-id': String(Number(connected.id) + 1),
    });
    await sawFirst.waitFor((f) => pingNumber(f) === 2000);
    expect(pings(sawFirst)).toHaveLength(1000);
    expect(pings(sawFirst)[0]).toBe(1001);
  });

  it('replays a full ring of large events without cutting the client off', async () => {
    const repo = await t.app.get(InstanceService).resolve(uniqueRepo());
    const path = `/event?directory=${encodeURIComponent(repo.directory)}`;
    const first = open(path);
    const connected = await first.waitFor(() => true);
    first.close();
    const filler = 'x'.repeat(16_000);
    for (let n = 0; n < 1000; n++) bus.publish(repo, PING, { n: 3000 + n, filler });
    // 16 MB published, the newest ~8 MiB kept: from before them, a gap.
    const again = open(path, { 'last-event-id': connected.id! });
    await again.waitFor((f) => frameType(f) === 'server.replay.gap');
    expect(pings(again)).toEqual([]);
    // From within them, ~6 MB replayed at once, and the stream is still open for live events.
    const sawSome = open(path, { 'last-event-id': String(Number(connected.id) + 600) });
    await sawSome.waitFor((f) => pingNumber(f) === 3999, 15_000);
    expect(pings(sawSome)).toEqual(Array.from({ length: 400 }, (_, i) => 3600 + i));
    bus.publish(repo, PING, { n: 4000 });
    await sawSome.waitFor((f) => pingNumber(f) === 4000);
  });

  it('keeps the /api session events (session.next.*) off both streams', async () => {
    const local = open('/event');
    const global = open('/global/event');
    await Promise.all([local.waitFor(() => true), global.waitFor(() => true)]);
    // Any type of the family: the filter is by prefix, whatever the /api declares.
    const next = 'session.next.replay.test' as unknown as BusEventType;
    bus.publish(here, next, { id: 'evt_x', data: {} });
    ping(50);
    await local.waitFor((f) => pingNumber(f) === 50);
    await global.waitFor((f) => pingNumber(f) === 50);
    for (const client of [local, global]) {
      expect(
        client.frames.map(frameType).filter((type) => type?.startsWith('session.next.')),
      ).toEqual([]);
    }
  });
});

describe('SSE replay: across a restart', () => {
  it('never reuses an id: a client resuming from the previous process gets server.replay.gap', async () => {
    const directory = uniqueRepo();
    const before = await startTestApp({ directory });
    let lastId: string;
    try {
      const client = connectSse(`${before.url}/event`);
      await client.waitFor(() => true);
      const instance = await before.app.get(InstanceService).resolve(directory);
      before.app.get(BusService).publish(instance, PING, { n: 1 });
      lastId = (await client.waitFor((f) => pingNumber(f) === 1)).id!;
      client.close();
    } finally {
      await before.close();
    }
    const after = await startTestApp({ directory, home: before.home });
    try {
      expect(after.app.get(BusService).firstSequence).toBeGreaterThan(Number(lastId));
      const client = connectSse(`${after.url}/event`, { 'last-event-id': lastId });
      const gap = await client.waitFor((f) => frameType(f) === 'server.replay.gap');
      expect(payloadOf(gap).properties).toEqual({ lastEventID: lastId, reason: 'unknown' });
      client.close();
    } finally {
      await after.close();
    }
  });
});

describe('SSE: /event?sessionID=', () => {
  let t: TestApp;
  const clients: SseClient[] = [];
  const open = (path: string): SseClient => {
    const client = connectSse(`${t.url}${path}`);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    t = await startTestApp({ directory: uniqueRepo() });
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(() => t.close());

  it("carries only that session's events and the server's", async () => {
    const a = (await t.http.post('/session').send({}).expect(200)).body as { id: string };
    const b = (await t.http.post('/session').send({}).expect(200)).body as { id: string };
    const only = open(`/event?sessionID=${a.id}`);
    const all = open('/event');
    await Promise.all([only.waitFor(() => true), all.waitFor(() => true)]);

    await t.http.patch(`/session/${b.id}`).send({ title: 'B' }).expect(200);
    await t.http.patch(`/session/${a.id}`).send({ title: 'A' }).expect(200);
    await t.http.delete(`/session/${b.id}`).expect(200);
    await t.http.delete(`/session/${a.id}`).expect(200);
    await all.waitFor(
      (f) => frameType(f) === 'session.deleted' && payloadOf(f).properties.sessionID === a.id,
    );
    await only.waitFor((f) => frameType(f) === 'session.deleted');

    const sessionsOf = (client: SseClient) =>
      client.frames
        .filter((f) => frameType(f)?.startsWith('session.'))
        .map((f) => payloadOf(f).properties.sessionID);
    expect(new Set(sessionsOf(only))).toEqual(new Set([a.id]));
    expect(new Set(sessionsOf(all))).toEqual(new Set([a.id, b.id]));
    expect(only.frames.map(frameType)).toEqual(
      expect.arrayContaining(['server.connected', 'session.updated', 'session.deleted']),
    );
  });

  it('filters a replay too', async () => {
    const a = (await t.http.post('/session').send({}).expect(200)).body as { id: string };
    const b = (await t.http.post('/session').send({}).expect(200)).body as { id: string };
    const first = open(`/event?sessionID=${a.id}`);
    const connected = await first.waitFor(() => true);
    first.close();
    await t.http.patch(`/session/${b.id}`).send({ title: 'B2' }).expect(200);
    await t.http.patch(`/session/${a.id}`).send({ title: 'A2' }).expect(200);
    const again = connectSse(`${t.url}/event?sessionID=${a.id}`, {
      'last-event-id': connected.id!,
    });
    clients.push(again);
    const updated = await again.waitFor((f) => frameType(f) === 'session.updated');
    expect(payloadOf(updated).properties.sessionID).toBe(a.id);
    expect(again.frames.filter((f) => payloadOf(f).properties.sessionID === b.id)).toEqual([]);
  });

  it('answers 404 for an unknown session and 400 for a malformed id', async () => {
    const unknown = await t.http.get('/event?sessionID=ses_doesnotexist').expect(404);
    expect(unknown.body).toMatchObject({ name: 'NotFoundError' });
    const malformed = await t.http.get('/event?sessionID=nope').expect(400);
    expect(JSON.stringify(malformed.body)).toContain('sessionID');
    await t.http.get('/event?unknownKey=1').expect(400);
  });
});

describe('SSE: /global/event with a directory allowlist', () => {
  it('carries no events of directories outside the allowed ones', async () => {
    const inside = uniqueRepo();
    const outside = uniqueRepo();
    const t = await startTestApp({ directory: inside, server: { allowedDirectories: [inside] } });
    try {
      const bus = t.app.get(BusService);
      const global = connectSse(`${t.url}/global/event`);
      await global.waitFor(() => true);
      const before = global.frames.length;
      bus.publish({ directory: outside, projectID: 'prj_out' }, PING, { n: 1 });
      bus.publish({ directory: inside, projectID: 'prj_in' }, PING, { n: 2 });
      bus.publish(undefined, PING, { n: 3 });
      await global.waitFor((f) => pingNumber(f) === 3);
      expect(pings(global)).toEqual([2, 3]);

      // Nor in a replay.
      const again = connectSse(`${t.url}/global/event`, {
        'last-event-id': global.frames[before - 1].id!,
      });
      await again.waitFor((f) => pingNumber(f) === 3);
      expect(pings(again)).toEqual([2, 3]);
      global.close();
      again.close();
    } finally {
      await t.close();
    }
  });
});
