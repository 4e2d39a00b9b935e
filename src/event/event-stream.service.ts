import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import { filter, interval, map, merge, Observable, share, startWith, takeWhile } from 'rxjs';
import type { BusEnvelope, BusEventPayload } from '../core/bus/bus-event';
import { BusService } from '../core/bus/bus.service';
import type { ServerOptions } from '../core/config/server-options';
import { SERVER_OPTIONS } from '../core/core.module';
import type { Instance } from '../core/instance/instance';

const HEARTBEAT = 'heartbeat' as const;

/**
 * A client that reads slower than events come may hold this much unsent data; past it the
 * connection is cut (it reconnects and reloads) rather than grow the server's memory forever.
 */
const MAX_UNSENT_BYTES = 16 * 1024 * 1024;

const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  connection: 'keep-alive',
  'cache-control': 'private, no-cache, no-store, must-revalidate, max-age=0, no-transform',
  pragma: 'no-cache',
  expire: '0',
  // nginx and similar proxies pass each frame on at once instead of buffering the stream.
  'x-accel-buffering': 'no',
};

/** An open event stream: the response it writes to and the directory it shows (none: all). */
interface OpenStream {
  response: ServerResponse;
  directory?: string;
  /** Frames written but not yet handed to the operating system. */
  unsent: number;
  /** Called once `unsent` is back to zero (or the stream closed). */
  onFlushed: Array<() => void>;
}

/**
 * Turns the bus into SSE frames (`id: <seq>` and `data: <json>`) with a process-wide increasing
 * id. Each stream starts with `server.connected`; heartbeats keep proxies from closing idle
 * connections. Frames are written straight to the response as events are published, so they
 * reach the socket in publication order and before anything the server answers afterwards:
 * `flushed()` lets a route answer only once its turn's events are out (see PromptController).
 */
@Injectable()
export class EventStreamService {
  private readonly logger = new Logger(EventStreamService.name);
  /** One timer for every open stream rather than one per client; stopped when none is open. */
  private readonly heartbeat$: Observable<typeof HEARTBEAT>;
  /**
   * Each event is serialized once per stream kind, not once per client: with a thousand clients
   * connected, JSON.stringify would otherwise dominate the cost of a large event.
   */
  private readonly instanceFrames = new WeakMap<BusEnvelope, string>();
  private readonly globalFrames = new WeakMap<BusEnvelope, string>();
  private readonly open = new Set<OpenStream>();

  constructor(
    private readonly bus: BusService,
    @Inject(SERVER_OPTIONS) server: ServerOptions,
  ) {
    this.heartbeat$ = interval(server.heartbeatIntervalMs).pipe(
      map(() => HEARTBEAT),
      share(),
    );
  }

  /** `GET /event`: the events of one instance; the stream ends with `server.instance.disposed`. */
  serveInstance(reply: FastifyReply, instance: Instance): void {
    this.serve(reply, this.instanceFrames$(instance), instance.directory);
  }

  /** `GET /global/event`: every event of every instance, as `{ directory, project, payload }`. */
  serveGlobal(reply: FastifyReply): void {
    this.serve(reply, this.globalFrames$());
  }

  /**
   * Resolves once every frame published so far for `directory` (and for every global stream) has
   * been handed to the operating system: a response sent after it reaches a client after the
   * events, on any connection. A stream that cannot take more (its client stopped reading) is
   * waited for until it drains or closes.
   */
  async flushed(directory: string): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const stream of this.open) {
      if (stream.directory !== undefined && stream.directory !== directory) continue;
      if (stream.unsent === 0) continue;
      pending.push(new Promise((resolve) => stream.onFlushed.push(resolve)));
    }
    await Promise.all(pending);
  }

  private instanceFrames$(instance: Instance): Observable<string> {
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

  private globalFrames$(): Observable<string> {
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

  /**
   * Takes the response over from the framework and writes each frame as it comes. The stream
   * ends when `frames$` completes (instance disposed, server shutting down) or the client goes.
   */
  private serve(reply: FastifyReply, frames$: Observable<string>, directory?: string): void {
    reply.hijack();
    const response = reply.raw;
    const socket = response.socket;
    socket?.setNoDelay(true);
    socket?.setTimeout(0);
    socket?.setKeepAlive(true);
    response.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), ...SSE_HEADERS });
    const stream: OpenStream = { response, directory, unsent: 0, onFlushed: [] };
    const settle = () => stream.onFlushed.splice(0).forEach((resolve) => resolve());
    // One callback per stream, not one closure per frame: it runs once each write is handed to
    // the operating system, in write order.
    const written = () => {
      if (--stream.unsent === 0) settle();
    };
    this.open.add(stream);
    const subscription = frames$.subscribe({
      next: (frame) => {
        if (response.destroyed) return;
        stream.unsent++;
        response.write(frame, written);
        if (response.writableLength > MAX_UNSENT_BYTES) {
          this.logger.warn(`event stream cut: its client read nothing of the last frames`);
          response.destroy();
        }
      },
      complete: () => response.end(),
    });
    response.once('close', () => {
      this.open.delete(stream);
      subscription.unsubscribe();
      stream.unsent = 0;
      settle();
    });
  }

  /** A frame of this client only (`server.connected`, a heartbeat), numbered in the sequence. */
  private ownFrame(
    type: 'server.connected' | 'server.heartbeat',
    wrap: (payload: BusEventPayload) => object,
  ): string {
    return frame(this.bus.nextSequence(), wrap(this.bus.createPayload(type, {})));
  }
}

function frame(id: number, data: object): string {
  // JSON.stringify never emits a raw line break, so the data is always one `data:` line.
  return `id: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The frame of a bus event, serialized on first use and shared by every client after. */
function frameOf(
  cache: WeakMap<BusEnvelope, string>,
  envelope: BusEnvelope,
  data: () => object,
): string {
  let text = cache.get(envelope);
  if (text === undefined) {
    text = frame(envelope.seq, data());
    cache.set(envelope, text);
  }
  return text;
}
