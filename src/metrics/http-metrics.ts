import type { FastifyInstance } from 'fastify';
import type { MetricsService } from './metrics.service';

/**
 * The status counted for a request whose client left before its answer ended (nginx's "client
 * closed request"): most often an event stream its client closed.
 */
export const CLIENT_CLOSED_STATUS = 499;

/**
 * Counts every request, routed or not, by its route pattern. `onResponse` runs once the answer is
 * sent, so counting adds nothing to a request's latency; a request whose client went away first
 * never finishes its answer, and is counted by `onRequestAbort` instead (without a duration:
 * Fastify gives that hook no reply to time).
 */
export function registerHttpMetrics(fastify: FastifyInstance, metrics: MetricsService): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.recordResponse(
      request.method,
      request.routeOptions.url,
      reply.statusCode,
      reply.elapsedTime,
    );
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    metrics.recordResponse(request.method, request.routeOptions.url, CLIENT_CLOSED_STATUS);
    done();
  });
}
