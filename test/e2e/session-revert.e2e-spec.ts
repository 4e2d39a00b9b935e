import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { RevertService } from '../../src/revert/revert.service';
import type { MessageWithParts } from '../../src/session/dto/message-with-parts.dto';
import type { Session } from '../../src/session/dto/session.dto';
import { SessionRunRegistry } from '../../src/session/session-run.registry';
import { gitRepo, writeFiles } from '../support/fixtures';
import { SessionFactory } from '../support/session-factory';
import { recordTurn } from '../support/snapshot-turn';
import { connectSse, frameType, type SseClient, type SseFrame } from '../support/sse-client';
import { startTestApp, type TestApp } from '../support/test-app';

describe('POST /session/:id/revert and /unrevert', () => {
  let t: TestApp;
  let sse: SseClient;
  let factory: SessionFactory;

  beforeAll(async () => {
    t = await startTestApp({ directory: gitRepo({ 'a.txt': 'base\n', 'b.txt': 'b\n' }) });
    factory = await SessionFactory.create(t.app, t.directory);
    sse = connectSse(`${t.url}/event`);
    await sse.waitFor((frame) => frameType(frame) === 'server.connected');
  });
  afterAll(async () => {
    sse.close();
    await t.close();
  });

  const read = (file: string) => readFileSync(join(t.directory, file), 'utf8');

  async function createSession(): Promise<string> {
    return ((await t.http.post('/session').expect(200)).body as Session).id;
  }

  async function messageIDs(sessionID: string): Promise<string[]> {
    const response = await t.http.get(`/session/${sessionID}/message`).expect(200);
    return (response.body as MessageWithParts[]).map((message) => message.info.id);
  }

  function eventsSince(from: number, type: string, sessionID: string): SseFrame[] {
    return sse.frames.slice(from).filter((frame) => {
      const data = frame.data as { type: string; properties: { sessionID?: string } };
      return frameType(frame) === type && data.properties.sessionID === sessionID;
    });
  }

  /** Two turns: the first writes a.txt, the second rewrites it, creates c.txt, deletes b.txt. */
  async function twoTurns(sessionID: string) {
    writeFiles(t.directory, { 'a.txt': 'base\n', 'b.txt': 'b\n' });
    const first = await recordTurn(t, factory.instance, sessionID, () =>
      writeFiles(t.directory, { 'a.txt': 'first\n' }),
    );
    const second = await recordTurn(t, factory.instance, sessionID, () => {
      writeFiles(t.directory, { 'a.txt': 'second\n', 'c.txt': 'created\n' });
      unlinkSync(join(t.directory, 'b.txt'));
    });
    return { first, second };
  }

  it("reverts a turn's files, marks the session, keeps the messages; unrevert brings them back", async () => {
    const sessionID = await createSession();
    const { first, second } = await twoTurns(sessionID);
    const from = sse.frames.length;

    const response = await t.http
      .post(`/session/${sessionID}/revert`)
      .send({ messageID: second[0].info.id })
      .expect(200);
    const session = response.body as Session;
    expect(session.revert).toEqual({
      messageID: second[0].info.id,
      snapshot: expect.stringMatching(/^[0-9a-f]{40}$/) as string,
      diff: expect.stringContaining('-second') as string,
    });
    expect(session.summary).toEqual({ additions: 2, deletions: 2, files: 3 });
    expect(read('a.txt')).toBe('first\n');
    expect(read('b.txt')).toBe('b\n');
    expect(existsSync(join(t.directory, 'c.txt'))).toBe(false);
    expect(await messageIDs(sessionID)).toEqual([...first, ...second].map((m) => m.info.id));

    const diffEvent = eventsSince(from, 'session.diff', sessionID)[0];
    expect(diffEvent.data).toMatchObject({
      properties: {
        diff: [
          expect.objectContaining({ file: 'a.txt' }),
          expect.objectContaining({ file: 'b.txt', status: 'deleted' }),
          expect.objectContaining({ file: 'c.txt', status: 'added' }),
        ],
      },
    });
    expect(eventsSince(from, 'session.updated', sessionID)).toHaveLength(1);
    // The session's own diff no longer counts the reverted turn.
    const diff = await t.http.get(`/session/${sessionID}/diff`).expect(200);
    expect(diff.body).toEqual([
      expect.objectContaining({ file: 'a.txt', additions: 1, deletions: 1, status: 'modified' }),
    ]);

    const restored = await t.http.post(`/session/${sessionID}/unrevert`).expect(200);
    expect(restored.body).not.toHaveProperty('revert');
    expect((restored.body as Session).summary?.files).toBe(3);
    expect(read('a.txt')).toBe('second\n');
    expect(read('c.txt')).toBe('created\n');
    expect(existsSync(join(t.directory, 'b.txt'))).toBe(false);
  });

  it('reverts a whole answer as its turn, and a later part from that part on', async () => {
    const sessionID = await createSession();
    const { second } = await twoTurns(sessionID);
    const [prompt, answer] = second;

    const whole = await t.http
      .post(`/session/${sessionID}/revert`)
      .send({ messageID: answer.info.id })
      .expect(200);
    expect((whole.body as Session).revert?.messageID).toBe(prompt.info.id);
    await t.http.post(`/session/${sessionID}/unrevert`).expect(200);

    // From the patch part on (it included): the text before it stays, the files go back.
    const patchPart = answer.parts.find((part) => part.type === 'patch')!;
    const partial = await t.http
      .post(`/session/${sessionID}/revert`)
      .send({ messageID: answer.info.id, partID: patchPart.id })
      .expect(200);
    expect((partial.body as Session).revert).toMatchObject({
      messageID: answer.info.id,
      partID: patchPart.id,
    });
    expect(read('a.txt')).toBe('first\n');
    await t.http.post(`/session/${sessionID}/unrevert`).expect(200);

    // From the step-start on: nothing worth keeping before it, so the whole turn.
    const stepStart = answer.parts[0];
    const early = await t.http
      .post(`/session/${sessionID}/revert`)
      .send({ messageID: answer.info.id, partID: stepStart.id })
      .expect(200);
    expect((early.body as Session).revert).toEqual(
      expect.objectContaining({ messageID: prompt.info.id }),
    );
    expect((early.body as Session).revert).not.toHaveProperty('partID');
    expect(read('a.txt')).toBe('first\n');
    await t.http.post(`/session/${sessionID}/unrevert`).expect(200);
  });

  it('moves a revert point back and forth from the first snapshot; unrevert restores all', async () => {
    const sessionID = await createSession();
    const { first, second } = await twoTurns(sessionID);
    const one = await t.http
      .post(`/session/${sessionID}/revert`)
      .send({ messageID: second[0].info.id })
      .expect(200);
    const two = await t.http
      .post(`/session/${sessionID}/revert`)
      .send({ messageID: first[0].info.id })
      .expect(200);
    expect((two.body as Session).revert?.snapshot).toBe((one.body as Session).revert?.snapshot);
    expect(read('a.txt')).toBe('base\n');
    // Moving the point later again brings the first turn back.
    await t.http
      .post(`/session/${sessionID}/revert`)
      .send({ messageID: second[0].info.id })
      .expect(200);
    expect(read('a.txt')).toBe('first\n');
    expect(read('b.txt')).toBe('b\n');
    await t.http.post(`/session/${sessionID}/unrevert`).expect(200);
    expect(read('a.txt')).toBe('second\n');
    // Unrevert without a revert answers the session as it is.
    const again = await t.http.post(`/session/${sessionID}/unrevert`).expect(200);
    expect(again.body).not.toHaveProperty('revert');
  });

  it('cleanup (next prompt) deletes what the revert hid and clears it', async () => {
    const sessionID = await createSession();
    const { first } = await twoTurns(sessionID);
    const [, answer] = first;
    const text = answer.parts.find((part) => part.type === 'text')!;
    await t.http
      .post(`/session/${sessionID}/revert`)
      .send({ messageID: answer.info.id, partID: text.id })
      .expect(200);
    const from = sse.frames.length;

    await t.app.get(RevertService).cleanup(factory.instance, sessionID);
    expect(await messageIDs(sessionID)).toEqual([first[0].info.id, answer.info.id]);
    const kept = await t.http.get(`/session/${sessionID}/message/${answer.info.id}`).expect(200);
    expect((kept.body as MessageWithParts).parts.map((part) => part.type)).toEqual([
      'step-start',
      'tool',
    ]);
    expect(eventsSince(from, 'message.removed', sessionID)).toHaveLength(2);
    expect(eventsSince(from, 'message.part.removed', sessionID)).toHaveLength(3);
    const session = (await t.http.get(`/session/${sessionID}`).expect(200)).body as Session;
    expect(session).not.toHaveProperty('revert');
    // Nothing to clean: nothing happens.
    const count = sse.frames.length;
    await t.app.get(RevertService).cleanup(factory.instance, sessionID);
    expect(eventsSince(count, 'session.updated', sessionID)).toHaveLength(0);
  });

  it('refuses a busy session with 409 SessionBusyError', async () => {
    const sessionID = await createSession();
    const { first } = await twoTurns(sessionID);
    const runs = t.app.get(SessionRunRegistry);
    const signal = runs.begin(sessionID);
    try {
      for (const [path, body] of [
        ['revert', { messageID: first[0].info.id }],
        ['unrevert', {}],
      ] as const) {
        const response = await t.http.post(`/session/${sessionID}/${path}`).send(body).expect(409);
        expect(response.body).toEqual({
          name: 'SessionBusyError',
          data: { message: `Session ${sessionID} is busy`, sessionID },
        });
      }
    } finally {
      runs.end(sessionID, signal);
    }
    expect(read('a.txt')).toBe('second\n');
  });

  it('answers 404 for unknown sessions, messages and parts, 400 for bad ids and bodies', async () => {
    const sessionID = await createSession();
    const [prompt] = await recordTurn(t, factory.instance, sessionID, () => undefined);
    const unknown = 'ses_0123456789abcdefABCDEF';
    for (const path of ['revert', 'unrevert']) {
      const response = await t.http
        .post(`/session/${unknown}/${path}`)
        .send({ messageID: prompt.info.id })
        .expect(404);
      expect(response.body.name).toBe('NotFoundError');
      const malformed = await t.http
        .post(`/session/nope/${path}`)
        .send({ messageID: prompt.info.id })
        .expect(400);
      expect(malformed.body).toMatchObject({ data: { field: 'sessionID' } });
    }
    const cases: Array<[Record<string, unknown>, number, string?]> = [
      [{}, 400, 'messageID'],
      [{ messageID: 42 }, 400, 'messageID'],
      [{ messageID: 'nope' }, 400, 'messageID'],
      [{ messageID: prompt.info.id, partID: 'x' }, 400, 'partID'],
      [{ messageID: prompt.info.id, extra: true }, 400, 'extra'],
      [{ messageID: 'msg_0123456789abcdefABCDEF' }, 404],
      [{ messageID: prompt.info.id, partID: 'prt_0123456789abcdefABCDEF' }, 404],
    ];
    for (const [body, status, field] of cases) {
      const response = await t.http.post(`/session/${sessionID}/revert`).send(body).expect(status);
      if (field) expect(response.body).toMatchObject({ name: 'BadRequest', data: { field } });
      else expect(response.body.name).toBe('NotFoundError');
    }
    const session = (await t.http.get(`/session/${sessionID}`).expect(200)).body as Session;
    expect(session).not.toHaveProperty('revert');
  });
});
