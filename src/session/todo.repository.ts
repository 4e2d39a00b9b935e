import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { DatabaseService } from '../core/storage/database.service';
import type { Todo } from './dto/todo.dto';

/** Storage of each session's todo list. Services depend on this abstract class only. */
export abstract class TodoRepository {
  /** The list in order; empty when the session has none. */
  abstract get(sessionID: string): Todo[];
  /** Replaces the whole list (callers hold a transaction, so readers never see half of it). */
  abstract replace(sessionID: string, todos: readonly Todo[]): void;
}

@Injectable()
export class SqliteTodoRepository extends TodoRepository {
  private readonly statements: {
    get: Statement<[string], Todo>;
    clear: Statement<[string]>;
    insert: Statement<[string, number, string, string, string]>;
  };

  constructor(db: DatabaseService) {
    super();
    const sql = db.connection;
    this.statements = {
      get: sql.prepare(
        'SELECT content, status, priority FROM todo WHERE session_id = ? ORDER BY position',
      ),
      clear: sql.prepare('DELETE FROM todo WHERE session_id = ?'),
      insert: sql.prepare(
        'INSERT INTO todo (session_id, position, content, status, priority) VALUES (?, ?, ?, ?, ?)',
      ),
    };
  }

  get(sessionID: string): Todo[] {
    return this.statements.get.all(sessionID);
  }

  replace(sessionID: string, todos: readonly Todo[]): void {
    this.statements.clear.run(sessionID);
    todos.forEach((todo, position) =>
      this.statements.insert.run(sessionID, position, todo.content, todo.status, todo.priority),
    );
  }
}
