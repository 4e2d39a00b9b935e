import { Injectable } from '@nestjs/common';
import { SessionService } from '../session/session.service';
import type { ExperimentalCapabilitiesDto } from './dto/capabilities.dto';

/** The experimental features of this server and what it does with their requests. */
@Injectable()
export class ExperimentalService {
  constructor(private readonly sessions: SessionService) {}

  /**
   * A subagent (the `task` tool) runs inside its parent's turn here, which waits for its answer:
   * there is no background mode to move it to, so clients keep the foreground-only flow.
   */
  capabilities(): ExperimentalCapabilitiesDto {
    return { backgroundSubagents: false };
  }

  /**
   * `POST /experimental/session/:id/background`: whether any running subagent of the session was
   * moved to the background. Never here (see `capabilities`): false, as the reference answers
   * without background subagents. Deliberate difference: an unknown session is a 404 (the
   * reference answers false for any id).
   */
  background(sessionID: string): boolean {
    this.sessions.assertExists(sessionID);
    return false;
  }
}
