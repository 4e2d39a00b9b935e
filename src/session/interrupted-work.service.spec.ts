import { Logger } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { join } from 'node:path';
import { tempDir } from '../../test/support/fixtures';
import { AppEnvironment } from '../core/config/app-environment';
import { IdGenerator } from '../core/id';
import { DatabaseService } from '../core/storage/database.service';
import { MIGRATIONS } from '../core/storage/migrations';
import type { AssistantMessage, UserMessage } from './dto/message.dto';
import type { Part, ToolPart } from './dto/part.dto';
import type { Session } from './dto/session.dto';
import {
  InterruptedWorkService,
  SERVER_STOPPED_ERROR,
  TOOL_INTERRUPTED_ERROR,
} from './interrupted-work.service';
import { SqliteMessageRepository } from './message.repository';
import { SqliteSessionRepository } from './session.repository';

const T0 = 1_700_000_000_000;

describe('work left open by a stopped server', () => {
  const ids = new IdGenerator();
  let home: string;
  let db: DatabaseService;
  let messages: SqliteMessageRepository;
  let sessions: SqliteSessionRepository;
  let service: InterruptedWorkService;

  beforeAll(() => Logger.overrideLogger(false));

  function openDatabase(): void {
    const env = new AppEnvironment({ HOME: home, XDG_DATA_HOME: join(home, 'data') }, home);
    db = new DatabaseService(env);
    messages = new SqliteMessageRepository(db);
    sessions = new SqliteSessionRepository(db);
    service = new InterruptedWorkService(db, messages, sessions);
  }

  beforeEach(() => {
    home = tempDir('interrupted-work-');
    openDatabase();
  });

  afterEach(() => db.onApplicationShutdown());

  function session(time: Partial<Session['time']> = {}): Session {
    const created: Session = {
      id: ids.descending('session'),
      slug: 'calm-river',
      version: 'test',
      projectID: 'project-a',
      directory: '/work/project',
      title: 'A session',
      time: { created: T0, updated: T0 + 1, ...time },
    };
    sessions.insert(created);
    return created;
  }

  function user(sessionID: string): UserMessage {
    const info: UserMessage = {
      id: ids.ascending('message'),
      sessionID,
      role: 'user',
      time: { created: T0 },
      agent: 'build',
      model: { providerID: 'fake', modelID: 'fake-model' },
    };
    expect(messages.saveMessage(info)).toBe('saved');
    return info;
  }

  function assistant(
    sessionID: string,
    parentID: string,
    extra: Partial<AssistantMessage> = {},
  ): AssistantMessage {
    const info: AssistantMessage = {
      id: ids.ascending('message'),
      sessionID,
      role: 'assistant',
      time: { created: T0 + 10 },
      parentID,
      modelID: 'fake-model',
      providerID: 'fake',
      mode: 'build',
      agent: 'build',
      path: { cwd: '/work/project', root: '/work/project' },
      cost: 0,
      tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } },
      ...extra,
    };
    expect(messages.saveMessage(info)).toBe('saved');
    return info;
  }

  function part<T extends Part>(
    message: { sessionID: string; id: string },
    fields: DistributiveOmit<T, 'id' | 'sessionID' | 'messageID'>,
  ): T {
    const stored = {
      id: ids.ascending('part'),
      sessionID: message.sessionID,
      messageID: message.id,
      ...fields,
    } as unknown as T;
    expect(messages.savePart(stored)).toBe('saved');
    return stored;
  }

  function tool(message: { sessionID: string; id: string }, state: ToolPart['state']): ToolPart {
    return part<ToolPart>(message, {
      type: 'tool',
      callID: ids.ascending('tool'),
      tool: 'bash',
      state,
    });
  }

  /** The query plan of a repository's prepared statement. */
  function plan(statement: Statement): string {
    return db.connection
      .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${statement.source}`)
      .all()
      .map((row) => row.detail)
      .join('\n');
  }

  function stored(sessionID: string, messageID: string) {
    const record = messages.getMessage(sessionID, messageID)!;
    return { info: record.info, parts: record.parts };
  }

  describe('repository queries', () => {
    it('lists assistant messages without time.completed only, from a partial index', () => {
      const a = session();
      const question = user(a.id);
      assistant(a.id, question.id, { time: { created: T0, completed: T0 + 5 } });
      const open = assistant(a.id, question.id);
      const b = session();
      const other = assistant(b.id, user(b.id).id, { error: SERVER_STOPPED_ERROR });

      // Ordered by session id: descending ids put the newer session first.
      expect(messages.unfinishedMessages()).toEqual([
        { sessionID: b.id, messageID: other.id },
        { sessionID: a.id, messageID: open.id },
      ]);
      const unfinishedPlan = plan(messages['statements'].unfinishedMessages);
      expect(unfinishedPlan).toContain('USING INDEX message_unfinished');
      expect(unfinishedPlan).not.toContain('TEMP B-TREE');
    });

    it('lists each message holding a pending or running tool once, from a partial index', () => {
      const a = session();
      const question = user(a.id);
      const answer = assistant(a.id, question.id, { time: { created: T0, completed: T0 + 5 } });
      tool(answer, { status: 'pending', input: {}, raw: '' });
      tool(answer, { status: 'running', input: { command: 'ls' }, time: { start: T0 } });
      const done = assistant(a.id, question.id);
      tool(done, {
        status: 'completed',
        input: {},
        output: '',
        title: '',
        metadata: {},
        time: { start: T0, end: T0 },
      });
      tool(done, { status: 'error', input: {}, error: 'exit 1', time: { start: T0, end: T0 } });

      expect(messages.messagesWithOpenTools()).toEqual([{ sessionID: a.id, messageID: answer.id }]);
      const openToolsPlan = plan(messages['statements'].messagesWithOpenTools);
      expect(openToolsPlan).toContain('USING INDEX part_tool_open');
      expect(openToolsPlan).not.toContain('TEMP B-TREE');
    });

    it('lists sessions whose time.compacting is set, from a partial index', () => {
      const compacting = session({ compacting: T0 + 2 });
      session();

      expect(sessions.compacting()).toEqual([compacting]);
      expect(plan(sessions['statements'].compacting)).toContain('USING INDEX session_compacting');
    });
  });

  describe('closing at start-up', () => {
    it('closes an unfinished answer as an aborted turn, at the last time it shows', () => {
      const s = session({ compacting: T0 + 3 });
      const question = user(s.id);
      const answer = assistant(s.id, question.id);
      part(answer, { type: 'step-start' });
      const reasoning = part(answer, {
        type: 'reasoning',
        text: 'thinking',
        time: { start: T0 + 20, end: T0 + 30 },
      });
      const text = part(answer, { type: 'text', text: '', time: { start: T0 + 40 } });
      const running = tool(answer, {
        status: 'running',
        input: { command: 'sleep 100' },
        title: 'sleep',
        metadata: { output: 'partial' },
        time: { start: T0 + 50 },
      });
      const pending = tool(answer, { status: 'pending', input: {}, raw: '{"comm' });
      const completed = tool(answer, {
        status: 'completed',
        input: { command: 'ls' },
        output: 'a',
        title: 'ls',
        metadata: {},
        time: { start: T0 + 20, end: T0 + 45 },
      });

      expect(service.closeInterruptedWork()).toEqual({
        messages: 1,
        tools: 2,
        streams: 1,
        sessions: 1,
        answers: [{ sessionID: s.id, messageID: answer.id }],
      });

      const lastSeen = T0 + 50;
      const after = messages.getMessage(s.id, answer.id)!;
      expect(JSON.parse(after.info)).toEqual({
        ...answer,
        time: { created: answer.time.created, completed: lastSeen },
        error: SERVER_STOPPED_ERROR,
      });
      const parts = after.parts.map((json) => JSON.parse(json) as Part);
      expect(parts[1]).toEqual(reasoning);
      expect(parts[2]).toEqual({ ...text, time: { start: T0 + 40, end: lastSeen } });
      expect(parts[3]).toEqual({
        ...running,
        state: {
          status: 'error',
          input: { command: 'sleep 100' },
          error: TOOL_INTERRUPTED_ERROR,
          metadata: { output: 'partial', interrupted: true },
          time: { start: T0 + 50, end: lastSeen },
        },
      });
      expect(parts[4]).toEqual({
        ...pending,
        state: {
          status: 'error',
          input: {},
          error: TOOL_INTERRUPTED_ERROR,
          metadata: { interrupted: true },
          time: { start: lastSeen, end: lastSeen },
        },
      });
      expect(parts[5]).toEqual(completed);
      // Cleared without touching `updated`: nobody changed the session, a process died.
      expect(sessions.get(s.id)).toEqual({ ...s, time: { created: T0, updated: T0 + 1 } });
    });

    it('keeps an error already stored and leaves finished messages and sessions as stored', () => {
      const s = session();
      const question = user(s.id);
      const finished = assistant(s.id, question.id, {
        time: { created: T0 + 1, completed: T0 + 9 },
        finish: 'stop',
      });
      part(finished, { type: 'text', text: 'done', time: { start: T0 + 2, end: T0 + 8 } });
      const failed = assistant(s.id, question.id, {
        error: { name: 'UnknownError', data: { message: 'boom' } },
      });
      const before = {
        question: stored(s.id, question.id),
        finished: stored(s.id, finished.id),
        session: sessions.get(s.id),
      };

      expect(service.closeInterruptedWork()).toEqual({
        messages: 1,
        tools: 0,
        streams: 0,
        sessions: 0,
        answers: [{ sessionID: s.id, messageID: failed.id }],
      });

      expect(JSON.parse(messages.getMessage(s.id, failed.id)!.info)).toEqual({
        ...failed,
        time: { created: failed.time.created, completed: failed.time.created },
      });
      expect(stored(s.id, question.id)).toEqual(before.question);
      expect(stored(s.id, finished.id)).toEqual(before.finished);
      expect(sessions.get(s.id)).toEqual(before.session);
    });

    it('closes a running tool left in a finished message without touching the message', () => {
      const s = session();
      const answer = assistant(s.id, user(s.id).id, {
        time: { created: T0 + 1, completed: T0 + 70 },
      });
      const running = tool(answer, { status: 'running', input: {}, time: { start: T0 + 60 } });
      const info = messages.getMessage(s.id, answer.id)!.info;

      expect(service.closeInterruptedWork()).toMatchObject({ messages: 0, tools: 1 });

      expect(messages.getMessage(s.id, answer.id)!.info).toBe(info);
      expect(messages.getPart(s.id, running.id)).toEqual({
        ...running,
        state: {
          status: 'error',
          input: {},
          error: TOOL_INTERRUPTED_ERROR,
          metadata: { interrupted: true },
          time: { start: T0 + 60, end: T0 + 70 },
        },
      });
    });

    it('closes nothing the second time: what it closed is no longer open', () => {
      const s = session({ compacting: T0 });
      const answer = assistant(s.id, user(s.id).id);
      tool(answer, { status: 'running', input: {}, time: { start: T0 + 60 } });
      service.closeInterruptedWork();

      expect(messages.unfinishedMessages()).toEqual([]);
      expect(messages.messagesWithOpenTools()).toEqual([]);
      expect(sessions.compacting()).toEqual([]);
      expect(service.closeInterruptedWork()).toEqual({
        messages: 0,
        tools: 0,
        streams: 0,
        sessions: 0,
        answers: [],
      });
    });

    it('writes all of it or none of it', () => {
      const s = session({ compacting: T0 });
      const answer = assistant(s.id, user(s.id).id);
      jest.spyOn(sessions, 'replace').mockImplementation(() => {
        throw new Error('disk I/O error');
      });

      expect(() => service.closeInterruptedWork()).toThrow('disk I/O error');
      expect(messages.unfinishedMessages()).toEqual([{ sessionID: s.id, messageID: answer.id }]);
    });

    it('logs one line with the counts when it closed anything, and nothing otherwise', () => {
      const log = jest.spyOn(Logger.prototype, 'log');
      service.onApplicationBootstrap();
      expect(log).not.toHaveBeenCalled();

      const s = session({ compacting: T0 });
      tool(assistant(s.id, user(s.id).id), { status: 'pending', input: {}, raw: '' });
      service.onApplicationBootstrap();
      expect(log).toHaveBeenCalledTimes(1);
      expect(log.mock.calls[0][0]).toMatch(
        /^closed work left open when the server last stopped: unfinished answers 1, tool calls 1, text\/reasoning parts 0, compactions 1 \(\d+ ms\)$/,
      );
      log.mockRestore();
    });

    it('lets the server start when the clean-up fails, and says so', () => {
      const error = jest.spyOn(Logger.prototype, 'error');
      jest.spyOn(messages, 'unfinishedMessages').mockImplementation(() => {
        throw new Error('database disk image is malformed');
      });

      expect(() => service.onApplicationBootstrap()).not.toThrow();
      expect(error).toHaveBeenCalledWith(
        'work left open by a stopped server not closed: database disk image is malformed',
      );
      error.mockRestore();
    });
  });

  describe('on a big database', () => {
    const MESSAGES = 50_000;

    /** Half questions, half finished answers with a step, a tool call, text and a step end. */
    function fill(): Session {
      const s = session();
      db.transaction(() => {
        for (let index = 0; index < MESSAGES / 2; index++) {
          const question = user(s.id);
          part(question, { type: 'text', text: `question ${index}` });
          const answer = assistant(s.id, question.id, {
            time: { created: T0, completed: T0 + 1 },
          });
          part(answer, { type: 'step-start' });
          tool(answer, {
            status: 'completed',
            input: { command: 'ls' },
            output: 'README.md\n'.repeat(20),
            title: 'ls',
            metadata: {},
            time: { start: T0, end: T0 + 1 },
          });
          part(answer, { type: 'text', text: `answer ${index}`, time: { start: T0, end: T0 } });
        }
      });
      return s;
    }

    it('indexes what it holds at the upgrade, then finds the few open ones in milliseconds', () => {
      // The database as it was before the indexes (schema version 3: what later migrations
      // added is taken out), filled, then upgraded.
      db.connection.exec(`
        DROP INDEX message_unfinished;
        DROP INDEX part_tool_open;
        DROP INDEX session_compacting;
        DROP TABLE server_process;
        DROP TABLE project_directory;
        ALTER TABLE project DROP COLUMN icon_url;
        ALTER TABLE project DROP COLUMN icon_url_override;
        ALTER TABLE project DROP COLUMN icon_color;
        ALTER TABLE project DROP COLUMN commands;
        ALTER TABLE project DROP COLUMN sandboxes;
        DROP TABLE original_import;
        DROP TABLE original_import_state;
        DROP TABLE session_event;
        DROP TABLE session_event_seq;
        DROP TABLE session_input;
        DROP TABLE credential;
        DROP TABLE permission_saved;
        DROP TABLE idempotency_key;
        DROP INDEX session_share_share_id;
      `);
      db.connection.pragma('user_version = 3');
      const s = fill();
      const open = assistant(s.id, user(s.id).id);
      tool(open, { status: 'running', input: {}, time: { start: T0 + 60 } });
      db.migrate(MIGRATIONS);

      expect(plan(messages['statements'].unfinishedMessages)).toContain('message_unfinished');
      expect(plan(messages['statements'].messagesWithOpenTools)).toContain('part_tool_open');
      expect(plan(sessions['statements'].compacting)).toContain('session_compacting');
      const started = performance.now();
      expect(service.closeInterruptedWork()).toMatchObject({ messages: 1, tools: 1 });
      const elapsed = performance.now() - started;
      // About a millisecond; without the indexes, reading every row of the message and part
      // tables takes ~100 ms on this data. The plans above are what keeps it so; this bound only
      // catches a gross regression on a busy machine.
      expect(elapsed).toBeLessThan(100);
    });
  });
});

/** `Omit` applied to each member of a union (plain `Omit` merges the union into one type). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
