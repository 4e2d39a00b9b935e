import { ApiPropertyOptional } from '@nestjs/swagger';
import { BusEvent } from '../core/bus/bus-event';

/**
 * The current branch of an instance's worktree changed (checkout, switch, detached HEAD). The
 * value is what `GET /vcs` answers as `branch`: `HEAD` when detached, absent when HEAD names no
 * commit (a repository without commits) or git cannot tell.
 */
@BusEvent('vcs.branch.updated')
export class VcsBranchUpdatedEvent {
  @ApiPropertyOptional()
  branch?: string;
}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'vcs.branch.updated': VcsBranchUpdatedEvent;
  }
}
