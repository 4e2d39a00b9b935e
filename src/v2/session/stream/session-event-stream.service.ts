import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import { filter, type Subscription } from 'rxjs';
import type { BusEventMap } from '../../../core/bus/bus-event';
import { BusService } from '../../../core/bus/bus.service';
import { errorMessage } from '../../../core/errors/error-message';
import {
  HEARTBEAT_COMMENT,
  openEventStream,
  writeEventText,
} from '../../../core/http/event-stream';
import { OpenEventStreams } from '../../../core/http/open-event-streams';
import { SessionEventLog } from '../log/session-event-log.service';
import type { SessionDurableEvent } from '../log/session-event.types';
import { SessionV2Service } from '../session-v2.service';

/** Replayed from the log this many at a time, so a long history is not read into memory at once. */
const REPLAY_PAGE = 500;
/** A comment line this often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;
/** A client that stopped reading is cut off past this much unsent data (it resumes with `after`). */
const MAX_UNSENT_BYTES = 16 * 1024 * 1024;
/** The replay waits for the client to read once this much of it is unsent. */
const REPLAY_HIGH_WATER = 1024 * 1024;

const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/**
 * `GET /api/session/:id/event`: the session's durable events after a seq, then live ones, each
 * exactly once and in seq order. The frames carry their seq as the SSE `id:` (the reference
 * sends none), so an EventSource that reconnects by itself resumes where it was through
 * `Last-Event-ID`.
 */
@Injectable()
export class SessionEventStreamService implements OnApplicationShutdown {
  private readonly logger = new Logger(SessionEventStreamService.name);
  private readonly open = new Set<() => void>();

  constructor(
    private readonly sessions: SessionV2Service,
    private readonly log: SessionEventLog,
    private readonly bus: BusService,
    private readonly counted: OpenEventStreams,
  ) {}

  /**
   * Streams from `after`, or from `Last-Event-ID` when a reconnecting EventSource names a later
   * frame (it repeats its first URL, `after` included). An id beyond the session's last event
   * names no frame of this session and is ignored.
   */
  serve(reply: FastifyReply, sessionID: string, after: number, lastEventID?: string): void {
    this.sessions.find(sessionID);
    const named = lastEventID && /^\d+$/.test(lastEventID) ? Number(lastEventID) : 0;
    const resumed = named <= this.log.lastSeq(sessionID) ? named : 0;
    const response = openEventStream(reply, SSE_HEADERS, this.counted);
    // The client learns the stream is open before the first event, which may be long to come.
    response.flushHeaders();
    let last = Math.max(after, resumed);
    let replaying = true;
    const send = (event: SessionDurableEvent) => {
      if (event.durable.seq <= last || response.writableEnded || response.destroyed) return;
      last = event.durable.seq;
      writeEventText(response, `id: ${last}\ndata: ${JSON.stringify(event)}\n\n`, MAX_UNSENT_BYTES);
    };
    // While the log is replayed, live events are left to it: each is stored before it is
    // published, so the next page read has it. The last page and the switch to live delivery
    // happen in one synchronous step, so none falls in between; the seq check drops repeats.
    const live: Subscription = this.log.live(sessionID).subscribe((event) => {
      if (!replaying) send(event);
    });
    const heartbeat = setInterval(
      () => writeEventText(response, HEARTBEAT_COMMENT, MAX_UNSENT_BYTES),
      HEARTBEAT_MS,
    );
    heartbeat.unref();
    const end = () => response.end();
    this.open.add(end);
    // A deleted session has no more events: its streams end.
    const deleted = this.bus.events$
      .pipe(
        filter(
          ({ payload }) =>
            payload.type === 'session.deleted' &&
            (payload.properties as BusEventMap['session.deleted']).info.id === sessionID,
        ),
      )
      .subscribe(end);
    response.once('close', () => {
      live.unsubscribe();
      deleted.unsubscribe();
      clearInterval(heartbeat);
      this.open.delete(end);
    });
    const replay = async () => {
      for (;;) {
        const page = this.log.after(sessionID, last, REPLAY_PAGE);
        page.forEach(send);
        if (page.length < REPLAY_PAGE || response.writableEnded || response.destroyed) break;
        // A long history goes out as the client reads it, not all at once past the cut-off.
        if (response.writableLength > REPLAY_HIGH_WATER) await drainedOrClosed(response);
      }
      replaying = false;
    };
    replay().catch((error: unknown) => {
      this.logger.warn(`session event replay failed: ${errorMessage(error)}`);
      response.destroy();
    });
  }

  /** The streams end with their session, or with the server. */
  onApplicationShutdown(): void {
    for (const end of [...this.open]) end();
  }
}

/** Resolves once the response has handed its buffered data on, or has closed. */
function drainedOrClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.once('drain', done);
    response.once('close', done);
  });
}
