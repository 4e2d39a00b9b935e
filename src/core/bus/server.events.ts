import { ApiProperty } from '@nestjs/swagger';
import { BusEvent } from './bus-event';

@BusEvent('server.connected')
export class ServerConnectedEvent {}

@BusEvent('server.heartbeat')
export class ServerHeartbeatEvent {}

@BusEvent('server.instance.disposed')
export class ServerInstanceDisposedEvent {
  @ApiProperty()
  directory: string;
}

/**
 * Sent on a stream resumed with `Last-Event-ID` (or `?lastEventId=`) when the events since that
 * id cannot be replayed: the id is older than what the server keeps (`expired`), or it is not
 * one of this process's (`unknown`: from before a restart, or malformed). It comes right after
 * `server.connected`, instead of the replay: the client has missed events and should reload the
 * state it shows (sessions, messages, statuses). Only this connection receives it.
 */
@BusEvent('server.replay.gap')
export class ServerReplayGapEvent {
  @ApiProperty({ description: 'The Last-Event-ID the client sent' })
  lastEventID: string;

  @ApiProperty({ enum: ['expired', 'unknown'] })
  reason: 'expired' | 'unknown';
}

declare module './bus-event' {
  interface BusEventMap {
    'server.connected': ServerConnectedEvent;
    'server.heartbeat': ServerHeartbeatEvent;
    'server.instance.disposed': ServerInstanceDisposedEvent;
    'server.replay.gap': ServerReplayGapEvent;
  }
}
