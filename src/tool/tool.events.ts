import { ApiProperty } from '@nestjs/swagger';
import { BusEvent } from '../core/bus/bus-event';

/** A tool of the agent changed a file (`write`, `edit`). */
@BusEvent('file.edited')
export class FileEditedEvent {
  @ApiProperty({ description: 'Absolute path of the file' })
  file: string;
}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'file.edited': FileEditedEvent;
  }
}
