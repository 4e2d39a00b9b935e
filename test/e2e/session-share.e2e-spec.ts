import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { DATABASE_FILE_NAME } from '../../src/core/storage/database-files';
import type { Session } from '../../src/session/dto/session.dto';
import { startAgentTestApp, type AgentTestApp } from '../support/agent-app';
import { startFakeShareServer, type FakeShareServer } from '../support/fake-share-server';
import { gitRepo } from '../support/fixtures';
import { SessionFactory } from '../support/session-factory';

describe('POST / DELETE /session/:id/share', () => {
  let share: FakeShareServer;
  let t: AgentTestApp;
  let factory: SessionFactory;

  beforeAll(async () => {
    share = await startFakeShareServer();
    t = await startAgentTestApp({ env: { OPENCODE_SHARE_URL: share.url } });
    factory = await SessionFactory.create(t.app, t.directory);
  });
  afterAll(async () => {
    await t.close();
    await share.close();
  });

  /** Every stored share secret, read from the database file. */
  function storedSecrets(): string[] {
    const db = new BetterSqlite3(join(t.env.paths.data, DATABASE_FILE_NAME), { readonly: true });
    try {
      return (db.prepare('SELECT secret FROM session_share').all() as { secret: string }[]).map(
        (row) => row.secret,
      );
    } finally {
      db.close();
    }
  }

  it('shares a session: remote share created, whole session sent, url answered, secret kept', async () => {
    const sessionID = await t.createSession('Shared one');
    const [user, answer] = factory.conversation(sessionID, 1);

    const response = await t.http.post(`/session/${sessionID}/share`).expect(200);
    const session = response.body as Session;
    const remote = share.shareOf(sessionID)!;
    expect(session).toMatchObject({ id: sessionID, share: { url: remote.url } });
    expect(remote.url).toMatch(new RegExp(`^${share.url}/share/`));

    // The first sync carries everything, with the share's secret (the fake checks it).
    const types = remote.data.map((item) => item.type);
    expect(types).toEqual(expect.arrayContaining(['session', 'message', 'part', 'session_diff']));
    const messageIDs = remote.data
      .filter((i) => i.type === 'message')
      .map((i) => (i.data as { id: string }).id);
    expect(messageIDs).toEqual([user.info.id, answer.info.id]);
    expect(remote.data.filter((i) => i.type === 'part')).toHaveLength(
      user.parts.length + answer.parts.length,
    );
    const models = remote.data.find((item) => item.type === 'model')!.data as Array<
      Record<string, unknown>
    >;
    expect(models).toEqual([expect.objectContaining({ id: 'fake-model', providerID: 'fake' })]);
    expect(models[0]).not.toHaveProperty('options');
    expect(models[0]).not.toHaveProperty('headers');

    // The secret is stored server-side and appears in no response.
    expect(storedSecrets()).toContain(remote.secret);
    const read = await t.http.get(`/session/${sessionID}`).expect(200);
    expect(read.body).toEqual(session);
    const everything = JSON.stringify([
      response.body,
      read.body,
      (await t.http.get('/session').expect(200)).body,
      t.sse.frames.map((frame) => frame.data),
    ]);
    expect(everything).not.toContain(remote.secret);
  });

  it('shares a shared session once', async () => {
    const sessionID = await t.createSession();
    const first = (await t.http.post(`/session/${sessionID}/share`).expect(200)).body as Session;
    const creates = share.requests.filter((r) => r.path === '/api/share').length;
    const second = (await t.http.post(`/session/${sessionID}/share`).expect(200)).body as Session;
    expect(second.share).toEqual(first.share);
    expect(share.requests.filter((r) => r.path === '/api/share')).toHaveLength(creates);
  });

  it('sends later changes of a shared session, batched', async () => {
    const sessionID = await t.createSession();
    await t.http.post(`/session/${sessionID}/share`).expect(200);
    const remote = share.shareOf(sessionID)!;
    const syncPath = `/api/share/${remote.id}/sync`;
    const syncs = () => share.requests.filter((r) => r.path === syncPath);
    expect(syncs()).toHaveLength(1);
    const [user, answer] = factory.conversation(sessionID, 1);
    await t.http.patch(`/session/${sessionID}`).send({ title: 'Renamed' }).expect(200);

    await share.waitForSyncs(remote.id, 2);
    const sent = syncs().at(-1)!;
    const data = sent.body.data as Array<{ type: string; data: { id: string; title?: string } }>;
    expect(data.filter((i) => i.type === 'message').map((i) => i.data.id)).toEqual([
      user.info.id,
      answer.info.id,
    ]);
    expect(data.filter((i) => i.type === 'part')).toHaveLength(
      user.parts.length + answer.parts.length,
    );
    expect(data.find((i) => i.type === 'session')?.data.title).toBe('Renamed');
    // One batch for all of it (messages, parts, the rename).
    expect(syncs()).toHaveLength(2);
  });

  it('unshares: removed remotely, share cleared; again is a no-op', async () => {
    const sessionID = await t.createSession();
    await t.http.post(`/session/${sessionID}/share`).expect(200);
    const remote = share.shareOf(sessionID)!;

    const response = await t.http.delete(`/session/${sessionID}/share`).expect(200);
    expect(response.body).toMatchObject({ id: sessionID });
    expect(response.body).not.toHaveProperty('share');
    expect(remote.removed).toBe(true);
    expect(storedSecrets()).not.toContain(remote.secret);
    const requests = share.requests.length;
    await t.http.delete(`/session/${sessionID}/share`).expect(200);
    expect(share.requests).toHaveLength(requests);
  });

  it('removes the share of a deleted session', async () => {
    const sessionID = await t.createSession();
    await t.http.post(`/session/${sessionID}/share`).expect(200);
    const remote = share.shareOf(sessionID)!;
    await t.http.delete(`/session/${sessionID}`).expect(200);
    for (let i = 0; i < 50 && !remote.removed; i++) await new Promise((r) => setTimeout(r, 20));
    expect(remote.removed).toBe(true);
  });

  it('answers 502 when the share service fails, and stores nothing', async () => {
    const sessionID = await t.createSession();
    share.failNext(500);
    const response = await t.http.post(`/session/${sessionID}/share`).expect(502);
    expect(response.body).toEqual({
      name: 'ShareServiceError',
      data: { message: 'The share service answered 500', status: 500 },
    });
    const read = await t.http.get(`/session/${sessionID}`).expect(200);
    expect(read.body).not.toHaveProperty('share');

    // Removal failing keeps the session shared: it is still public.
    await t.http.post(`/session/${sessionID}/share`).expect(200);
    share.failNext(503);
    await t.http.delete(`/session/${sessionID}/share`).expect(502);
    expect(
      ((await t.http.get(`/session/${sessionID}`).expect(200)).body as Session).share,
    ).toBeDefined();
  });

  it('refuses to share when the project config says share: "disabled"', async () => {
    const directory = gitRepo({ 'opencode.json': JSON.stringify({ share: 'disabled' }) });
    const created = await t.http.post('/session').query({ directory }).expect(200);
    const sessionID = (created.body as Session).id;
    const response = await t.http
      .post(`/session/${sessionID}/share`)
      .query({ directory })
      .expect(400);
    expect(response.body).toEqual({
      name: 'ShareDisabledError',
      data: { message: 'Sharing is disabled in configuration (share: "disabled")' },
    });
    expect(share.shareOf(sessionID)).toBeUndefined();
  });

  it('shares new root sessions by itself with share: "auto"', async () => {
    const directory = gitRepo({ 'opencode.json': JSON.stringify({ share: 'auto' }) });
    const created = await t.http.post('/session').query({ directory }).expect(200);
    const sessionID = (created.body as Session).id;
    // Its events go to that directory's /event stream: poll the session instead.
    let session = created.body as Session;
    for (let i = 0; i < 100 && !session.share; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      session = (await t.http.get(`/session/${sessionID}`).query({ directory }).expect(200))
        .body as Session;
    }
    expect(session.share?.url).toBe(share.shareOf(sessionID)!.url);
  });

  it('answers 404 for an unknown session and 400 for a malformed id', async () => {
    for (const method of ['post', 'delete'] as const) {
      const missing = await t.http[method]('/session/ses_0123456789abcdefABCDEF/share').expect(404);
      expect(missing.body.name).toBe('NotFoundError');
      const malformed = await t.http[method]('/session/nope/share').expect(400);
      expect(malformed.body).toMatchObject({ name: 'BadRequest', data: { field: 'sessionID' } });
    }
  });
});
