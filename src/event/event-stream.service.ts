import { Inject, Injectable, MessageEvent } from '@nestjs/common';
import { filter, interval, map, merge, Observable, share, startWith, takeWhile } from 'rxjs';
import type { BusEventPayload } from '../core/bus/bus-event';
import { BusService } from '../core/bus/bus.service';
import '../core/bus/server.events';
import type { ServerOptions } from '../core/config/server-options';
import { SERVER_OPTIONS } from '../core/core.module';
import type { Instance } from '../core/instance/instance';

/**
 * Turns the bus into SSE frames: `data: <json>` with a process-wide increasing `id:`. Each stream
 * starts with `server.connected`; heartbeats keep proxies from closing idle connections.
 */
@Injectable()
export class EventStreamService {
  /** One timer for every open stream rather than one per client; stopped when none is open. */
  private readonly heartbeat$: Observable<number>;

  constructor(
    private readonly bus: BusService,
    @Inject(SERVER_OPTIONS) server: ServerOptions,
  ) {
    this.heartbeat$ = interval(server.heartbeatIntervalMs).pipe(share());
  }

  /** Events of one instance; the stream ends with its `server.instance.disposed`. */
  instanceStream(instance: Instance): Observable<MessageEvent> {
    const events$ = this.bus.events$.pipe(
      filter((envelope) => envelope.directory === instance.directory),
      map((envelope) => ({ id: String(envelope.seq), data: envelope.payload })),
    );
    return this.withConnectedAndHeartbeat(events$, (payload) => payload).pipe(
      takeWhile(
        (frame) => (frame.data as BusEventPayload).type !== 'server.instance.disposed',
        true,
      ),
    );
  }

  /** Every event of every instance, wrapped as `{ directory, project, payload }`. */
  globalStream(): Observable<MessageEvent> {
    const events$ = this.bus.events$.pipe(
      map((envelope) => ({
        id: String(envelope.seq),
        data: {
          directory: envelope.directory,
          project: envelope.project,
          payload: envelope.payload,
        },
      })),
    );
    return this.withConnectedAndHeartbeat(events$, (payload) => ({ payload }));
  }

  private withConnectedAndHeartbeat(
    events$: Observable<MessageEvent>,
    wrap: (payload: BusEventPayload) => object,
  ): Observable<MessageEvent> {
    const ownFrame = (type: 'server.connected' | 'server.heartbeat'): MessageEvent => ({
      id: String(this.bus.nextSequence()),
      data: wrap(this.bus.createPayload(type, {})),
    });
    const heartbeats$ = this.heartbeat$.pipe(map(() => ownFrame('server.heartbeat')));
    return merge(events$, heartbeats$).pipe(startWith(ownFrame('server.connected')));
  }
}
