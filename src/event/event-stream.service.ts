import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { Subscription } from 'rxjs';
import type { BusEnvelope, BusEventPayload } from '../core/bus/bus-event';
import { BusService } from '../core/bus/bus.service';
import type { ServerOptions } from '../core/config/server-options';
import { SERVER_OPTIONS } from '../core/core.module';
import type { Instance } from '../core/instance/instance';

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
  /** Wraps a frame's payload as this kind of stream sends it (global streams: `{ payload }`). */
  wrap: (payload: BusEventPayload) => object;
  /** Frames written but not yet handed to the operating system. */
  unsent: number;
  /** Called once `unsent` is back to zero (or the stream closed). */
  onFlushed: Array<() => void>;
  /** One write callback per stream (not one closure per frame): counts `unsent` down. */
  written: () => void;
}

/**
 * Turns the bus into SSE frames (`id: <seq>` and `data: <json>`) with a process-wide increasing
 * id. Each stream starts with `server.connected`; heartbeats keep proxies from closing idle
 * connections.
 *
 * One subscription to the bus serves every stream: each event is serialized once per stream
 * kind (instance, global) and the same frame is written straight to each response of its
 * directory, in publication order, before anything the server answers afterwards. `flushed()`
 * lets a route answer only once its turn's events are out (see PromptController).
 */
@Injectable()
export class EventStreamService implements OnApplicationShutdown {
  private readonly logger = new Logger(EventStreamService.name);
  /** Instance streams by directory, and the global streams. */
  private readonly byDirectory = new Map<string, Set<OpenStream>>();
  private readonly global = new Set<OpenStream>();
  private readonly subscription: Subscription;
  /** One timer for every open stream rather than one per client; stopped when none is open. */
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: BusService,
    @Inject(SERVER_OPTIONS) private readonly server: ServerOptions,
  ) {
    this.subscription = bus.events$.subscribe({
      next: (envelope) => this.deliver(envelope),
      // The bus ends at shutdown: every stream ends cleanly with it.
      complete: () => this.endAll(),
    });
  }

  /** How many event streams are open (both kinds). */
  get openStreams(): number {
    let count = this.global.size;
    for (const streams of this.byDirectory.values()) count += streams.size;
    return count;
  }

  /** `GET /event`: the events of one instance; the stream ends with `server.instance.disposed`. */
  serveInstance(reply: FastifyReply, instance: Instance): void {
    this.serve(reply, instance.directory, (payload) => payload);
  }

  /** `GET /global/event`: every event of every instance, as `{ directory, project, payload }`. */
  serveGlobal(reply: FastifyReply): void {
    this.serve(reply, undefined, (payload) => ({ payload }));
  }

  /**
   * Resolves once every frame published so far for `directory` (and for every global stream) has
   * been handed to the operating system: a response sent after it reaches a client after the
   * events, on any connection. A stream that cannot take more (its client stopped reading) is
   * waited for until it drains or closes.
   */
  async flushed(directory: string): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const stream of [...(this.byDirectory.get(directory) ?? []), ...this.global]) {
      if (stream.unsent === 0) continue;
      pending.push(new Promise((resolve) => stream.onFlushed.push(resolve)));
    }
    await Promise.all(pending);
  }

  /** After the bus has ended (and with it every stream): nothing is left to beat for. */
  onApplicationShutdown(): void {
    this.subscription.unsubscribe();
    this.stopHeartbeat();
  }

  private deliver(envelope: BusEnvelope): void {
    const { directory } = envelope;
    const local = directory === undefined ? undefined : this.byDirectory.get(directory);
    if (local) {
      const frame = frameOf(envelope.seq, envelope.payload);
      for (const stream of local) this.write(stream, frame);
      // The instance is gone: its streams end after telling so.
      if (envelope.payload.type === 'server.instance.disposed') {
        for (const stream of local) stream.response.end();
      }
    }
    if (this.global.size > 0) {
      const frame = frameOf(envelope.seq, {
        directory: envelope.directory,
        project: envelope.project,
        payload: envelope.payload,
      });
      for (const stream of this.global) this.write(stream, frame);
    }
  }

  /**
   * Takes the response over from the framework and writes each frame as it comes. The stream
   * ends with its instance, with the server, or when the client goes.
   */
  private serve(
    reply: FastifyReply,
    directory: string | undefined,
    wrap: OpenStream['wrap'],
  ): void {
    reply.hijack();
    const response = reply.raw;
    const socket = response.socket;
    socket?.setNoDelay(true);
    socket?.setTimeout(0);
    socket?.setKeepAlive(true);
    response.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), ...SSE_HEADERS });
    const stream: OpenStream = {
      response,
      directory,
      wrap,
      unsent: 0,
      onFlushed: [],
      written: () => {
        if (--stream.unsent === 0) settle(stream);
      },
    };
    const streams = directory === undefined ? this.global : this.streamsOf(directory);
    streams.add(stream);
    this.startHeartbeat();
    this.write(stream, this.ownFrame(stream, 'server.connected'));
    response.once('close', () => {
      streams.delete(stream);
      if (directory !== undefined && streams.size === 0) this.byDirectory.delete(directory);
      if (this.openStreams === 0) this.stopHeartbeat();
      stream.unsent = 0;
      settle(stream);
    });
  }

  private streamsOf(directory: string): Set<OpenStream> {
    let streams = this.byDirectory.get(directory);
    if (!streams) this.byDirectory.set(directory, (streams = new Set()));
    return streams;
  }

  private write(stream: OpenStream, frame: string): void {
    const { response } = stream;
    if (response.destroyed || response.writableEnded) return;
    stream.unsent++;
    response.write(frame, stream.written);
    if (response.writableLength > MAX_UNSENT_BYTES) {
      this.logger.warn('event stream cut: its client read nothing of the last frames');
      response.destroy();
    }
  }

  private startHeartbeat(): void {
    this.heartbeat ??= setInterval(() => {
      for (const stream of this.allStreams()) {
        this.write(stream, this.ownFrame(stream, 'server.heartbeat'));
      }
    }, this.server.heartbeatIntervalMs);
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private *allStreams(): Iterable<OpenStream> {
    yield* this.global;
    for (const streams of this.byDirectory.values()) yield* streams;
  }

  private endAll(): void {
    for (const stream of [...this.allStreams()]) stream.response.end();
  }

  /** A frame of this client only (`server.connected`, a heartbeat), numbered in the sequence. */
  private ownFrame(stream: OpenStream, type: 'server.connected' | 'server.heartbeat'): string {
    return frameOf(this.bus.nextSequence(), stream.wrap(this.bus.createPayload(type, {})));
  }
}

function settle(stream: OpenStream): void {
  for (const resolve of stream.onFlushed.splice(0)) resolve();
}

/**
 * One SSE frame. JSON.stringify never emits a raw line break, so the data is always one `data:`
 * line; an event's frame is built once and written to every stream of its kind.
 */
function frameOf(id: number, data: object): string {
  return `id: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
}
