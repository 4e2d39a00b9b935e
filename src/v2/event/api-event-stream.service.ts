import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { Subscription } from 'rxjs';
import type { BusEnvelope } from '../../core/bus/bus-event';
import { BusService } from '../../core/bus/bus.service';
import { DirectoryAllowlist } from '../../core/http/directory-allowlist';
import { HEARTBEAT_COMMENT, openEventStream, writeEventText } from '../../core/http/event-stream';
import { OpenEventStreams } from '../../core/http/open-event-streams';
import { IdGenerator } from '../../core/id';
import { toV2Frames, type V2EventFrame } from './v2-event-frames';

/** A heartbeat comment this often keeps proxies from closing a quiet stream (and one right away). */
const HEARTBEAT_MS = 15_000;
/**
 * What one subscriber may have waiting unsent. The reference buffers 256 events per subscriber;
 * bytes are the cost that matters (one frame can be a whole tool output), and a client that
 * stopped reading is cut off past this rather than grow the server's memory.
 */
const MAX_UNSENT_BYTES = 8 * 1024 * 1024;

const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
  'x-content-type-options': 'nosniff',
};

/**
 * `GET /api/event`: every event published in the process from the moment a client connects,
 * as v2 frames (`{ id, type, durable?, location, data }`), first `server.connected`. There is
 * no replay: a client that reconnects gets what happens from then on. One bus subscription
 * serves every client; each event's frames are serialized once and written to each of them.
 */
@Injectable()
export class ApiEventStreamService implements OnApplicationShutdown {
  private readonly logger = new Logger(ApiEventStreamService.name);
  private readonly open = new Set<ServerResponse>();
  private readonly subscription: Subscription;
  /** One timer for every open stream; stopped while none is open. */
  private heartbeat: NodeJS.Timeout | undefined;

  /** Whether each directory events came from is served (`--allow-dir`), checked once. */
  private readonly served = new Map<string, boolean>();

  constructor(
    bus: BusService,
    private readonly ids: IdGenerator,
    private readonly allowlist: DirectoryAllowlist,
    private readonly counted: OpenEventStreams,
  ) {
    this.subscription = bus.events$.subscribe({
      next: (envelope) => this.deliver(envelope),
      // The bus ends at shutdown: every stream ends cleanly with it.
      complete: () => this.endAll(),
    });
  }

  /** How many clients are subscribed. */
  get subscribers(): number {
    return this.open.size;
  }

  serve(reply: FastifyReply): void {
    const response = openEventStream(reply, SSE_HEADERS, this.counted);
    this.open.add(response);
    response.once('close', () => {
      this.open.delete(response);
      if (this.open.size === 0) this.stopHeartbeat();
    });
    this.write(
      response,
      frameText({ id: this.ids.ascending('event'), type: 'server.connected', data: {} }) +
        HEARTBEAT_COMMENT,
    );
    this.heartbeat ??= setInterval(() => {
      for (const stream of this.open) this.write(stream, HEARTBEAT_COMMENT);
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  onApplicationShutdown(): void {
    this.subscription.unsubscribe();
    this.endAll();
  }

  private deliver(envelope: BusEnvelope): void {
    if (this.open.size === 0 || !this.isServed(envelope.directory)) return;
    const text = toV2Frames(envelope, () => this.ids.ascending('event'))
      .map(frameText)
      .join('');
    for (const response of this.open) this.write(response, text);
  }

  /** Events of a directory outside the allowlist stay off the stream, as on `/global/event`. */
  private isServed(directory: string | undefined): boolean {
    if (directory === undefined || !this.allowlist.enabled) return true;
    let served = this.served.get(directory);
    if (served === undefined) {
      served = this.allowlist.allows(directory);
      this.served.set(directory, served);
    }
    return served;
  }

  private write(response: ServerResponse, text: string): void {
    if (writeEventText(response, text, MAX_UNSENT_BYTES) === 'cut') {
      this.logger.warn('/api/event subscriber cut off: it read nothing of the last events');
    }
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private endAll(): void {
    for (const response of [...this.open]) response.end();
    this.stopHeartbeat();
  }
}

/** One SSE frame: its id (the event's), and the frame as one `data:` line of JSON. */
function frameText(frame: V2EventFrame): string {
  return `id: ${frame.id}\ndata: ${JSON.stringify(frame)}\n\n`;
}
