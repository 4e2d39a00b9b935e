import { Controller, Get, Header } from '@nestjs/common';
import { ApiProduces } from '@nestjs/swagger';
import { Endpoint } from '../core/http/endpoint.decorator';
import { MetricsService } from './metrics.service';

/** Prometheus' text exposition format, version 0.0.4 (what prom-client writes). */
const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/** `GET /metrics`: not a route of the reference server, an addition for operators. */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Endpoint({
    operationId: 'metrics.get',
    tag: 'metrics',
    summary: 'Get metrics',
    description:
      'Server metrics in the Prometheus text format: HTTP requests by route pattern and their ' +
      'durations, open event streams, running turns, tokens used by provider and model, and the ' +
      'process (CPU, memory, event loop, garbage collection).',
    response: { type: 'string' },
    responseDescription: 'Metrics',
    serverScoped: true,
  })
  @ApiProduces(PROMETHEUS_TEXT)
  @Header('content-type', PROMETHEUS_TEXT)
  get(): Promise<string> {
    return this.metrics.scrape();
  }
}
