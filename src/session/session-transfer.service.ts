import { Injectable } from '@nestjs/common';
import { BusService } from '../core/bus/bus.service';
import { AppEnvironment } from '../core/config/app-environment';
import { IdGenerator } from '../core/id';
import type { Instance } from '../core/instance/instance';
import { DatabaseService } from '../core/storage/database.service';
import type { SessionExport } from './dto/session-export.dto';
import type { Session } from './dto/session.dto';
import type { JsonText } from './json-text';
import { MessageRepository } from './message.repository';
import { announceSessionWithMessages } from './session-announce';
import { SessionTransfer } from './session-transfer';
import { SessionRepository } from './session.repository';

/**
 * `GET /session/:id/export` and `POST /session/import`: a session with all its messages out,
 * and back in (into the request's project), announced as if it had been created here.
 */
@Injectable()
export class SessionTransferService {
  private readonly transfer: SessionTransfer;

  constructor(
    db: DatabaseService,
    sessions: SessionRepository,
    messages: MessageRepository,
    ids: IdGenerator,
    env: AppEnvironment,
    private readonly bus: BusService,
  ) {
    this.transfer = new SessionTransfer(db, sessions, messages, ids, env.version);
  }

  exportJson(sessionID: string): JsonText<SessionExport> {
    return this.transfer.exportJson(sessionID);
  }

  async import(instance: Instance, body: unknown): Promise<Session> {
    const { session, messages } = await this.transfer.importSession(instance, body);
    announceSessionWithMessages(this.bus, instance, session, messages);
    return session;
  }
}
