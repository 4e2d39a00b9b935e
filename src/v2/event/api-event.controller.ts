import { Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { V2Controller } from '../../core/http/v2/v2-controller.decorator';
import { V2Endpoint } from '../../core/http/v2/v2-endpoint.decorator';
import { ApiEventStreamService } from './api-event-stream.service';
import { V2EventDto } from './dto/v2-event.dto';

@V2Controller('event')
export class ApiEventController {
  constructor(private readonly events: ApiEventStreamService) {}

  @Get()
  @V2Endpoint({
    operationId: 'v2.event.subscribe',
    tag: 'events',
    summary: 'Subscribe to events',
    description:
      'Every event of the server from now on, as server-sent events: server.connected first, a heartbeat comment every 15 s, then each event with its location. A client that stops reading is cut off.',
    response: { eventStream: V2EventDto },
    location: false,
  })
  subscribe(@Res() reply: FastifyReply): void {
    this.events.serve(reply);
  }
}
