import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { EventStreamService } from './event-stream.service';

/** The two server-sent event streams of the bus. */
@Controller()
export class EventController {
  constructor(private readonly streams: EventStreamService) {}

  @Get('event')
  @Endpoint({
    operationId: 'event.subscribe',
    tag: 'event',
    summary: 'Subscribe to events',
    description: 'Get events',
    responseDescription: 'Event stream',
    response: { $ref: '#/components/schemas/Event' },
    eventStream: true,
  })
  subscribe(@CurrentInstance() instance: Instance, @Res() reply: FastifyReply): void {
    this.streams.serveInstance(reply, instance);
  }

  @Get('global/event')
  @Endpoint({
    operationId: 'global.event',
    tag: 'global',
    summary: 'Get global events',
    description: 'Subscribe to global events from the OpenCode system using server-sent events.',
    responseDescription: 'Event stream',
    response: { $ref: '#/components/schemas/GlobalEvent' },
    serverScoped: true,
    eventStream: true,
  })
  subscribeGlobal(@Res() reply: FastifyReply): void {
    this.streams.serveGlobal(reply);
  }
}
