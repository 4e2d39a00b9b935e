import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { maxHeaderSize, STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { BadRequestError, NamedError } from '../errors/named-error';

/** The longest path parameter the router accepts (ids are far shorter). */
export const MAX_PARAM_LENGTH = 1000;

/** How long a refused connection waits for the client to read the answer and hang up. */
const LINGER_MS = 5_000;

/** What Node's HTTP parser reports (`code` such as `HPE_HEADER_OVERFLOW`, `reason` in words). */
export interface ParserError extends Error {
  code?: string;
  reason?: string;
}

/** The answer, in the API's error contract, to a request Node's HTTP parser refused. */
export function describeParserError(error: ParserError): NamedError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new NamedError('HeadersTooLargeError', 431, {
        message: `The request line and headers are larger than ${maxHeaderSize} bytes`,
      });
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new NamedError('RequestTimeoutError', 408, {
        message: 'The request was not received in time',
      });
    default:
      // llhttp's reasons are fixed texts ("Invalid method encountered"), never request bytes.
      return new BadRequestError(
        error.reason ? `Malformed HTTP request: ${error.reason}` : 'Malformed HTTP request',
      );
  }
}

/**
 * Fastify's `clientErrorHandler`: answers a request the parser refused (a 100 KB query string, a
 * malformed request line) with the API's `{ name, data }` body and `Connection: close`, then ends
 * the connection cleanly. Fastify's default writes no `Connection: close` and destroys the
 * socket at once, so a keep-alive client saw ECONNRESET instead of the answer, and an answer
 * still being written for an earlier request on that connection was cut off. Deliberate
 * difference: the reference answers a 431 without a body and closes a malformed request's
 * connection without any answer.
 */
export function createClientErrorHandler(
  logger?: Logger,
): (error: ParserError, socket: Socket) => void {
  // The parser fails again on every later chunk of the same connection: answer once.
  const refused = new WeakSet<Socket>();
  return (error, socket) => {
    if (refused.has(socket) || error.code === 'ECONNRESET' || socket.destroyed) return;
    refused.add(socket);
    logger?.debug({ code: error.code }, 'refused a request the HTTP parser rejected');
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    afterResponsesInFlight(socket, () => refuse(socket, describeParserError(error)));
  };
}

/**
 * Runs `then` once the answers to earlier (pipelined) requests of the connection are written, so
 * the refusal comes after them instead of in the middle of one. Node keeps the response being
 * written as the socket's `_httpMessage` and hands the socket to the next queued one when it
 * finishes; there is no public equivalent.
 */
function afterResponsesInFlight(socket: Socket, then: () => void): void {
  const current = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (!current || current.writableFinished) {
    then();
    return;
  }
  const next = () => setImmediate(() => afterResponsesInFlight(socket, then));
  current.once('finish', next);
  current.once('close', next);
}

function refuse(socket: Socket, error: NamedError): void {
  if (socket.destroyed || !socket.writable) return;
  const body = JSON.stringify(error.toJSON());
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  // The socket keeps reading (and dropping) what the client still sends, so closing it never
  // leaves unread bytes that would make the kernel reset the connection; a client that never
  // hangs up is cut off after a while.
  socket.setTimeout(LINGER_MS, () => socket.destroy());
}

/**
 * Fastify's `frameworkErrors`: errors its router raises before any route runs (a path that is
 * not valid percent-encoding, a path parameter past `MAX_PARAM_LENGTH`) get the API's error body
 * instead of Fastify's `{ error, code, statusCode }`. Deliberate difference: the reference
 * answers both with a 404, as if the path named nothing.
 */
export function answerFrameworkError(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const named = describeFrameworkError(error);
  void reply.status(named.status).header('content-type', 'application/json').send(named.toJSON());
}

export function describeFrameworkError(error: FastifyError): NamedError {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return new BadRequestError('The URL path is not valid percent-encoding', 'Params');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new BadRequestError(
        `A path parameter is longer than ${MAX_PARAM_LENGTH} characters`,
        'Params',
      );
    default:
      return new NamedError('UnknownError', 500, { message: 'Internal server error' });
  }
}
