import type { FastifyReply } from 'fastify';
import { EventEmitter } from 'node:events';
import { Subject } from 'rxjs';
import type { BusEnvelope } from '../../../core/bus/bus-event';
import type { BusService } from '../../../core/bus/bus.service';
import { OpenEventStreams } from '../../../core/http/open-event-streams';
import type { SessionEventLog } from '../log/session-event-log.service';
import type { SessionDurableEvent } from '../log/session-event.types';
import type { SessionV2Service } from '../session-v2.service';
import { SessionEventStreamService } from './session-event-stream.service';

/** A response whose client reads only when told (`read()`), as a slow connection. */
class SlowResponse extends EventEmitter {
  frames: string[] = [];
  destroyed = false;
  writableEnded = false;
  writableLength = 0;

  writeHead(): this {
    return this;
  }
  flushHeaders(): void {}
  write(chunk: string): boolean {
    this.frames.push(chunk);
    this.writableLength += chunk.length;
    return true;
  }
  end(): void {
    this.writableEnded = true;
    this.emit('close');
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
  /** The client takes everything written so far. */
  read(): void {
    this.writableLength = 0;
    this.emit('drain');
  }
}

const SESSION = 'ses_1';

function event(seq: number, text = ''): SessionDurableEvent {
  return {
    id: `evt_${seq}`,
    type: 'session.next.text.ended',
    durable: { aggregateID: SESSION, seq, version: 1 },
    data: { timestamp: seq, sessionID: SESSION, text },
  };
}

describe('SessionEventStreamService', () => {
  let stored: SessionDurableEvent[];
  let live: Subject<SessionDurableEvent>;
  let service: SessionEventStreamService;

  beforeEach(() => {
    stored = [];
    live = new Subject();
    const log = {
      after: (_: string, seq: number, limit: number) =>
        stored.filter((e) => e.durable.seq > seq).slice(0, limit),
      live: () => live.asObservable(),
      lastSeq: () => stored.length,
    } as unknown as SessionEventLog;
    const bus = { events$: new Subject<BusEnvelope>() } as unknown as BusService;
    const sessions = { find: () => ({}) } as unknown as SessionV2Service;
    service = new SessionEventStreamService(sessions, log, bus, new OpenEventStreams());
  });

  /** Stores an event and publishes it, as the log does. */
  function append(text = ''): void {
    const next = event(stored.length + 1, text);
    stored.push(next);
    live.next(next);
  }

  function connect(after = 0): SlowResponse {
    const response = new SlowResponse();
    const reply = { hijack: () => undefined, raw: response, getHeaders: () => ({}) };
    service.serve(reply as unknown as FastifyReply, SESSION, after);
    return response;
  }

  const seqs = (response: SlowResponse) =>
    response.frames.flatMap((frame) => /^id: (\d+)\n/.exec(frame)?.[1] ?? []).map(Number);

  afterEach(() => service.onApplicationShutdown());

  it('replays the log after `after`, then follows live events, each once and in order', () => {
    for (let i = 0; i < 3; i++) append();
    const response = connect(1);
    append();
    expect(seqs(response)).toEqual([2, 3, 4]);
  });

  it('replays a log larger than a slow client may hold a page at a time, as it reads', async () => {
    // 40 MiB of history: written at once, it would pass the cut-off for a client that stalls.
    const text = 'x'.repeat(20 * 1024);
    for (let i = 0; i < 2000; i++) append(text);
    const response = connect();
    expect(seqs(response).length).toBeLessThan(2000);
    // Appended while the replay waits: it comes from the log, after the older ones, once.
    append(text);
    for (let i = 0; i < 100 && seqs(response).length < 2001; i++) {
      response.read();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(response.destroyed).toBe(false);
    expect(seqs(response)).toEqual(Array.from({ length: 2001 }, (_, i) => i + 1));
    append();
    expect(seqs(response).at(-1)).toBe(2002);
  });
});
