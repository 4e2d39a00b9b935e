import type { MessageWithParts } from '../../src/session/dto/message-with-parts.dto';
import type { Part } from '../../src/session/dto/part.dto';
import type { Session } from '../../src/session/dto/session.dto';
import { SessionRunRegistry } from '../../src/session/session-run.registry';
import { SessionFactory } from '../support/session-factory';
import { connectSse, frameType, type SseClient, type SseFrame } from '../support/sse-client';
import { startTestApp, type TestApp } from '../support/test-app';

const UNKNOWN_SESSION = 'ses_ffffffffffff0000000000000';
const UNKNOWN_MESSAGE = 'msg_ffffffffffff0000000000000';
const UNKNOWN_PART = 'prt_ffffffffffff0000000000000';

describe('parts: PATCH and DELETE /session/:id/message/:messageID/part/:partID', () => {
  let t: TestApp;
  let sse: SseClient;
  let factory: SessionFactory;

  beforeAll(async () => {
    t = await startTestApp();
    sse = connectSse(`${t.url}/event`);
    await sse.waitFor((frame) => frameType(frame) === 'server.connected');
    factory = await SessionFactory.create(t.app, t.directory);
  });
  afterAll(async () => {
    sse.close();
    await t.close();
  });

  /** A session with a user message and an answer holding one part of every type. */
  async function conversation(): Promise<{
    session: Session;
    user: MessageWithParts;
    all: MessageWithParts;
  }> {
    const session = (await t.http.post('/session').expect(200)).body as Session;
    const user = factory.userMessage(session.id, 'hello');
    const all = factory.everyPartType(session.id, user.info.id);
    factory.save(user, all);
    return { session, user, all };
  }

  function partPath(part: { sessionID: string; messageID: string; id: string }): string {
    return `/session/${part.sessionID}/message/${part.messageID}/part/${part.id}`;
  }

  /** Whether `frame` is an event of `type` about the part `partID`. */
  function isAbout(frame: SseFrame, type: string, partID: string): boolean {
    if (frameType(frame) !== type) return false;
    const properties = (frame.data as { properties: { partID?: string; part?: Part } }).properties;
    return (properties.partID ?? properties.part?.id) === partID;
  }

  /** Frames of `type` about `partID` received so far. */
  function framesOf(type: string, partID: string): SseFrame[] {
    return sse.frames.filter((frame) => isAbout(frame, type, partID));
  }

  async function storedParts(sessionID: string, messageID: string): Promise<Part[]> {
    const res = await t.http.get(`/session/${sessionID}/message/${messageID}`).expect(200);
    return (res.body as MessageWithParts).parts;
  }

  describe('PATCH', () => {
    it('replaces a part, answers it, stores it and publishes message.part.updated', async () => {
      const { user } = await conversation();
      const original = user.parts[0];
      const edited = { ...original, text: 'hello, edited', synthetic: false };
      const res = await t.http.patch(partPath(original)).send(edited).expect(200);
      expect(res.body).toEqual(edited);
      expect(await storedParts(original.sessionID, original.messageID)).toEqual([edited]);
      const frame = await sse.waitFor(
        (f) =>
          isAbout(f, 'message.part.updated', original.id) &&
          (f.data as { properties: { part: { text?: string } } }).properties.part.text ===
            edited.text,
      );
      expect(frame.data).toEqual({
        id: expect.stringMatching(/^evt_/),
        type: 'message.part.updated',
        properties: { sessionID: original.sessionID, part: edited, time: expect.any(Number) },
      });
    });

    it('accepts every part type the server stores, sent back unchanged', async () => {
      const { all } = await conversation();
      for (const part of all.parts) {
        const res = await t.http.patch(partPath(part)).send(part);
        expect({ type: part.type, status: res.status }).toEqual({ type: part.type, status: 200 });
        expect(res.body).toEqual(part);
      }
      expect(await storedParts(all.info.sessionID, all.info.id)).toEqual(all.parts);
    });

    it('validates nested shapes: a completed tool with attachments, and a changed type', async () => {
      const { all, user } = await conversation();
      const tool = all.parts.find((part) => part.type === 'tool')!;
      const now = Date.now();
      const completed = {
        ...tool,
        state: {
          status: 'completed',
          input: { filePath: 'a.png' },
          output: 'image',
          title: 'a.png',
          metadata: {},
          time: { start: now, end: now, compacted: now },
          attachments: [
            {
              id: 'prt_attachment01',
              sessionID: tool.sessionID,
              messageID: tool.messageID,
              type: 'file',
              mime: 'image/png',
              url: 'data:image/png;base64,AAAA',
            },
          ],
        },
      };
      await t.http.patch(partPath(tool)).send(completed).expect(200, completed);

      // The type may change (as the reference allows): a text part becomes reasoning.
      const text = user.parts[0];
      const reasoning = { ...text, type: 'reasoning', text: 'thought', time: { start: now } };
      delete (reasoning as { synthetic?: boolean }).synthetic;
      await t.http.patch(partPath(text)).send(reasoning).expect(200, reasoning);
    });

    it.each<[string, (part: Part) => unknown, string]>([
      ['an unknown type', (p) => ({ ...p, type: 'bogus' }), 'type'],
      ['no type', (p) => ({ ...p, type: undefined }), 'type'],
      ['an array', () => [1], 'type'],
      ['a text part without text', (p) => ({ ...p, text: undefined }), 'text'],
      ['text of the wrong type', (p) => ({ ...p, text: 42 }), 'text'],
      ['an unknown field', (p) => ({ ...p, colour: 'red' }), 'colour'],
      ['a bad nested time', (p) => ({ ...p, time: { start: -1 } }), 'time.start'],
      ['a malformed part id', (p) => ({ ...p, id: 'part-1' }), 'id'],
    ])('refuses %s with 400 naming the field, and stores nothing', async (_name, change, field) => {
      const { user } = await conversation();
      const original = user.parts[0];
      const res = await t.http.patch(partPath(original)).send(change(original) as object);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ name: 'BadRequest', data: { field } });
      expect(await storedParts(original.sessionID, original.messageID)).toEqual([original]);
    });

    it('refuses bad nested states of tool parts and file sources', async () => {
      const { all } = await conversation();
      const tool = all.parts.find((part) => part.type === 'tool')!;
      const file = all.parts.find((part) => part.type === 'file')!;
      const cases: Array<[Part, unknown, string]> = [
        [tool, { ...tool, state: { status: 'exploded' } }, 'state.status'],
        [tool, { ...tool, state: { status: 'pending', input: {} } }, 'state.raw'],
        [tool, { ...tool, state: { status: 'pending', input: {}, raw: '', x: 1 } }, 'state.x'],
        [file, { ...file, source: { type: 'disk' } }, 'source.type'],
        [file, { ...file, source: { type: 'file', path: 'a' } }, 'source.text'],
        [tool, { ...tool, state: undefined }, 'state'],
        [
          all.parts.find((part) => part.type === 'step-finish')!,
          {
            ...all.parts.find((part) => part.type === 'step-finish'),
            tokens: { input: 1, output: 1, reasoning: 0 },
          },
          'tokens.cache',
        ],
      ];
      for (const [part, body, field] of cases) {
        const res = await t.http.patch(partPath(part)).send(body as object);
        expect({ field, status: res.status }).toEqual({ field, status: 400 });
        expect(res.body).toMatchObject({ name: 'BadRequest', data: { field } });
      }
    });

    it("refuses a part whose ids are not the path's with 400, and stores nothing", async () => {
      const { user, all } = await conversation();
      const original = user.parts[0];
      const other = all.parts[0];
      const cases: Array<[unknown, string]> = [
        [{ ...original, id: other.id }, 'id'],
        [{ ...original, messageID: other.messageID }, 'messageID'],
        [{ ...original, sessionID: UNKNOWN_SESSION }, 'sessionID'],
      ];
      for (const [body, field] of cases) {
        const res = await t.http.patch(partPath(original)).send(body as object);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ name: 'BadRequest', data: { kind: 'Body', field } });
      }
      expect(await storedParts(original.sessionID, original.messageID)).toEqual([original]);
      expect(await storedParts(other.sessionID, other.messageID)).toEqual(all.parts);
    });

    it('answers 404 for an unknown session, message or part, creating nothing', async () => {
      const { user, all } = await conversation();
      const part = user.parts[0];
      const cases: Array<[{ sessionID: string; messageID: string; id: string }, string]> = [
        [{ ...part, sessionID: UNKNOWN_SESSION }, UNKNOWN_SESSION],
        [{ ...part, messageID: UNKNOWN_MESSAGE }, UNKNOWN_MESSAGE],
        [{ ...part, id: UNKNOWN_PART }, UNKNOWN_PART],
        // A part of another message of the session is not a part of this one.
        [{ ...part, id: all.parts[0].id }, all.parts[0].id],
      ];
      for (const [target, missing] of cases) {
        const res = await t.http.patch(partPath(target)).send({ ...part, ...target });
        expect(res.status).toBe(404);
        expect(res.body).toEqual({
          name: 'NotFoundError',
          data: { message: expect.stringContaining(missing) },
        });
      }
      expect(await storedParts(part.sessionID, part.messageID)).toEqual([part]);
      expect(framesOf('message.part.updated', UNKNOWN_PART)).toEqual([]);
    });

    it('refuses malformed path ids with 400', async () => {
      const { user } = await conversation();
      const part = user.parts[0];
      const res = await t.http
        .patch(`/session/${part.sessionID}/message/${part.messageID}/part/bad`)
        .send(part)
        .expect(400);
      expect(res.body).toMatchObject({
        name: 'BadRequest',
        data: { kind: 'Params', field: 'partID' },
      });
    });

    it('is refused with 409 while a turn of the session runs, and works once it ends', async () => {
      const { user } = await conversation();
      const part = user.parts[0];
      const runs = t.app.get(SessionRunRegistry);
      const signal = runs.begin(part.sessionID);
      try {
        const res = await t.http
          .patch(partPath(part))
          .send({ ...part, text: 'mid-turn' })
          .expect(409);
        expect(res.body).toEqual({
          name: 'SessionBusyError',
          data: { message: expect.any(String), sessionID: part.sessionID },
        });
        await t.http.delete(partPath(part)).expect(409);
      } finally {
        runs.end(part.sessionID, signal);
      }
      expect(await storedParts(part.sessionID, part.messageID)).toEqual([part]);
      await t.http
        .patch(partPath(part))
        .send({ ...part, text: 'after' })
        .expect(200);
    });
  });

  describe('DELETE', () => {
    it('removes the part, answers true and publishes message.part.removed', async () => {
      const { all } = await conversation();
      const [first, ...rest] = all.parts;
      await t.http.delete(partPath(first)).expect(200, 'true');
      expect(await storedParts(first.sessionID, first.messageID)).toEqual(rest);
      const frame = await sse.waitFor((f) => isAbout(f, 'message.part.removed', first.id));
      expect(frame.data).toEqual({
        id: expect.stringMatching(/^evt_/),
        type: 'message.part.removed',
        properties: { sessionID: first.sessionID, messageID: first.messageID, partID: first.id },
      });
      // Gone: a second delete is a 404 and publishes nothing more.
      await t.http.delete(partPath(first)).expect(404);
      await t.http.patch(partPath(first)).send(first).expect(404);
      expect(framesOf('message.part.removed', first.id)).toHaveLength(1);
    });

    it('answers 404 for an unknown session, message or part, 400 for malformed ids', async () => {
      const { user } = await conversation();
      const part = user.parts[0];
      for (const target of [
        { ...part, sessionID: UNKNOWN_SESSION },
        { ...part, messageID: UNKNOWN_MESSAGE },
        { ...part, id: UNKNOWN_PART },
      ]) {
        const res = await t.http.delete(partPath(target)).expect(404);
        expect(res.body.name).toBe('NotFoundError');
      }
      for (const target of [
        { ...part, sessionID: 'nope' },
        { ...part, messageID: 'nope' },
        { ...part, id: 'nope' },
      ]) {
        const res = await t.http.delete(partPath(target)).expect(400);
        expect(res.body).toMatchObject({ name: 'BadRequest', data: { kind: 'Params' } });
      }
      expect(await storedParts(part.sessionID, part.messageID)).toEqual([part]);
    });
  });
});
