import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { BadRequestError } from '../core/errors/named-error';
import type { RequestLocation } from '../core/http/v2/request-location';
import type { WebSocketGateway, WebSocketRouteConfig } from '../core/http/websocket';
import { ID_PREFIXES } from '../core/id';
import type { Instance } from '../core/instance/instance';
import type { DetachReason } from './engine/terminal';
import { PtyService, type PtyView } from './pty.service';

/** The query parameter of a connect ticket (`pty.connectToken`). */
export const TICKET_PARAMETER = 'ticket';

/**
 * Close codes: 1000 when the program exits or the terminal is removed (as the reference), 1001
 * when the server or the directory's instance goes away, 4404 (the reference's) when the
 * terminal is gone or has exited by the time the socket opens, 1013 for a client too slow to
 * keep up (it may reconnect with its cursor and get the rest from the kept output).
 */
const CLOSE_CODES: Record<DetachReason | 'missing' | 'slow', number> = {
  exited: 1000,
  removed: 1000,
  disposed: 1001,
  missing: 4404,
  slow: 1013,
};
/**
 * Output waiting to be sent to one client at most. A program printing faster than a client
 * reads (`yes` to a phone) would otherwise queue without end in the server's memory.
 */
const MAX_PENDING_BYTES = 8 * 1024 * 1024;
/** Text frames of at most this many characters, so a large replay streams in pieces. */
const FRAME_CHARS = 64 * 1024;

type ContextRequest = FastifyRequest & { instance?: Instance; location?: RequestLocation };

/**
 * The WebSocket side of `pty.connect` / `v2.pty.connect`, in the reference's wire format:
 * output the terminal kept since `?cursor=` (default 0: all of it; -1: none) in text frames,
 * then a control frame (binary: a 0 byte, then JSON `{"cursor":n}`, the offset after that
 * replay), then live output in text frames. Every frame the client sends, text or binary, is
 * input typed into the terminal.
 */
@Injectable()
export class PtySocketGateway implements WebSocketGateway {
  readonly ticketParameter = TICKET_PARAMETER;

  constructor(private readonly pty: PtyService) {}

  admit(request: FastifyRequest): void {
    const { instance, id, view, workspaceID, query } = this.target(request);
    this.pty.admit(instance, id, view, workspaceID, {
      origin: request.headers.origin,
      host: request.headers.host,
      ticket: typeof query.ticket === 'string' && query.ticket !== '' ? query.ticket : undefined,
    });
  }

  connect(socket: WebSocket, request: FastifyRequest): void {
    const { instance, id, query } = this.target(request);
    const attachment = this.pty.attach(
      instance,
      id,
      {
        output: (text) => {
          if (socket.bufferedAmount > MAX_PENDING_BYTES) {
            attachment?.detach();
            socket.close(CLOSE_CODES.slow, 'Client too slow; reconnect with your cursor');
            return;
          }
          socket.send(text);
        },
        end: (reason) => socket.close(CLOSE_CODES[reason]),
      },
      parseCursor(query.cursor),
    );
    if (!attachment) {
      socket.close(CLOSE_CODES.missing, 'PTY session not found or exited');
      return;
    }
    for (let start = 0; start < attachment.replay.length; start += FRAME_CHARS) {
      socket.send(attachment.replay.slice(start, start + FRAME_CHARS));
    }
    socket.send(controlFrame({ cursor: attachment.cursor }));
    socket.on('message', (data: RawData) => attachment.write(textOf(data)));
    socket.on('close', () => attachment.detach());
  }

  /** The terminal a connect request names, in its route's view, and its query. */
  private target(request: FastifyRequest) {
    const contextRequest = request as ContextRequest;
    const config = request.routeOptions.config as WebSocketRouteConfig;
    const view: PtyView = config.scope === 'location' ? 'v2' : 'classic';
    const query = (request.query ?? {}) as Record<string, unknown>;
    const { ptyID } = request.params as { ptyID: string };
    if (!ptyID.startsWith(ID_PREFIXES.pty)) {
      throw new BadRequestError(
        `ptyID must be an id starting with "${ID_PREFIXES.pty}"`,
        'Params',
        'ptyID',
      );
    }
    for (const key of [TICKET_PARAMETER, 'cursor']) {
      if (query[key] !== undefined && typeof query[key] !== 'string') {
        throw new BadRequestError(`${key} must be a single string`, 'Query', key);
      }
    }
    if (!contextRequest.instance) throw new Error('pty.connect routed without a directory');
    const workspaceID =
      view === 'v2'
        ? contextRequest.location?.workspaceID
        : typeof query.workspace === 'string'
          ? query.workspace
          : undefined;
    return { instance: contextRequest.instance, id: ptyID, view, workspaceID, query };
  }
}

/**
 * `?cursor=` as the reference reads it: -1 for live output only, a non-negative integer for an
 * offset, anything else (absent, not a number, below -1) as 0, everything kept.
 */
export function parseCursor(value: unknown): number {
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) return 0;
  const cursor = Number(value);
  if (cursor === -1) return -1;
  return Number.isSafeInteger(cursor) && cursor >= 0 ? cursor : 0;
}

/** A frame's payload as text (ws hands over Buffers unless told otherwise). */
function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** A control message: a binary frame of a 0 byte and JSON. */
function controlFrame(message: object): Buffer {
  return Buffer.concat([Buffer.from([0]), Buffer.from(JSON.stringify(message), 'utf8')]);
}
