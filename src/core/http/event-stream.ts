import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { OpenEventStreams } from './open-event-streams';

/** A comment frame: keeps proxies from closing a quiet stream; clients skip it. */
export const HEARTBEAT_COMMENT = ': heartbeat\n\n';

/**
 * Takes a server-sent event stream's response over from the framework, with `headers` (each
 * stream keeps the ones the reference sends on it) on top of those the hooks set (CORS). The
 * socket sends each frame at once and never times out while the stream is open; the stream
 * counts as open (`streams`) until it closes.
 */
export function openEventStream(
  reply: FastifyReply,
  headers: Record<string, string>,
  streams: OpenEventStreams,
): ServerResponse {
  reply.hijack();
  const response = reply.raw;
  const socket = response.socket;
  socket?.setNoDelay(true);
  socket?.setTimeout(0);
  socket?.setKeepAlive(true);
  response.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), ...headers });
  response.once('close', streams.opened());
  return response;
}

/**
 * Writes to an event stream, nothing once it has ended (a write after `end()` would be an
 * unhandled error). A client that stopped reading is cut off once more than `maxUnsent` bytes
 * wait for it, rather than grow the server's memory: `'cut'` says so, for the caller to log.
 * `written` runs when the text has been handed to the operating system.
 */
export function writeEventText(
  response: ServerResponse,
  text: string,
  maxUnsent: number,
  written?: () => void,
): 'closed' | 'written' | 'cut' {
  if (response.destroyed || response.writableEnded) return 'closed';
  response.write(text, written);
  if (response.writableLength <= maxUnsent) return 'written';
  response.destroy();
  return 'cut';
}
