import type { FastifyInstance } from 'fastify';
import type { MetricsService } from './metrics.service';

/**
 * Counts every answered request, routed or not, by its route pattern: `onResponse` runs after the
 * answer is sent, so it adds nothing to a request's latency.
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
}
