import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BusEvent } from '../core/bus/bus-event';

/** A new worktree is checked out and its instance started; its start commands run next. */
@BusEvent('worktree.ready')
export class WorktreeReadyEvent {
  @ApiProperty()
  name: string;

  @ApiPropertyOptional()
  branch?: string;
}

/** A new worktree could not be checked out or started. */
@BusEvent('worktree.failed')
export class WorktreeFailedEvent {
  @ApiProperty()
  message: string;
}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'worktree.ready': WorktreeReadyEvent;
    'worktree.failed': WorktreeFailedEvent;
  }
}
