import { z } from 'zod';
import type { Instance } from '../../core/instance/instance';
import { defineTool, ToolDefinition } from '../tool.types';

export const TODO_STATUSES = ['pending', 'in_progress', 'completed', 'cancelled'] as const;
export const TODO_PRIORITIES = ['high', 'medium', 'low'] as const;

export interface TodoItem {
  content: string;
  status: string;
  priority: string;
}

/** Where the session's todo list lives (the session area stores it and publishes `todo.updated`). */
export interface TodoStore {
  get(sessionID: string): TodoItem[];
  set(instance: Instance, sessionID: string, todos: TodoItem[]): void;
}

const todoSchema = z.object({
  content: z.string().min(1).describe('What needs doing, in a short sentence'),
  status: z.enum(TODO_STATUSES).describe('pending, in_progress, completed or cancelled'),
  priority: z.enum(TODO_PRIORITIES).describe('high, medium or low'),
});

function render(todos: TodoItem[]): string {
  return JSON.stringify(todos, null, 2);
}

function remaining(todos: TodoItem[]): number {
  return todos.filter((todo) => todo.status !== 'completed' && todo.status !== 'cancelled').length;
}

export function createTodoTools(store: TodoStore): ToolDefinition[] {
  const write = defineTool({
    id: 'todowrite',
    readOnly: true,
    description: [
      'Replaces the todo list of this session with the given items. Use it to plan work of three or more',
      'steps and to show the user progress: mark one item in_progress before starting it and completed as',
      'soon as it is done. Send the whole list every time; items left out are removed.',
    ].join(' '),
    parameters: z.object({
      todos: z.array(todoSchema).describe('The complete, updated todo list'),
    }),
    execute(input, context) {
      store.set(context.instance, context.sessionID, input.todos);
      return Promise.resolve({
        title: `${remaining(input.todos)} todos`,
        output: render(input.todos),
        metadata: { todos: input.todos },
      });
    },
  });
  const read = defineTool({
    id: 'todoread',
    readOnly: true,
    description: 'Returns the current todo list of this session.',
    parameters: z.object({}),
    execute(_input, context) {
      const todos = store.get(context.sessionID);
      return Promise.resolve({
        title: `${remaining(todos)} todos`,
        output: render(todos),
        metadata: { todos },
      });
    },
  });
  return [write, read];
}
