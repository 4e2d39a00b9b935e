import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { EventQueryDto, GlobalEventQueryDto } from './dto/event-query.dto';
import { EventStreamService } from './event-stream.service';

/** Sent by EventSource when it reconnects: the `id:` of the last frame it received. */
const LAST_EVENT_ID = 'last-event-id';

const LastEventIdHeader = () =>
  ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description:
      'Resume after this event id: the events published since follow server.connected, or ' +
      'server.replay.gap when they are no longer kept (the client then reloads its state).',
  });

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
    notFound: true,
  })
  @LastEventIdHeader()
  subscribe(
    @CurrentInstance() instance: Instance,
    @Query() query: EventQueryDto,
    @Headers(LAST_EVENT_ID) lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): void {
    this.streams.serveInstance(reply, instance, {
      lastEventId: lastEventId || query.lastEventId,
      sessionID: query.sessionID,
    });
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
  @LastEventIdHeader()
  subscribeGlobal(
    @Query() query: GlobalEventQueryDto,
    @Headers(LAST_EVENT_ID) lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): void {
    this.streams.serveGlobal(reply, { lastEventId: lastEventId || query.lastEventId });
  }
}
