import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';

/** The connection a long-poll answers on, as the control queue needs to see it. */
export interface ClientConnection {
  /** Aborted when the client goes away before its answer was sent. */
  readonly signal: AbortSignal;
  /**
   * Resolves `true` once the answer was handed in full to the connection, `false` if the
   * connection closed first (the answer never reached the client).
   */
  readonly delivered: Promise<boolean>;
}

/** Watches a Node response: it is delivered when it finished before it closed. */
export function watchConnection(response: ServerResponse): ClientConnection {
  const controller = new AbortController();
  const delivered = new Promise<boolean>((resolve) => {
    const gone = () => {
      controller.abort();
      resolve(false);
    };
    if (response.destroyed || response.socket?.destroyed) return gone();
    // 'close' follows 'finish' on a normal end, and comes alone when the connection drops.
    response.once('close', () => (response.writableFinished ? resolve(true) : gone()));
  });
  return { signal: controller.signal, delivered };
}

/** The `ClientConnection` of the request's response (`@Connection() connection`). */
export const Connection = createParamDecorator(
  (_: unknown, context: ExecutionContext): ClientConnection =>
    watchConnection(context.switchToHttp().getResponse<FastifyReply>().raw),
);
