import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { MessageWithParts } from '../../src/session/dto/message-with-parts.dto';
import type { Session } from '../../src/session/dto/session.dto';
import { MessageService } from '../../src/session/message.service';
import { SessionDiffService } from '../../src/snapshot/session-diff.service';
import { gitRepo, writeFiles } from '../support/fixtures';
import { SessionFactory } from '../support/session-factory';
import { recordTurn } from '../support/snapshot-turn';
import { connectSse, frameType, type SseClient } from '../support/sse-client';
import { startTestApp, type TestApp } from '../support/test-app';

/** A session's file changes over HTTP, from snapshots recorded as the agent loop records them. */
describe('GET /session/:id/diff', () => {
  let t: TestApp;
  let sse: SseClient;
  let factory: SessionFactory;

  beforeAll(async () => {
    t = await startTestApp({
      directory: gitRepo({ 'a.txt': 'one\ntwo\n', 'keep.txt': 'keep\n', 'gone.txt': 'bye\n' }),
    });
    factory = await SessionFactory.create(t.app, t.directory);
    sse = connectSse(`${t.url}/event`);
    await sse.waitFor((frame) => frameType(frame) === 'server.connected');
  });
  afterAll(async () => {
    sse.close();
    await t.close();
  });

  /**
   * One turn as the agent loop stores it: a prompt, then an answer whose step starts with a
   * snapshot, changes files (`edit`), records a patch and ends with a snapshot.
   */
  async function turn(sessionID: string, edit: () => void): Promise<MessageWithParts[]> {
    return recordTurn(t, factory.instance, sessionID, edit);
  }

  async function createSession(): Promise<string> {
    return ((await t.http.post('/session').expect(200)).body as Session).id;
  }

  it('answers [] for a session without turns', async () => {
    const sessionID = await createSession();
    await t.http.get(`/session/${sessionID}/diff`).expect(200, []);
  });

  it("answers what the session's turns changed, and what one turn changed", async () => {
    const sessionID = await createSession();
    const [first] = await turn(sessionID, () =>
      writeFiles(t.directory, { 'a.txt': 'one\nTWO\n', 'new.txt': 'new\n' }),
    );
    const [second, secondAnswer] = await turn(sessionID, () => {
      writeFiles(t.directory, { 'a.txt': 'one\nTWO\nthree\n' });
      unlinkSync(join(t.directory, 'gone.txt'));
    });
    // The user's own edit of another file is not the session's.
    writeFiles(t.directory, { 'keep.txt': 'edited by the user\n' });

    const whole = await t.http.get(`/session/${sessionID}/diff`).expect(200);
    expect(whole.body).toEqual([
      {
        file: 'a.txt',
        patch: expect.stringContaining('+TWO\n+three') as string,
        additions: 2,
        deletions: 1,
        status: 'modified',
      },
      {
        file: 'gone.txt',
        patch: expect.any(String) as string,
        additions: 0,
        deletions: 1,
        status: 'deleted',
      },
      {
        file: 'new.txt',
        patch: expect.any(String) as string,
        additions: 1,
        deletions: 0,
        status: 'added',
      },
    ]);

    const firstTurn = await t.http
      .get(`/session/${sessionID}/diff`)
      .query({ messageID: first.info.id })
      .expect(200);
    expect(firstTurn.body).toEqual([
      expect.objectContaining({ file: 'a.txt', additions: 1, deletions: 1, status: 'modified' }),
      expect.objectContaining({ file: 'new.txt', additions: 1, deletions: 0, status: 'added' }),
    ]);
    // An answer's id stands for its turn.
    for (const messageID of [second.info.id, secondAnswer.info.id]) {
      const secondTurn = await t.http
        .get(`/session/${sessionID}/diff`)
        .query({ messageID })
        .expect(200);
      expect(secondTurn.body).toEqual([
        expect.objectContaining({ file: 'a.txt', additions: 1, deletions: 0 }),
        expect.objectContaining({ file: 'gone.txt', status: 'deleted' }),
      ]);
    }
  });

  it('stores the totals as summary and publishes session.diff on refresh', async () => {
    const sessionID = await createSession();
    const [prompt] = await turn(sessionID, () =>
      writeFiles(t.directory, { 'refresh.txt': 'a\nb\n' }),
    );
    const from = sse.frames.length;
    const session = await t.app
      .get(SessionDiffService)
      .refresh(factory.instance, sessionID, prompt.info.id);
    expect(session.summary).toEqual({ additions: 2, deletions: 0, files: 1 });
    const event = await sse.waitFor(
      (frame) => frameType(frame) === 'session.diff' && sse.frames.indexOf(frame) >= from,
    );
    expect(event.data).toMatchObject({
      type: 'session.diff',
      properties: {
        sessionID,
        diff: [expect.objectContaining({ file: 'refresh.txt', additions: 2 })],
      },
    });
    const user = t.app.get(MessageService).getMessage(sessionID, prompt.info.id);
    expect(user.info).toMatchObject({
      summary: { diffs: [expect.objectContaining({ file: 'refresh.txt', status: 'added' })] },
    });
  });

  it('answers 404 for an unknown session or message and 400 for malformed ids', async () => {
    const sessionID = await createSession();
    const unknownSession = await t.http.get('/session/ses_0123456789abcdefABCDEF/diff').expect(404);
    expect(unknownSession.body.name).toBe('NotFoundError');
    const unknownMessage = await t.http
      .get(`/session/${sessionID}/diff`)
      .query({ messageID: 'msg_0123456789abcdefABCDEF' })
      .expect(404);
    expect(unknownMessage.body.name).toBe('NotFoundError');
    const badSession = await t.http.get('/session/nope/diff').expect(400);
    expect(badSession.body).toMatchObject({ name: 'BadRequest', data: { field: 'sessionID' } });
    const badMessage = await t.http
      .get(`/session/${sessionID}/diff`)
      .query({ messageID: 'nope' })
      .expect(400);
    expect(badMessage.body).toMatchObject({
      name: 'BadRequest',
      data: { kind: 'Query', field: 'messageID' },
    });
  });
});
