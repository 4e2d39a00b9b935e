import { Module } from '@nestjs/common';
import { ApiEventController } from './api-event.controller';
import { ApiEventStreamService } from './api-event-stream.service';

/** `GET /api/event`: the server's bus as v2 frames. */
@Module({
  controllers: [ApiEventController],
  providers: [ApiEventStreamService],
})
export class ApiEventModule {}
