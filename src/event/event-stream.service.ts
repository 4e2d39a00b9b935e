import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { Subscription } from 'rxjs';
import type { BusEnvelope, BusEventMap } from '../core/bus/bus-event';
import { BusService } from '../core/bus/bus.service';
import type { ServerOptions } from '../core/config/server-options';
import { SERVER_OPTIONS } from '../core/core.module';
import { SessionNotFoundError } from '../core/errors/session-not-found';
import { DirectoryAllowlist, sessionDirectoryReader } from '../core/http/directory-allowlist';
import { openEventStream, writeEventText } from '../core/http/event-stream';
import { OpenEventStreams } from '../core/http/open-event-streams';
import type { Instance } from '../core/instance/instance';
import { DatabaseService } from '../core/storage/database.service';
import { isClassicEvent, sessionOfEvent, showsInSessionStream } from './event-filter';
import { EventRing, type EventRingLimits, type StoredEvent } from './event-ring';

/**
 * A client that reads slower than events come may hold this much unsent data; past it the
 * connection is cut (it reconnects and reloads) rather than grow the server's memory forever.
 */
const MAX_UNSENT_BYTES = 16 * 1024 * 1024;

/**
 * What a directory's stream can replay to a client that reconnects (`Last-Event-ID`): its last
 * 1000 events, fewer only when those would pass 8 MiB (a run of huge tool outputs). Both rings
 * stay well under `MAX_UNSENT_BYTES` with their frames' overhead, so a whole replay, written at
 * once, never gets its own client cut off.
 */
const DIRECTORY_RING: EventRingLimits = { events: 1000, bytes: 8 * 1024 * 1024 };
/** What `/global/event` can replay: the last 5000 events of every allowed directory, 12 MiB. */
const GLOBAL_RING: EventRingLimits = { events: 5000, bytes: 12 * 1024 * 1024 };

const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  connection: 'keep-alive',
  'cache-control': 'private, no-cache, no-store, must-revalidate, max-age=0, no-transform',
  pragma: 'no-cache',
  expire: '0',
  // nginx and similar proxies pass each frame on at once instead of buffering the stream.
  'x-accel-buffering': 'no',
};

/** How a client asked for its stream. */
export interface StreamRequest {
  /** `Last-Event-ID` (or `?lastEventId=`): the last frame it received before reconnecting. */
  lastEventId?: string;
  /** `/event?sessionID=`: only this session's events (and the server's). */
  sessionID?: string;
}

/** An open event stream: the response it writes to and the directory it shows (none: all). */
interface OpenStream {
  response: ServerResponse;
  directory?: string;
  /** Only this session's events (and `server.*` ones). */
  sessionID?: string;
  /** Frames written but not yet handed to the operating system. */
  unsent: number;
  /** Called once `unsent` is back to zero (or the stream closed). */
  onFlushed: Array<() => void>;
  /** One write callback per stream (not one closure per frame): counts `unsent` down. */
  written: () => void;
}

/** The replay rings of one directory, and whether `/global/event` may show its events. */
interface DirectoryEvents {
  ring: EventRing;
  allowed: boolean;
}

/**
 * Turns the bus into SSE frames (`id: <seq>` and `data: <json>`) with a process-wide increasing
 * id. Each stream starts with `server.connected`; heartbeats keep proxies from closing idle
 * connections.
 *
 * One subscription to the bus serves every stream: each event is serialized once and the same
 * frame is written straight to each response of its directory (and to every global stream), in
 * publication order, before anything the server answers afterwards. `flushed()` lets a route
 * answer only once its turn's events are out (see PromptController).
 *
 * Replay: the latest events are kept in memory, per directory and for the global stream (see
 * `DIRECTORY_RING`, `GLOBAL_RING`). A client reconnecting with `Last-Event-ID` gets, right after
 * `server.connected`, every event published since that id, then the live ones: the replay and
 * the switch to live delivery happen in one synchronous step, so nothing is lost or repeated.
 * When the events since cannot all be given (evicted, or an id from before a restart),
 * `server.replay.gap` comes instead and the client reloads. Per-connection frames
 * (`server.connected`, heartbeats, the gap) are never replayed.
 *
 * Not shown on the classic streams: the `/api` session events (`session.next.*`); on
 * `/global/event`, the events of directories outside the server's allowlist (`--allow-dir`).
 */
@Injectable()
export class EventStreamService implements OnApplicationShutdown {
  private readonly logger = new Logger(EventStreamService.name);
  /** Instance streams by directory, and the global streams. */
  private readonly byDirectory = new Map<string, Set<OpenStream>>();
  private readonly global = new Set<OpenStream>();
  /** Replay rings by directory, from the first event or stream of the directory to its disposal. */
  private readonly directories = new Map<string, DirectoryEvents>();
  private readonly globalRing: EventRing;
  /** The directory a session was created in (`undefined`: no such session). */
  private readonly sessionDirectory: (sessionID: string) => string | undefined;
  private readonly subscription: Subscription;
  /** One timer for every open stream rather than one per client; stopped when none is open. */
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: BusService,
    @Inject(SERVER_OPTIONS) private readonly server: ServerOptions,
    private readonly allowlist: DirectoryAllowlist,
    db: DatabaseService,
    private readonly counted: OpenEventStreams,
  ) {
    this.globalRing = new EventRing(GLOBAL_RING, bus.lastSequence);
    this.sessionDirectory = sessionDirectoryReader(db);
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

  /**
   * `GET /event`: the events of one instance (of one of its sessions with `sessionID`: 404 for
   * an unknown one, or one of a directory outside the allowlist, as every session route); the
   * stream ends with `server.instance.disposed`.
   */
  serveInstance(reply: FastifyReply, instance: Instance, request: StreamRequest = {}): void {
    const { sessionID } = request;
    if (sessionID !== undefined) {
      const directory = this.sessionDirectory(sessionID);
      if (directory === undefined || !this.allowlist.allows(directory)) {
        throw new SessionNotFoundError(sessionID);
      }
    }
    this.serve(reply, instance.directory, request);
  }

  /**
   * `GET /global/event`: every event of every instance the server may serve, as
   * `{ directory, project, payload }`.
   */
  serveGlobal(reply: FastifyReply, request: StreamRequest = {}): void {
    this.serve(reply, undefined, { lastEventId: request.lastEventId });
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
    const { directory, payload } = envelope;
    if (!isClassicEvent(payload.type)) return;
    const json = JSON.stringify(payload);
    const event: StoredEvent = {
      seq: envelope.seq,
      type: payload.type,
      ...(directory !== undefined && { directory }),
      ...(envelope.project !== undefined && { project: envelope.project }),
      sessionID: sessionOfEvent(payload.type, payload.properties),
      json,
      bytes: Buffer.byteLength(json),
    };
    const events = directory === undefined ? undefined : this.eventsOf(directory, event.seq - 1);
    events?.ring.push(event);
    const local = directory === undefined ? undefined : this.byDirectory.get(directory);
    if (local) {
      const frame = instanceFrame(event);
      for (const stream of local) {
        if (shows(stream, event)) this.write(stream, frame);
      }
    }
    if (!events || events.allowed) {
      this.globalRing.push(event);
      if (this.global.size > 0) {
        const frame = globalFrame(event);
        for (const stream of this.global) this.write(stream, frame);
      }
    }
    if (payload.type === 'server.instance.disposed' && directory !== undefined) {
      // The instance is gone: its streams end after telling so, and its ring goes with it (a
      // client resuming from before the disposal is told to reload).
      if (local) for (const stream of local) stream.response.end();
      this.directories.delete(directory);
    }
  }

  /**
   * The replay ring of a directory, created on its first event or stream: complete from `after`
   * on (nothing of the directory was published since `after`, or it would exist already).
   */
  private eventsOf(directory: string, after: number): DirectoryEvents {
    let events = this.directories.get(directory);
    if (!events) {
      events = {
        ring: new EventRing(DIRECTORY_RING, after),
        // Asked once per directory (it reads the filesystem), not per event.
        allowed: this.allowlist.allows(directory),
      };
      this.directories.set(directory, events);
    }
    return events;
  }

  /**
   * Takes the response over from the framework and writes each frame as it comes. The stream
   * ends with its instance, with the server, or when the client goes. Everything from the
   * replay to joining the live streams is synchronous: no event can fall in between.
   */
  private serve(reply: FastifyReply, directory: string | undefined, request: StreamRequest): void {
    const ring =
      directory === undefined
        ? this.globalRing
        : this.eventsOf(directory, this.bus.lastSequence).ring;
    const response = openEventStream(reply, SSE_HEADERS, this.counted);
    const stream: OpenStream = {
      response,
      directory,
      ...(request.sessionID !== undefined && { sessionID: request.sessionID }),
      unsent: 0,
      onFlushed: [],
      written: () => {
        if (--stream.unsent === 0) settle(stream);
      },
    };
    const streams = directory === undefined ? this.global : this.streamsOf(directory);
    streams.add(stream);
    this.startHeartbeat();
    this.resume(stream, ring, request.lastEventId);
    response.once('close', () => {
      streams.delete(stream);
      if (directory !== undefined && streams.size === 0) this.byDirectory.delete(directory);
      if (this.openStreams === 0) this.stopHeartbeat();
      stream.unsent = 0;
      settle(stream);
    });
  }

  /**
   * Starts the stream: `server.connected`, then, for a client resuming from `lastEventId`, the
   * events it missed or `server.replay.gap`. On a full replay `server.connected` carries the
   * client's own last id, so the ids of the stream keep increasing and a client cut off right
   * after it resumes from the same place.
   */
  private resume(stream: OpenStream, ring: EventRing, lastEventId: string | undefined): void {
    if (lastEventId === undefined || lastEventId === '') {
      this.write(stream, this.ownFrame(stream, 'server.connected', {}));
      return;
    }
    const last = /^\d{1,16}$/.test(lastEventId) ? Number(lastEventId) : undefined;
    const known =
      last !== undefined && last >= this.bus.firstSequence && last <= this.bus.lastSequence;
    const missed = known ? ring.after(last) : undefined;
    if (!missed || last === undefined) {
      this.write(stream, this.ownFrame(stream, 'server.connected', {}));
      this.write(
        stream,
        this.ownFrame(stream, 'server.replay.gap', {
          lastEventID: lastEventId,
          reason: known ? 'expired' : 'unknown',
        }),
      );
      return;
    }
    const connected = this.bus.createPayload('server.connected', {});
    this.write(stream, frameOf(last, this.wrap(stream, connected)));
    const global = stream.directory === undefined;
    for (const event of missed) {
      if (!shows(stream, event)) continue;
      this.write(stream, global ? globalFrame(event) : instanceFrame(event));
    }
  }

  private streamsOf(directory: string): Set<OpenStream> {
    let streams = this.byDirectory.get(directory);
    if (!streams) this.byDirectory.set(directory, (streams = new Set()));
    return streams;
  }

  private write(stream: OpenStream, frame: string): void {
    const result = writeEventText(stream.response, frame, MAX_UNSENT_BYTES, stream.written);
    if (result === 'closed') return;
    stream.unsent++;
    if (result === 'cut') {
      this.logger.warn('event stream cut: its client read nothing of the last frames');
    }
  }

  private startHeartbeat(): void {
    this.heartbeat ??= setInterval(() => {
      for (const stream of this.allStreams()) {
        this.write(stream, this.ownFrame(stream, 'server.heartbeat', {}));
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

  /** A frame of this client only (`server.connected`, a heartbeat, a gap), numbered in the sequence. */
  private ownFrame<K extends 'server.connected' | 'server.heartbeat' | 'server.replay.gap'>(
    stream: OpenStream,
    type: K,
    properties: BusEventMap[K],
  ): string {
    return frameOf(
      this.bus.nextSequence(),
      this.wrap(stream, this.bus.createPayload(type, properties)),
    );
  }

  /** A payload as the stream's kind sends it (global streams: `{ payload }`). */
  private wrap(stream: OpenStream, payload: object): object {
    return stream.directory === undefined ? { payload } : payload;
  }
}

/** Whether the stream shows the event (a session-filtered stream: that session's and the server's). */
function shows(stream: OpenStream, event: StoredEvent): boolean {
  return (
    stream.sessionID === undefined ||
    showsInSessionStream(event.type, event.sessionID, stream.sessionID)
  );
}

function settle(stream: OpenStream): void {
  for (const resolve of stream.onFlushed.splice(0)) resolve();
}

/**
 * One SSE frame. JSON.stringify never emits a raw line break, so the data is always one `data:`
 * line.
 */
function frameOf(id: number, data: object): string {
  return `id: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** An event's frame on `/event`: its payload. */
function instanceFrame(event: StoredEvent): string {
  return `id: ${event.seq}\ndata: ${event.json}\n\n`;
}

/**
 * An event's frame on `/global/event`: `{ directory, project, payload }` (the first two absent
 * for server-wide events), built around the payload's JSON rather than serializing it again.
 */
function globalFrame(event: StoredEvent): string {
  const source = JSON.stringify({ directory: event.directory, project: event.project });
  const data =
    source === '{}'
      ? `{"payload":${event.json}}`
      : `${source.slice(0, -1)},"payload":${event.json}}`;
  return `id: ${event.seq}\ndata: ${data}\n\n`;
}
