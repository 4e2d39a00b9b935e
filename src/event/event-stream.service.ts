import { Inject, Injectable, MessageEvent } from '@nestjs/common';
import { filter, interval, map, merge, Observable, share, startWith, takeWhile } from 'rxjs';
import type { BusEnvelope, BusEventPayload } from '../core/bus/bus-event';
import { BusService } from '../core/bus/bus.service';
import '../core/bus/server.events';
import type { ServerOptions } from '../core/config/server-options';
import { SERVER_OPTIONS } from '../core/core.module';
import type { Instance } from '../core/instance/instance';

const HEARTBEAT = 'heartbeat' as const;

/**
 * Turns the bus into SSE frames: `data: <json>` with a process-wide increasing `id:`. Each stream
 * starts with `server.connected`; heartbeats keep proxies from closing idle connections.
 */
@Injectable()
export class EventStreamService {
  /** One timer for every open stream rather than one per client; stopped when none is open. */
  private readonly heartbeat$: Observable<typeof HEARTBEAT>;
  /**
   * Each event is serialized once per stream kind, not once per client: with a thousand clients
   * connected, JSON.stringify would otherwise dominate the cost of a large event.
   */
  private readonly instanceFrames = new WeakMap<BusEnvelope, MessageEvent>();
  private readonly globalFrames = new WeakMap<BusEnvelope, MessageEvent>();

  constructor(
    private readonly bus: BusService,
    @Inject(SERVER_OPTIONS) server: ServerOptions,
  ) {
    this.heartbeat$ = interval(server.heartbeatIntervalMs).pipe(
      map(() => HEARTBEAT),
      share(),
    );
  }

  /** Events of one instance; the stream ends with its `server.instance.disposed`. */
  instanceStream(instance: Instance): Observable<MessageEvent> {
    const events$ = this.bus.events$.pipe(
      filter((envelope) => envelope.directory === instance.directory),
    );
    return merge(events$, this.heartbeat$).pipe(
      takeWhile(
        (item) => item === HEARTBEAT || item.payload.type !== 'server.instance.disposed',
        true,
      ),
      map((item) =>
        item === HEARTBEAT
          ? this.ownFrame('server.heartbeat', (payload) => payload)
          : frameOf(this.instanceFrames, item, () => item.payload),
      ),
      startWith(this.ownFrame('server.connected', (payload) => payload)),
    );
  }

  /** Every event of every instance, wrapped as `{ directory, project, payload }`. */
  globalStream(): Observable<MessageEvent> {
    return merge(this.bus.events$, this.heartbeat$).pipe(
      map((item) =>
        item === HEARTBEAT
          ? this.ownFrame('server.heartbeat', (payload) => ({ payload }))
          : frameOf(this.globalFrames, item, () => ({
              directory: item.directory,
              project: item.project,
              payload: item.payload,
            })),
      ),
      startWith(this.ownFrame('server.connected', (payload) => ({ payload }))),
    );
  }

  /** A frame of this client only (`server.connected`, a heartbeat), numbered in the sequence. */
  private ownFrame(
    type: 'server.connected' | 'server.heartbeat',
    wrap: (payload: BusEventPayload) => object,
  ): MessageEvent {
    return {
      id: String(this.bus.nextSequence()),
      data: JSON.stringify(wrap(this.bus.createPayload(type, {}))),
    };
  }
}

/** The frame of a bus event, serialized on first use and shared by every client after. */
function frameOf(
  cache: WeakMap<BusEnvelope, MessageEvent>,
  envelope: BusEnvelope,
  data: () => object,
): MessageEvent {
  let frame = cache.get(envelope);
  if (!frame) {
    frame = { id: String(envelope.seq), data: JSON.stringify(data()) };
    cache.set(envelope, frame);
  }
  return frame;
}
