import { Module } from '@nestjs/common';
import { EventModule } from '../event/event.module';
import { SessionModule } from '../session/session.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/**
 * `GET /metrics` (Prometheus). Exports the service so that the bootstrap can feed it every
 * answered request (`registerHttpMetrics`).
 */
@Module({
  imports: [EventModule, SessionModule],
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
