import { BusService } from '../../src/core/bus/bus.service';
import { DatabaseService } from '../../src/core/storage/database.service';
import type { MessageWithParts } from '../../src/session/dto/message-with-parts.dto';
import type { Part } from '../../src/session/dto/part.dto';
import type { Session } from '../../src/session/dto/session.dto';
import { MessageRepository } from '../../src/session/message.repository';
import { MessageService } from '../../src/session/message.service';
import { SessionRunRegistry } from '../../src/session/session-run.registry';
import { SessionFactory } from '../support/session-factory';
import { connectSse, frameType, type SseClient, type SseFrame } from '../support/sse-client';
import { startTestApp, type TestApp } from '../support/test-app';

const UNKNOWN_SESSION = 'ses_ffffffffffff0000000000000';
const UNKNOWN_MESSAGE = 'msg_ffffffffffff0000000000000';

function properties(frame: SseFrame): Record<string, unknown> {
  return (frame.data as { properties: Record<string, unknown> }).properties;
}

describe('messages', () => {
  let t: TestApp;
  let sse: SseClient;
  let factory: SessionFactory;
  let messages: MessageService;

  beforeAll(async () => {
    t = await startTestApp();
    sse = connectSse(`${t.url}/event`);
    await sse.waitFor((frame) => frameType(frame) === 'server.connected');
    factory = await SessionFactory.create(t.app, t.directory);
    messages = t.app.get(MessageService);
  });
  afterAll(async () => {
    sse.close();
    await t.close();
  });

  async function createSession(): Promise<Session> {
    return (await t.http.post('/session').expect(200)).body as Session;
  }

  describe('GET /session/:id/message', () => {
    it('answers every message with its parts, oldest first, stored unchanged', async () => {
      const session = await createSession();
      const user = factory.userMessage(session.id, 'show me everything');
      const all = factory.everyPartType(session.id, user.info.id);
      factory.save(user, all);
      const response = await t.http.get(`/session/${session.id}/message`).expect(200);
      expect(response.body).toEqual([user, all]);
      const types = new Set((response.body as MessageWithParts[])[1].parts.map((p) => p.type));
      expect([...types].sort()).toEqual(
        [
          'agent',
          'compaction',
          'file',
          'patch',
          'reasoning',
          'retry',
          'snapshot',
          'step-finish',
          'step-start',
          'subtask',
          'text',
          'tool',
        ].sort(),
      );
      expect(response.headers['x-next-cursor']).toBeUndefined();
      await t.http.get(`/session/${session.id}/message/${all.info.id}`).expect(200, all);
      await t.http.get(`/session/${session.id}/message`).query({ limit: 0 }).expect(200);
    });

    it('pages backwards with limit and before, naming the next page in headers', async () => {
      const session = await createSession();
      const stored = factory.conversation(session.id, 12); // 24 messages
      const pages: MessageWithParts[][] = [];
      let before: string | undefined;
      do {
        const response = await t.http
          .get(`/session/${session.id}/message`)
          .query({ limit: 10, ...(before && { before }) })
          .expect(200);
        const page = response.body as MessageWithParts[];
        pages.push(page);
        const next: string | undefined = response.headers['x-next-cursor'];
        if (next) {
          expect(next).toBe(page[0].info.id);
          expect(response.headers.link).toBe(
            `</session/${session.id}/message?limit=10&before=${next}>; rel="next"`,
          );
          expect(response.headers['access-control-expose-headers']).toContain('X-Next-Cursor');
        }
        before = next;
      } while (before);
      expect(pages.map((page) => page.length)).toEqual([10, 10, 4]);
      expect(pages.reverse().flat()).toEqual(stored);
      const newest = await t.http
        .get(`/session/${session.id}/message`)
        .query({ limit: 3 })
        .expect(200);
      expect(newest.body).toEqual(stored.slice(-3));
      const older = await t.http
        .get(`/session/${session.id}/message`)
        .query({ before: stored[4].info.id })
        .expect(200);
      expect(older.body).toEqual(stored.slice(0, 4));
    });

    it('refuses bad queries and unknown or malformed ids', async () => {
      const session = await createSession();
      const cases: Array<[Record<string, string>, string]> = [
        [{ limit: '-1' }, 'limit'],
        [{ limit: 'all' }, 'limit'],
        [{ before: 'prt_1' }, 'before'],
        [{ after: 'msg_1' }, 'after'],
      ];
      for (const [query, field] of cases) {
        const response = await t.http
          .get(`/session/${session.id}/message`)
          .query(query)
          .expect(400);
        expect(response.body).toMatchObject({ name: 'BadRequest', data: { kind: 'Query', field } });
      }
      await t.http.get(`/session/${UNKNOWN_SESSION}/message`).expect(404);
      await t.http.get('/session/ses/message').expect(400);
      await t.http.get(`/session/${session.id}/message/${UNKNOWN_MESSAGE}`).expect(404);
      const bad = await t.http.get(`/session/${session.id}/message/prt_x`).expect(400);
      expect(bad.body.data).toMatchObject({ kind: 'Params', field: 'messageID' });
      // A message is only found through its own session.
      const other = await createSession();
      const [question] = factory.conversation(other.id, 1);
      await t.http.get(`/session/${session.id}/message/${question.info.id}`).expect(404);
      await t.http.get(`/session/${UNKNOWN_SESSION}/message/${question.info.id}`).expect(404);
    });

    it('reads the newest page of a 100,000-message session without loading it whole', async () => {
      const session = await createSession();
      // Stored through the repository in one transaction: 200,000 events would only slow the test.
      const repository = t.app.get(MessageRepository);
      let last = '';
      t.app.get(DatabaseService).transaction(() => {
        for (let index = 0; index < 100_000; index++) {
          const message = factory.userMessage(session.id, `message ${index}`);
          repository.saveMessage(message.info);
          repository.savePart(message.parts[0]);
          last = message.info.id;
        }
      });
      const started = performance.now();
      const response = await t.http
        .get(`/session/${session.id}/message`)
        .query({ limit: 50 })
        .expect(200);
      const elapsed = performance.now() - started;
      expect(response.body).toHaveLength(50);
      expect((response.body as MessageWithParts[])[49].info.id).toBe(last);
      const previous = await t.http
        .get(`/session/${session.id}/message`)
        .query({ limit: 50, before: response.headers['x-next-cursor'] })
        .expect(200);
      expect(previous.body).toHaveLength(50);
      expect(elapsed).toBeLessThan(500);
    }, 60_000);
  });

  describe('DELETE /session/:id/message/:messageID', () => {
    it('removes the message and its parts, then publishes message.removed', async () => {
      const session = await createSession();
      const [question, answer] = factory.conversation(session.id, 1);
      await t.http.delete(`/session/${session.id}/message/${answer.info.id}`).expect(200, 'true');
      await t.http.get(`/session/${session.id}/message/${answer.info.id}`).expect(404);
      await t.http.get(`/session/${session.id}/message`).expect(200, [question]);
      expect(messages.getPart(session.id, answer.parts[0].id)).toBeUndefined();
      const event = await sse.waitFor(
        (frame) =>
          frameType(frame) === 'message.removed' && properties(frame).messageID === answer.info.id,
      );
      expect(properties(event)).toEqual({ sessionID: session.id, messageID: answer.info.id });
      await t.http.delete(`/session/${session.id}/message/${answer.info.id}`).expect(404);
      await t.http.delete(`/session/${UNKNOWN_SESSION}/message/${question.info.id}`).expect(404);
      await t.http.delete(`/session/${session.id}/message/nope`).expect(400);
    });

    it('is refused with 409 while a turn of the session runs', async () => {
      const session = await createSession();
      const [question] = factory.conversation(session.id, 1);
      const runs = t.app.get(SessionRunRegistry);
      const signal = runs.begin(session.id);
      const response = await t.http
        .delete(`/session/${session.id}/message/${question.info.id}`)
        .expect(409);
      expect(response.body).toEqual({
        name: 'SessionBusyError',
        data: { message: expect.stringContaining(session.id), sessionID: session.id },
      });
      runs.end(session.id, signal);
      await t.http.delete(`/session/${session.id}/message/${question.info.id}`).expect(200);
    });
  });

  describe('MessageService (what the agent loop calls)', () => {
    it('publishes message.updated and message.part.updated after the commit', async () => {
      const session = await createSession();
      const user = factory.userMessage(session.id, 'hello');
      const seenStored: boolean[] = [];
      const subscription = t.app.get(BusService).events$.subscribe((envelope) => {
        const { type, properties: payload } = envelope.payload as {
          type: string;
          properties: { info?: { id: string }; part?: { id: string } };
        };
        if (type === 'message.updated' && payload.info?.id === user.info.id) {
          seenStored.push(messages.getMessage(session.id, user.info.id) !== undefined);
        }
        if (type === 'message.part.updated' && payload.part?.id === user.parts[0].id) {
          seenStored.push(messages.getPart(session.id, user.parts[0].id) !== undefined);
        }
      });
      factory.save(user);
      subscription.unsubscribe();
      expect(seenStored).toEqual([true, true]);
      const updated = await sse.waitFor(
        (frame) =>
          frameType(frame) === 'message.part.updated' &&
          (properties(frame).part as Part).id === user.parts[0].id,
      );
      expect(properties(updated)).toEqual({
        sessionID: session.id,
        part: user.parts[0],
        time: expect.any(Number),
      });
      const info = await sse.waitFor(
        (frame) =>
          frameType(frame) === 'message.updated' &&
          (properties(frame).info as { id: string }).id === user.info.id,
      );
      expect(properties(info)).toEqual({ sessionID: session.id, info: user.info });
    });

    it('replaces a part saved again, and removes parts', async () => {
      const session = await createSession();
      const [, answer] = factory.conversation(session.id, 1);
      const text = answer.parts.find((part) => part.type === 'text')!;
      for (let index = 0; index < 50; index++) {
        messages.savePart(factory.instance, { ...text, text: `streamed ${index}` });
      }
      expect(messages.getPart(session.id, text.id)).toEqual({ ...text, text: 'streamed 49' });
      expect(messages.getMessage(session.id, answer.info.id).parts).toHaveLength(
        answer.parts.length,
      );
      expect(messages.removePart(factory.instance, session.id, answer.info.id, text.id)).toBe(true);
      expect(messages.removePart(factory.instance, session.id, answer.info.id, text.id)).toBe(
        false,
      );
      const removed = await sse.waitFor((frame) => frameType(frame) === 'message.part.removed');
      expect(properties(removed)).toEqual({
        sessionID: session.id,
        messageID: answer.info.id,
        partID: text.id,
      });
    });

    it('publishes part deltas without storing them', async () => {
      const session = await createSession();
      const [, answer] = factory.conversation(session.id, 1);
      const delta = {
        sessionID: session.id,
        messageID: answer.info.id,
        partID: answer.parts[2].id,
        field: 'text',
        delta: 'more ',
      };
      messages.publishPartDelta(factory.instance, delta);
      const frame = await sse.waitFor((f) => frameType(f) === 'message.part.delta');
      expect(properties(frame)).toEqual(delta);
    });

    it('refuses messages of unknown sessions and parts of unknown messages', async () => {
      const session = await createSession();
      const orphan = factory.userMessage(UNKNOWN_SESSION, 'lost');
      expect(() => messages.saveMessage(factory.instance, orphan.info)).toThrow(
        'Session not found',
      );
      const user = factory.userMessage(session.id, 'no message stored');
      expect(() => messages.savePart(factory.instance, user.parts[0])).toThrow('Message not found');
      // A part cannot be moved to another message by saving it with the same id.
      const [stored] = factory.conversation(session.id, 1);
      const [other] = factory.conversation(session.id, 1);
      expect(() =>
        messages.savePart(factory.instance, { ...stored.parts[0], messageID: other.info.id }),
      ).toThrow('already belongs');
      expect(messages.conversation(session.id)).toHaveLength(4);
      expect(() => messages.listMessages(UNKNOWN_SESSION)).toThrow('Session not found');
    });
  });
});
