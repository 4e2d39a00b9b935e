import { hostname } from 'node:os';
import { IdGenerator } from '../../src/core/id';
import { DatabaseService } from '../../src/core/storage/database.service';
import type { AssistantMessage } from '../../src/session/dto/message.dto';
import type { MessageWithParts } from '../../src/session/dto/message-with-parts.dto';
import type { Part, TextPart, ToolPart } from '../../src/session/dto/part.dto';
import type { Session } from '../../src/session/dto/session.dto';
import {
  SERVER_STOPPED_ERROR,
  TOOL_INTERRUPTED_ERROR,
} from '../../src/session/interrupted-work.service';
import { MessageService } from '../../src/session/message.service';
import { SessionService } from '../../src/session/session.service';
import { SessionFactory } from '../support/session-factory';
import { startTestApp } from '../support/test-app';

describe('work left open by a server that stopped mid-turn', () => {
  it('is closed when the server starts again on the same database', async () => {
    const first = await startTestApp();
    const session = (await first.http.post('/session').send({ title: 'cut short' }).expect(200))
      .body as Session;
    const compacting = (
      await first.http.post('/session').send({ title: 'summarizing' }).expect(200)
    ).body as Session;
    const factory = await SessionFactory.create(first.app, first.directory);
    const finished = factory.conversation(session.id, 2);

    // What a turn has stored when its process dies: the answer without `time.completed`, a text
    // part still streaming, a tool call running; and a session whose summary was being written.
    const ids = first.app.get(IdGenerator);
    const messages = first.app.get(MessageService);
    const instance = factory.instance;
    const question = factory.save(factory.userMessage(session.id, 'run the tests'))[0];
    const created = Date.now() - 60_000;
    const answer: AssistantMessage = {
      id: ids.ascending('message'),
      sessionID: session.id,
      role: 'assistant',
      time: { created },
      parentID: question.info.id,
      modelID: 'fake-model',
      providerID: 'fake',
      mode: 'build',
      agent: 'build',
      path: { cwd: instance.directory, root: instance.worktree },
      cost: 0,
      tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } },
    };
    messages.saveMessage(instance, answer);
    const base = () => ({ id: ids.ascending('part'), sessionID: session.id, messageID: answer.id });
    const step = messages.savePart(instance, { ...base(), type: 'step-start' });
    const text = messages.savePart<TextPart>(instance, {
      ...base(),
      type: 'text',
      text: '',
      time: { start: created + 1_000 },
    });
    const tool = messages.savePart<ToolPart>(instance, {
      ...base(),
      type: 'tool',
      callID: 'call_tests',
      tool: 'bash',
      state: {
        status: 'running',
        input: { command: 'npm test' },
        title: 'npm test',
        metadata: { output: 'PASS a.spec.ts\n' },
        time: { start: created + 2_000 },
      },
    });
    first.app.get(SessionService).update(instance, compacting.id, {
      time: { compacting: Date.now() },
    });
    await first.close();

    const second = await startTestApp({ home: first.home, directory: first.directory });
    try {
      const stored = (await second.http.get(`/session/${session.id}/message`).expect(200))
        .body as MessageWithParts[];
      expect(stored.slice(0, finished.length)).toEqual(finished);
      expect(stored.slice(finished.length)).toEqual([
        question,
        {
          // Closed at the last time the answer shows (its tool's start), not at the restart.
          info: {
            ...answer,
            time: { created, completed: created + 2_000 },
            error: SERVER_STOPPED_ERROR,
          },
          parts: [
            step,
            { ...text, time: { start: created + 1_000, end: created + 2_000 } },
            {
              ...tool,
              state: {
                status: 'error',
                input: { command: 'npm test' },
                error: TOOL_INTERRUPTED_ERROR,
                metadata: { output: 'PASS a.spec.ts\n', interrupted: true },
                time: { start: created + 2_000, end: created + 2_000 },
              },
            },
          ] satisfies Part[],
        },
      ]);

      const summarized = (await second.http.get(`/session/${compacting.id}`).expect(200))
        .body as Session;
      expect(summarized.time.compacting).toBeUndefined();
      expect(summarized.title).toBe('summarizing');
    } finally {
      await second.close();
    }
  });

  it('is left alone while another server of this host uses the same database', async () => {
    const first = await startTestApp();
    const session = (await first.http.post('/session').send({ title: 'shared' }).expect(200))
      .body as Session;
    const factory = await SessionFactory.create(first.app, first.directory);
    const ids = first.app.get(IdGenerator);
    const question = factory.save(factory.userMessage(session.id, 'still working?'))[0];
    const answer: AssistantMessage = {
      id: ids.ascending('message'),
      sessionID: session.id,
      role: 'assistant',
      time: { created: Date.now() },
      parentID: question.info.id,
      modelID: 'fake-model',
      providerID: 'fake',
      mode: 'build',
      agent: 'build',
      path: { cwd: factory.instance.directory, root: factory.instance.worktree },
      cost: 0,
      tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } },
    };
    first.app.get(MessageService).saveMessage(factory.instance, answer);
    // Another live process of this host (the test runner's parent) registered as a server.
    first.app
      .get(DatabaseService)
      .connection.prepare('INSERT INTO server_process (host, pid, started) VALUES (?, ?, ?)')
      .run(hostname(), process.ppid, Date.now());
    await first.close();

    const second = await startTestApp({ home: first.home, directory: first.directory });
    try {
      const stored = (await second.http.get(`/session/${session.id}/message`).expect(200))
        .body as MessageWithParts[];
      // Its turn may be running: the answer is not closed under it.
      expect(stored.at(-1)?.info).toEqual(answer);
    } finally {
      await second.close();
    }
  });
});
