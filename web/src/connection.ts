import { createOpencodeClient, type OpencodeClient } from '@opencode-ai/sdk/v2/client';

/**
 * Where the API is and how to authenticate, taken from the page's own URL. Requests go to
 * `location.origin`, never to `location.href`: a page opened as `http://user:pw@host/` has the
 * credentials in its href, and Chromium refuses `fetch` on URLs that carry them (the browser
 * already sends them, from the navigation, to the same origin).
 */
export interface Connection {
  origin: string;
  /** `base64(user:password)` from `?auth_token=`, for browsers that hold no credentials. */
  authToken?: string;
  /** `?directory=`: the project to show; else the server's own directory. */
  directory?: string;
}

export function connectionFromLocation(location: Pick<Location, 'origin' | 'search'>): Connection {
  const query = new URLSearchParams(location.search);
  const authToken = query.get('auth_token') || undefined;
  const directory = query.get('directory') || undefined;
  return { origin: location.origin, authToken, directory };
}

/**
 * The official SDK's client. The token travels as the basic-auth header it encodes (it never
 * appears in request URLs, hence not in logs); the SDK moves the directory into the query of
 * GET requests itself. Failed calls throw (an Error with the server's message), so every caller
 * handles them in one place.
 */
export function createClient(connection: Connection): OpencodeClient {
  return createOpencodeClient({
    baseUrl: connection.origin,
    throwOnError: true,
    directory: connection.directory,
    headers: connection.authToken ? { authorization: `Basic ${connection.authToken}` } : {},
  });
}

/** Query parameters for what cannot send headers (EventSource, WebSocket). */
function streamQuery(connection: Connection, extra: Record<string, string | undefined> = {}) {
  const query = new URLSearchParams();
  if (connection.directory) query.set('directory', connection.directory);
  for (const [name, value] of Object.entries(extra))
    if (value !== undefined) query.set(name, value);
  if (connection.authToken) query.set('auth_token', connection.authToken);
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** The instance's event stream (`GET /event`, server-sent `{type, properties}` frames). */
export function eventStreamUrl(connection: Connection): string {
  return `${connection.origin}/event${streamQuery(connection)}`;
}

/**
 * A PTY's WebSocket. With a ticket the socket needs nothing else (a browser sends no
 * `Authorization` header on an upgrade); without one, `?auth_token=` when the page has it.
 */
export function ptySocketUrl(
  connection: Connection,
  ptyID: string,
  options: { ticket?: string; cursor?: number } = {},
): string {
  const base = connection.origin.replace(/^http/, 'ws');
  const query = options.ticket
    ? streamQuery(
        { ...connection, authToken: undefined },
        { ticket: options.ticket, cursor: options.cursor?.toString() },
      )
    : streamQuery(connection, { cursor: options.cursor?.toString() });
  return `${base}/pty/${encodeURIComponent(ptyID)}/connect${query}`;
}
