import { Module } from '@nestjs/common';
import { EventController } from './event.controller';
import { EventStreamService } from './event-stream.service';

/**
 * The `/event` and `/global/event` streams. Exports the stream service so that routes answering
 * at the end of a turn can wait until its events are out (`flushed`).
 */
@Module({
  controllers: [EventController],
  providers: [EventStreamService],
  exports: [EventStreamService],
})
export class EventModule {}
