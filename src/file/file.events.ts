import { ApiProperty } from '@nestjs/swagger';
import { BusEvent } from '../core/bus/bus-event';

/**
 * A file of the project was added, changed or removed on disk, as the file watcher saw it
 * (.gitignore'd paths and the config's `watcher.ignore` excluded). `file` is absolute; a change
 * of `.git/HEAD` is reported too, which is how clients notice a branch switch.
 */
@BusEvent('file.watcher.updated')
export class FileWatcherUpdatedEvent {
  @ApiProperty({ description: 'Absolute path of the file' })
  file: string;

  @ApiProperty({ enum: ['add', 'change', 'unlink'] })
  event: 'add' | 'change' | 'unlink';
}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'file.watcher.updated': FileWatcherUpdatedEvent;
  }
}
