import { Module } from '@nestjs/common';
import { GlobalSessionService } from './global-session.service';
import { InterruptedWorkService } from './interrupted-work.service';
import { MessageController } from './message.controller';
import { MessageRepository, SqliteMessageRepository } from './message.repository';
import { MessageService } from './message.service';
import { SessionRunRegistry } from './session-run.registry';
import { SessionStatusService } from './session-status.service';
import { SessionTransferController } from './session-transfer.controller';
import { SessionTransferService } from './session-transfer.service';
import { SessionTurnQueue } from './session-turn-queue';
import { SessionController } from './session.controller';
import { SessionRepository, SqliteSessionRepository } from './session.repository';
import { SessionService } from './session.service';
import { SqliteTodoRepository, TodoRepository } from './todo.repository';
import { TodoService } from './todo.service';

/**
 * Sessions, their messages and parts, todos, statuses and running turns. Exports the services
 * the agent loop (and revert, share, summarize) build on. At start-up it closes the turns a
 * stopped server left open (`InterruptedWorkService`).
 */
@Module({
  controllers: [SessionController, MessageController, SessionTransferController],
  providers: [
    { provide: SessionRepository, useClass: SqliteSessionRepository },
    { provide: MessageRepository, useClass: SqliteMessageRepository },
    { provide: TodoRepository, useClass: SqliteTodoRepository },
    SessionService,
    MessageService,
    TodoService,
    SessionStatusService,
    SessionRunRegistry,
    SessionTurnQueue,
    InterruptedWorkService,
    GlobalSessionService,
    SessionTransferService,
  ],
  exports: [
    // The stores themselves, for the copy of the original opencode's history (src/history/).
    SessionRepository,
    MessageRepository,
    TodoRepository,
    SessionService,
    MessageService,
    TodoService,
    SessionStatusService,
    SessionRunRegistry,
    SessionTurnQueue,
    GlobalSessionService,
    InterruptedWorkService,
  ],
})
export class SessionModule {}
