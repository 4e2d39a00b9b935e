import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Subscription } from 'rxjs';
import type { BusEnvelope, BusEventMap } from '../core/bus/bus-event';
import { BusService } from '../core/bus/bus.service';
import { OpenEventStreams } from '../core/http/open-event-streams';
import { SessionRunRegistry } from '../session/session-run.registry';
import { TOKEN_TYPES, TokenTally } from './token-tally';

/** The label of requests no route matched: raw URLs would make one series per URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The server's Prometheus metrics. One registry per application (not prom-client's global one),
 * so several servers in one process (the tests) keep their own counts.
 */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  private readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route pattern and status (499: the client left first)',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  /** Without the status: one series per route rather than per route and outcome. */
  private readonly durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to the end of its answer',
    labelNames: ['method', 'route'] as const,
    registers: [this.registry],
  });
  private readonly tokens = new Counter({
    name: 'opencode_tokens_total',
    help: 'Tokens of model calls, by provider, model and type',
    labelNames: ['provider', 'model', 'type'] as const,
    registers: [this.registry],
  });
  private readonly tally = new TokenTally();
  private readonly subscription: Subscription;

  constructor(bus: BusService, streams: OpenEventStreams, runs: SessionRunRegistry) {
    new Gauge({
      name: 'opencode_sse_clients',
      help: 'Open event streams (/event, /global/event, /api/event, /api/session/:id/event)',
      registers: [this.registry],
      collect() {
        this.set(streams.count);
      },
    });
    new Gauge({
      name: 'opencode_turns_active',
      help: 'Sessions whose agent loop is running',
      registers: [this.registry],
      collect() {
        this.set(runs.running);
      },
    });
    collectDefaultMetrics({ register: this.registry });
    this.subscription = bus.events$.subscribe((envelope) => this.onEvent(envelope));
  }

  /**
   * Counts one request; `route` is the matched pattern (`/session/:sessionID`), `ms` the time to
   * its answer's end (none: it did not end).
   */
  recordResponse(method: string, route: string | undefined, status: number, ms?: number): void {
    const path = route ?? UNMATCHED_ROUTE;
    this.requests.inc({ method, route: path, status });
    if (ms !== undefined) this.durations.observe({ method, route: path }, ms / 1000);
  }

  /** The metrics in Prometheus' text format. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }

  private onEvent({ payload }: BusEnvelope): void {
    switch (payload.type) {
      case 'message.updated': {
        const { info } = payload.properties as BusEventMap['message.updated'];
        if (info.role !== 'assistant') return;
        const added = this.tally.add(info);
        if (!added) return;
        const labels = { provider: info.providerID, model: info.modelID };
        for (const type of TOKEN_TYPES) {
          if (added[type] > 0) this.tokens.inc({ ...labels, type }, added[type]);
        }
        return;
      }
      case 'session.idle':
        this.tally.forgetSession((payload.properties as BusEventMap['session.idle']).sessionID);
        return;
      default:
        return;
    }
  }
}
