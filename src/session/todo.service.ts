import { Injectable } from '@nestjs/common';
import { BusService } from '../core/bus/bus.service';
import type { Instance } from '../core/instance/instance';
import { DatabaseService } from '../core/storage/database.service';
import type { Todo } from './dto/todo.dto';
import { SessionNotFoundError } from '../core/errors/session-not-found';
import { SessionRepository } from './session.repository';
import { TodoRepository } from './todo.repository';

/** Each session's todo list: written whole by the todo tool, read by clients. */
@Injectable()
export class TodoService {
  constructor(
    private readonly db: DatabaseService,
    private readonly todos: TodoRepository,
    private readonly sessions: SessionRepository,
    private readonly bus: BusService,
  ) {}

  /** The session's list in order; 404 for an unknown session. */
  get(sessionID: string): Todo[] {
    return this.db.transaction(() => {
      if (!this.sessions.exists(sessionID)) throw new SessionNotFoundError(sessionID);
      return this.todos.get(sessionID);
    });
  }

  /** Replaces the session's list and publishes `todo.updated`. */
  set(instance: Instance, sessionID: string, todos: readonly Todo[]): Todo[] {
    const stored = todos.map(({ content, status, priority }) => ({ content, status, priority }));
    this.db.transaction(() => {
      if (!this.sessions.exists(sessionID)) throw new SessionNotFoundError(sessionID);
      this.todos.replace(sessionID, stored);
    });
    this.bus.publish(instance, 'todo.updated', { sessionID, todos: stored });
    return stored;
  }
}
