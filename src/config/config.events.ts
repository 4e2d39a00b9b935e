import { ApiProperty } from '@nestjs/swagger';
import { BusEvent } from '../core/bus/bus-event';

/**
 * Published after `PATCH /config` wrote the project config file. The reference has no config event
 * (its update disposes the instance instead); this one tells clients to fetch `GET /config` again.
 */
@BusEvent('config.updated')
export class ConfigUpdatedEvent {
  @ApiProperty({ description: 'The config file that was written' })
  path: string;
}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'config.updated': ConfigUpdatedEvent;
  }
}
