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

declare module './bus-event' {
  interface BusEventMap {
    'server.connected': ServerConnectedEvent;
    'server.heartbeat': ServerHeartbeatEvent;
    'server.instance.disposed': ServerInstanceDisposedEvent;
  }
}
