import { Injectable } from '@nestjs/common';
import { BusService } from '../core/bus/bus.service';
import type { Instance } from '../core/instance/instance';
import type { SessionStatus } from './dto/session-status.dto';

interface StatusEntry {
  status: SessionStatus;
  projectID: string;
}

const IDLE: SessionStatus = { type: 'idle' };

/**
 * What each session is doing right now (`busy`, `retry`, `idle`), in memory: a restarted server
 * runs no turn, so every session starts idle. Only non-idle sessions are kept.
 */
@Injectable()
export class SessionStatusService {
  private readonly statuses = new Map<string, StatusEntry>();

  constructor(private readonly bus: BusService) {}

  /**
   * Sets the status and publishes `session.status`; going idle also publishes `session.idle`
   * (once: setting idle on an idle session publishes nothing).
   */
  set(instance: Instance, sessionID: string, status: SessionStatus): void {
    if (status.type === 'idle') {
      if (!this.statuses.delete(sessionID)) return;
      this.bus.publish(instance, 'session.status', { sessionID, status });
      this.bus.publish(instance, 'session.idle', { sessionID });
      return;
    }
    this.statuses.set(sessionID, { status, projectID: instance.projectID });
    this.bus.publish(instance, 'session.status', { sessionID, status });
  }

  get(sessionID: string): SessionStatus {
    return this.statuses.get(sessionID)?.status ?? IDLE;
  }

  /** Non-idle sessions, of the instance's project when one is given. */
  list(instance?: Instance): Record<string, SessionStatus> {
    const result: Record<string, SessionStatus> = {};
    for (const [sessionID, entry] of this.statuses) {
      if (!instance || entry.projectID === instance.projectID) result[sessionID] = entry.status;
    }
    return result;
  }

  /** Forgets a session without publishing (it was deleted). */
  forget(sessionID: string): void {
    this.statuses.delete(sessionID);
  }
}
