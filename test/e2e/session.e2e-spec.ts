import BetterSqlite3 from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BusService } from '../../src/core/bus/bus.service';
import { InstanceService } from '../../src/core/instance/instance.service';
import { DATABASE_FILE_NAME } from '../../src/core/storage/database-files';
import { MIGRATIONS } from '../../src/core/storage/migrations';
import type { Session } from '../../src/session/dto/session.dto';
import { SessionRunRegistry } from '../../src/session/session-run.registry';
import { SessionStatusService } from '../../src/session/session-status.service';
import { SessionService } from '../../src/session/session.service';
import { TodoService } from '../../src/session/todo.service';
import { gitRepo, tempDir, writeFiles } from '../support/fixtures';
import { SessionFactory } from '../support/session-factory';
import { connectSse, frameType, type SseClient, type SseFrame } from '../support/sse-client';
import { startTestApp, type TestApp } from '../support/test-app';

const DEFAULT_TITLE = /^New session - \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CHILD_TITLE = /^Child session - \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function properties(frame: SseFrame): Record<string, unknown> {
  return (frame.data as { properties: Record<string, unknown> }).properties;
}

describe('sessions', () => {
  let t: TestApp;
  let sse: SseClient;

  beforeAll(async () => {
    t = await startTestApp();
    sse = connectSse(`${t.url}/event`);
    await sse.waitFor((frame) => frameType(frame) === 'server.connected');
  });
  afterAll(async () => {
    sse.close();
    await t.close();
  });

  /** Creates a session (in `directory` when given) and returns it. */
  async function create(body: object = {}, directory?: string): Promise<Session> {
    const response = await t.http
      .post('/session')
      .query(directory ? { directory } : {})
      .send(body)
      .expect(200);
    return response.body as Session;
  }

  /** The events of one type about one session, as received so far. */
  function eventsOf(type: string, sessionID: string): SseFrame[] {
    return sse.frames.filter(
      (frame) => frameType(frame) === type && properties(frame).sessionID === sessionID,
    );
  }

  describe('POST /session', () => {
    it('creates a root session with the reference shape and default title', async () => {
      const project = (await t.http.get('/project/current').expect(200)).body as { id: string };
      const response = await t.http.post('/session').expect(200);
      const session = response.body as Session;
      expect(session).toEqual({
        id: expect.stringMatching(/^ses_[0-9a-f]{12}[0-9A-Za-z]{14}$/),
        slug: expect.stringMatching(/^[a-z]+-[a-z]+$/),
        version: t.env.version,
        projectID: project.id,
        directory: t.directory,
        path: '',
        title: expect.stringMatching(DEFAULT_TITLE),
        cost: 0,
        tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } },
        time: { created: expect.any(Number), updated: session.time.created },
      });
      expect(Object.keys(session)).toEqual([
        'id',
        'slug',
        'version',
        'projectID',
        'directory',
        'path',
        'title',
        'cost',
        'tokens',
        'time',
      ]);
      const created = await sse.waitFor(
        (frame) =>
          frameType(frame) === 'session.created' && properties(frame).sessionID === session.id,
      );
      expect(properties(created)).toEqual({ sessionID: session.id, info: session });
      await t.http.get(`/session/${session.id}`).expect(200, session);
    });

    it('creates a child session with a child default title and the given fields', async () => {
      const parent = await create({ title: 'parent' });
      expect(parent.title).toBe('parent');
      const child = await create({ parentID: parent.id });
      expect(child.parentID).toBe(parent.id);
      expect(child.title).toMatch(CHILD_TITLE);
      const full = await create({
        title: 'full',
        agent: 'plan',
        model: { id: 'm', providerID: 'p', variant: 'high' },
        metadata: { source: 'test' },
        permission: [{ permission: 'bash', pattern: '*', action: 'ask' }],
        workspaceID: 'wrk_abc',
      });
      expect(full).toMatchObject({
        agent: 'plan',
        model: { id: 'm', providerID: 'p', variant: 'high' },
        metadata: { source: 'test' },
        permission: [{ permission: 'bash', pattern: '*', action: 'ask' }],
        workspaceID: 'wrk_abc',
      });
    });

    it('records the directory relative to the worktree', async () => {
      const sub = join(t.directory, 'packages', 'app');
      mkdirSync(sub, { recursive: true });
      const session = await create({}, sub);
      expect(session).toMatchObject({ directory: sub, path: 'packages/app' });
    });

    it('refuses an unknown parent with 404 and bad bodies with 400 naming the field', async () => {
      const missing = await t.http
        .post('/session')
        .send({ parentID: 'ses_ffffffffffff0000000000000' })
        .expect(404);
      expect(missing.body).toEqual({
        name: 'NotFoundError',
        data: { message: expect.stringContaining('ses_ffffffffffff0000000000000') },
      });
      const cases: Array<[object, string]> = [
        [{ parentID: 'msg_123' }, 'parentID'],
        [{ parentID: 42 }, 'parentID'],
        [{ title: 5 }, 'title'],
        [{ title: 'x', color: 'red' }, 'color'],
        [{ model: { id: 'm' } }, 'model.providerID'],
        [{ metadata: 'text' }, 'metadata'],
        [
          { permission: [{ permission: 'bash', pattern: '*', action: 'maybe' }] },
          'permission.0.action',
        ],
        [{ workspaceID: 'ses_abc' }, 'workspaceID'],
      ];
      for (const [body, field] of cases) {
        const response = await t.http.post('/session').send(body).expect(400);
        expect(response.body).toMatchObject({ name: 'BadRequest', data: { kind: 'Body', field } });
      }
      const malformed = await t.http
        .post('/session')
        .set('content-type', 'application/json')
        .send('{"title":')
        .expect(400);
      expect(malformed.body.name).toBe('BadRequest');
    });
  });

  describe('GET /session/:id', () => {
    it('answers 400 for a malformed id and 404 for an unknown one', async () => {
      for (const id of ['abc', 'msg_abc', 'ses_', 'ses_a-b']) {
        const response = await t.http.get(`/session/${id}`).expect(400);
        expect(response.body).toMatchObject({
          name: 'BadRequest',
          data: { kind: 'Params', field: 'sessionID' },
        });
      }
      const response = await t.http.get('/session/ses_ffffffffffff0000000000000').expect(404);
      expect(response.body.name).toBe('NotFoundError');
    });
  });

  describe('GET /session', () => {
    let directory: string;
    beforeAll(() => {
      // A project of its own, so other tests' sessions do not show up here.
      directory = gitRepo({ 'a.txt': 'list tests\n' });
    });
    const list = async (query: Record<string, string | number | boolean> = {}) => {
      const response = await t.http
        .get('/session')
        .query({ directory, ...query })
        .expect(200);
      return response;
    };
    const titles = (sessions: Session[]) => sessions.map((session) => session.title);

    it('lists the most recently updated first, with filters', async () => {
      const a = await create({ title: 'alpha one' }, directory);
      const b = await create({ title: 'beta two' }, directory);
      const c = await create({ title: 'gamma three', parentID: b.id }, directory);
      expect(titles((await list()).body)).toEqual(['gamma three', 'beta two', 'alpha one']);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await t.http.patch(`/session/${a.id}`).query({ directory }).send({ title: 'alpha 1' });
      expect(titles((await list()).body)).toEqual(['alpha 1', 'gamma three', 'beta two']);
      expect(titles((await list({ roots: true })).body)).toEqual(['alpha 1', 'beta two']);
      expect(titles((await list({ roots: 'false' })).body)).toHaveLength(3);
      expect(titles((await list({ search: 'TWO' })).body)).toEqual(['beta two']);
      expect(titles((await list({ search: '%' })).body)).toEqual([]);
      const since = (await list()).body[0].time.updated as number;
      expect(titles((await list({ start: since })).body)).toEqual(['alpha 1']);
      expect(c.parentID).toBe(b.id);
    });

    it('pages with limit and cursor so that no session is hidden', async () => {
      const pageDir = gitRepo({ 'b.txt': 'paging\n' });
      const created: string[] = [];
      for (let index = 0; index < 7; index++) created.push((await create({}, pageDir)).id);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const response = await t.http
          .get('/session')
          .query({ directory: pageDir, limit: 3, ...(cursor && { cursor }) })
          .expect(200);
        seen.push(...(response.body as Session[]).map((session) => session.id));
        const next: string | undefined = response.headers['x-next-cursor'];
        cursor = next;
        if (cursor) expect(response.headers.link).toContain(`cursor=${cursor}`);
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual([...created].reverse());
      const all = await t.http.get('/session').query({ directory: pageDir }).expect(200);
      expect(all.headers['x-next-cursor']).toBeUndefined();
      expect(all.body).toHaveLength(7);
    });

    it('filters by directory only when a directory is named, and by path', async () => {
      const root = gitRepo({ 'c.txt': 'directories\n' });
      const sub = join(root, 'pkg');
      writeFiles(root, { 'pkg/x.txt': 'x' });
      await create({ title: 'at root' }, root);
      await create({ title: 'in pkg' }, sub);
      const byQuery = await t.http.get('/session').query({ directory: sub }).expect(200);
      expect(titles(byQuery.body)).toEqual(['in pkg']);
      const byHeader = await t.http
        .get('/session')
        .set('x-opencode-directory', encodeURIComponent(sub))
        .expect(200);
      expect(titles(byHeader.body)).toEqual(['in pkg', 'at root']);
      const project = await t.http
        .get('/session')
        .query({ directory: sub, scope: 'project' })
        .expect(200);
      expect(titles(project.body)).toEqual(['in pkg', 'at root']);
      const byPath = await t.http
        .get('/session')
        .query({ directory: root, path: 'pkg' })
        .expect(200);
      expect(titles(byPath.body)).toEqual(['in pkg']);
    });

    it('refuses bad query parameters', async () => {
      const cases: Array<[Record<string, string>, string]> = [
        [{ limit: '0' }, 'limit'],
        [{ limit: 'ten' }, 'limit'],
        [{ limit: '1.5' }, 'limit'],
        [{ start: 'yesterday' }, 'start'],
        [{ roots: 'maybe' }, 'roots'],
        [{ scope: 'global' }, 'scope'],
        [{ unknown: '1' }, 'unknown'],
      ];
      for (const [query, field] of cases) {
        const response = await t.http
          .get('/session')
          .query({ directory, ...query })
          .expect(400);
        expect(response.body).toMatchObject({ name: 'BadRequest', data: { kind: 'Query', field } });
      }
      const cursor = await t.http.get('/session').query({ cursor: 'nope' }).expect(400);
      expect(cursor.body.data.field).toBe('cursor');
    });
  });

  describe('PATCH /session/:id', () => {
    it('updates the title and time.updated, then publishes session.updated', async () => {
      const session = await create({ title: 'before' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const response = await t.http
        .patch(`/session/${session.id}`)
        .send({ title: 'after', metadata: { k: 'v' }, time: { archived: 1234 } })
        .expect(200);
      const updated = response.body as Session;
      expect(updated).toMatchObject({
        id: session.id,
        title: 'after',
        metadata: { k: 'v' },
        time: { created: session.time.created, archived: 1234 },
      });
      expect(updated.time.updated).toBeGreaterThan(session.time.updated);
      const event = await sse.waitFor(
        (frame) =>
          frameType(frame) === 'session.updated' && properties(frame).sessionID === session.id,
      );
      expect(properties(event).info).toEqual(updated);
      await t.http.get(`/session/${session.id}`).expect(200, updated);
    });

    it('refuses bad bodies and unknown sessions', async () => {
      const session = await create();
      const cases: Array<[object, string]> = [
        [{ title: ['x'] }, 'title'],
        [{ slug: 'mine' }, 'slug'],
        [{ time: { archived: 'now' } }, 'time.archived'],
        [{ time: { updated: 1 } }, 'time.updated'],
        [{ permission: 'allow' }, 'permission'],
      ];
      for (const [body, field] of cases) {
        const response = await t.http.patch(`/session/${session.id}`).send(body).expect(400);
        expect(response.body).toMatchObject({ name: 'BadRequest', data: { field } });
      }
      await t.http.patch('/session/ses_ffffffffffff0000000000000').send({ title: 'x' }).expect(404);
      await t.http.patch('/session/bad').send({ title: 'x' }).expect(400);
    });
  });

  describe('DELETE /session/:id', () => {
    it('removes the session with its children, messages, parts and todos', async () => {
      const factory = await SessionFactory.create(t.app, t.directory);
      const parent = await create({ title: 'doomed' });
      const child = await create({ parentID: parent.id });
      const grandchild = await create({ parentID: child.id });
      const survivor = await create({ title: 'survivor' });
      factory.conversation(parent.id, 2);
      factory.conversation(grandchild.id, 1);
      factory.conversation(survivor.id, 1);
      const todos = t.app.get(TodoService);
      todos.set(factory.instance, child.id, [{ content: 'x', status: 'pending', priority: 'low' }]);
      const signal = t.app.get(SessionRunRegistry).begin(grandchild.id);

      await t.http.delete(`/session/${parent.id}`).expect(200, 'true');

      expect(signal.aborted).toBe(true);
      for (const session of [parent, child, grandchild]) {
        await t.http.get(`/session/${session.id}`).expect(404);
        await t.http.get(`/session/${session.id}/message`).expect(404);
        await t.http.get(`/session/${session.id}/todo`).expect(404);
      }
      const kept = await t.http.get(`/session/${survivor.id}/message`).expect(200);
      expect(kept.body).toHaveLength(2);
      await sse.waitFor(
        (frame) =>
          frameType(frame) === 'session.deleted' && properties(frame).sessionID === parent.id,
      );
      const deleted = sse.frames
        .filter((frame) => frameType(frame) === 'session.deleted')
        .map((frame) => properties(frame).sessionID);
      expect(deleted.slice(-3)).toEqual([grandchild.id, child.id, parent.id]);
      expect(properties(eventsOf('session.deleted', parent.id)[0]).info).toMatchObject({
        id: parent.id,
        title: 'doomed',
      });
      await t.http.delete(`/session/${parent.id}`).expect(404);
      await t.http.delete('/session/nope').expect(400);
    });
  });

  describe('GET /session/:id/children and /todo', () => {
    it('lists direct children oldest first', async () => {
      const parent = await create();
      const first = await create({ parentID: parent.id });
      const second = await create({ parentID: parent.id });
      await create({ parentID: first.id });
      const response = await t.http.get(`/session/${parent.id}/children`).expect(200);
      expect((response.body as Session[]).map((session) => session.id)).toEqual([
        first.id,
        second.id,
      ]);
      await t.http.get(`/session/${second.id}/children`).expect(200, []);
      await t.http.get('/session/ses_ffffffffffff0000000000000/children').expect(404);
    });

    it('answers the todo list and publishes todo.updated when it changes', async () => {
      const session = await create();
      await t.http.get(`/session/${session.id}/todo`).expect(200, []);
      const instance = await t.app.get(InstanceService).resolve(t.directory);
      const todos = [
        { content: 'write tests', status: 'in_progress', priority: 'high' },
        { content: 'ship', status: 'pending', priority: 'medium' },
      ];
      t.app.get(TodoService).set(instance, session.id, todos);
      await t.http.get(`/session/${session.id}/todo`).expect(200, todos);
      const event = await sse.waitFor(
        (frame) =>
          frameType(frame) === 'todo.updated' && properties(frame).sessionID === session.id,
      );
      expect(properties(event)).toEqual({ sessionID: session.id, todos });
      t.app.get(TodoService).set(instance, session.id, todos.slice(1));
      await t.http.get(`/session/${session.id}/todo`).expect(200, todos.slice(1));
      expect(() =>
        t.app.get(TodoService).set(instance, 'ses_ffffffffffff0000000000000', todos),
      ).toThrow('Session not found');
      await t.http.get('/session/ses_ffffffffffff0000000000000/todo').expect(404);
    });
  });

  describe('POST /session/:id/fork', () => {
    it('copies every message and part with new ids, or those strictly before messageID', async () => {
      const factory = await SessionFactory.create(t.app, t.directory);
      const original = await create({ title: 'origin', metadata: { m: 1 } });
      const stored = factory.conversation(original.id, 3);

      const whole = (await t.http.post(`/session/${original.id}/fork`).expect(200)).body as Session;
      expect(whole).toMatchObject({ title: 'origin (fork #1)', metadata: { m: 1 } });
      expect(whole.id).not.toBe(original.id);
      expect(whole.parentID).toBeUndefined();
      const copied = (await t.http.get(`/session/${whole.id}/message`).expect(200)).body as Array<{
        info: { id: string; sessionID: string; parentID?: string; role: string };
        parts: Array<{ id: string; sessionID: string; messageID: string }>;
      }>;
      expect(copied).toHaveLength(6);
      const oldIds = new Set(stored.flatMap((m) => [m.info.id, ...m.parts.map((p) => p.id)]));
      copied.forEach((message, index) => {
        const source = stored[index];
        expect(oldIds.has(message.info.id)).toBe(false);
        expect(message.info.sessionID).toBe(whole.id);
        expect(message.parts).toHaveLength(source.parts.length);
        message.parts.forEach((part, partIndex) => {
          expect(oldIds.has(part.id)).toBe(false);
          expect(part).toEqual({
            ...source.parts[partIndex],
            id: part.id,
            sessionID: whole.id,
            messageID: message.info.id,
          });
        });
        // An answer keeps pointing at its question: the copy of it.
        if (message.info.role === 'assistant')
          expect(message.info.parentID).toBe(copied[index - 1].info.id);
      });
      expect(copied.map((m) => m.info.id)).toEqual([...copied.map((m) => m.info.id)].sort());

      const cut = stored[2].info.id;
      const partial = (
        await t.http.post(`/session/${original.id}/fork`).send({ messageID: cut }).expect(200)
      ).body as Session;
      expect(partial.title).toBe('origin (fork #1)');
      const partialMessages = await t.http.get(`/session/${partial.id}/message`).expect(200);
      // "Fork from here" on the second prompt: the first exchange only.
      expect(partialMessages.body).toHaveLength(2);
      expect(
        (partialMessages.body as Array<{ info: { role: string } }>).map(({ info }) => info.role),
      ).toEqual(['user', 'assistant']);

      const again = (await t.http.post(`/session/${whole.id}/fork`).expect(200)).body as Session;
      expect(again.title).toBe('origin (fork #2)');
      const original_ = await t.http.get(`/session/${original.id}/message`).expect(200);
      expect(original_.body).toEqual(stored);
      expect(eventsOf('session.created', whole.id)).toHaveLength(1);
    });

    it('leaves out an answer still being written: no turn runs in the fork', async () => {
      const factory = await SessionFactory.create(t.app, t.directory);
      const original = await create({ title: 'busy' });
      factory.conversation(original.id, 1);
      const next = factory.save(factory.userMessage(original.id, 'and now?'))[0];
      const writing = factory.assistantMessage(original.id, next.info.id, 'half an ans');
      factory.save({ ...writing, info: { ...writing.info, time: { created: Date.now() } } });

      const fork = (await t.http.post(`/session/${original.id}/fork`).expect(200)).body as Session;
      const copied = (await t.http.get(`/session/${fork.id}/message`).expect(200)).body as Array<{
        info: { role: string; time: { completed?: number } };
      }>;
      expect(copied.map(({ info }) => info.role)).toEqual(['user', 'assistant', 'user']);
      expect(copied[1].info.time.completed).toEqual(expect.any(Number));
    });

    it('refuses unknown sessions and messages, and malformed ids', async () => {
      const session = await create();
      await t.http.post('/session/ses_ffffffffffff0000000000000/fork').expect(404);
      await t.http
        .post(`/session/${session.id}/fork`)
        .send({ messageID: 'msg_ffffffffffff0000000000000' })
        .expect(404);
      const bad = await t.http
        .post(`/session/${session.id}/fork`)
        .send({ messageID: 'prt_1' })
        .expect(400);
      expect(bad.body.data.field).toBe('messageID');
      await t.http.post(`/session/${session.id}/fork`).send({ other: 1 }).expect(400);
    });
  });

  describe('abort and status', () => {
    it('aborts the running turn through its signal', async () => {
      const session = await create();
      const runs = t.app.get(SessionRunRegistry);
      await t.http.post(`/session/${session.id}/abort`).expect(200, 'true');
      const signal = runs.begin(session.id);
      expect(runs.isRunning(session.id)).toBe(true);
      expect(() => runs.begin(session.id)).toThrow('busy');
      await t.http.post(`/session/${session.id}/abort`).expect(200, 'true');
      expect(signal.aborted).toBe(true);
      runs.end(session.id, signal);
      expect(runs.isRunning(session.id)).toBe(false);
      await t.http.post('/session/ses_ffffffffffff0000000000000/abort').expect(404);
      await t.http.post('/session/x/abort').expect(400);
    });

    it('lists non-idle sessions and publishes status changes', async () => {
      const session = await create();
      const statuses = t.app.get(SessionStatusService);
      const instance = await t.app.get(InstanceService).resolve(t.directory);
      await t.http.get('/session/status').expect(200, {});
      statuses.set(instance, session.id, { type: 'busy' });
      await t.http.get('/session/status').expect(200, { [session.id]: { type: 'busy' } });
      const retry = { type: 'retry' as const, attempt: 2, message: 'rate limited', next: 99 };
      statuses.set(instance, session.id, retry);
      await t.http.get('/session/status').expect(200, { [session.id]: retry });
      const other = gitRepo({ 'o.txt': 'other project\n' });
      await t.http.get('/session/status').query({ directory: other }).expect(200, {});

      // Abort with nothing running heals a status left busy.
      await t.http.post(`/session/${session.id}/abort`).expect(200);
      await t.http.get('/session/status').expect(200, {});
      await sse.waitFor(
        (frame) =>
          frameType(frame) === 'session.idle' && properties(frame).sessionID === session.id,
      );
      const changes = eventsOf('session.status', session.id).map(
        (frame) => properties(frame).status,
      );
      expect(changes).toEqual([{ type: 'busy' }, retry, { type: 'idle' }]);
      statuses.set(instance, session.id, { type: 'idle' });
      expect(eventsOf('session.idle', session.id)).toHaveLength(1);
    });
  });
});

describe('SessionService (what the agent loop calls)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('adds usage, touches, sets titles and clears fields, each published', async () => {
    const sessions = t.app.get(SessionService);
    const instance = await t.app.get(InstanceService).resolve(t.directory);
    const published: Session[] = [];
    const subscription = t.app.get(BusService).events$.subscribe((envelope) => {
      if (envelope.payload.type === 'session.updated') {
        published.push((envelope.payload.properties as { info: Session }).info);
      }
    });
    const session = sessions.create(instance);
    expect(sessions.isDefaultTitle(session.title)).toBe(true);
    const usage = { input: 10, output: 5, reasoning: 1, cache: { read: 2, write: 3 } };
    sessions.addUsage(instance, session.id, { cost: 0.25, tokens: usage });
    const twice = sessions.addUsage(instance, session.id, { cost: 0.5, tokens: usage });
    expect(twice).toMatchObject({
      cost: 0.75,
      tokens: { input: 20, output: 10, reasoning: 2, cache: { read: 4, write: 6 } },
    });
    const shared = sessions.update(instance, session.id, {
      share: { url: 'https://example.com/s/1' },
      summary: { additions: 1, deletions: 2, files: 1 },
      time: { compacting: 5 },
    });
    expect(shared).toMatchObject({ share: { url: 'https://example.com/s/1' } });
    const cleared = sessions.update(instance, session.id, {
      share: null,
      time: { compacting: null },
    });
    expect(cleared.share).toBeUndefined();
    expect(cleared.time.compacting).toBeUndefined();
    expect(cleared.summary).toEqual({ additions: 1, deletions: 2, files: 1 });
    const titled = sessions.setTitle(instance, session.id, 'Named by the model');
    expect(sessions.isDefaultTitle(titled.title)).toBe(false);
    const touched = sessions.touch(instance, session.id);
    expect(touched.time.updated).toBeGreaterThanOrEqual(titled.time.updated);
    subscription.unsubscribe();
    expect(published).toHaveLength(6);
    expect(sessions.get(session.id)).toEqual(touched);
    expect(() => sessions.touch(instance, 'ses_ffffffffffff0000000000000')).toThrow(
      'Session not found',
    );
    const page = sessions.list(instance, { limit: 1 });
    expect(page.sessions.map((item) => item.id)).toEqual([session.id]);
  });
});

describe('session storage across restarts', () => {
  it('keeps sessions and messages when the app restarts on the same database', async () => {
    const first = await startTestApp();
    const session = (await first.http.post('/session').send({ title: 'durable' }).expect(200))
      .body as Session;
    const factory = await SessionFactory.create(first.app, first.directory);
    const stored = factory.conversation(session.id, 2);
    await first.close();

    const second = await startTestApp({ home: first.home, directory: first.directory });
    try {
      await second.http.get(`/session/${session.id}`).expect(200, session);
      await second.http.get(`/session/${session.id}/message`).expect(200, stored);
    } finally {
      await second.close();
    }
  });

  it('moves a database of the first schema version kept as opencode.db to its own name, and upgrades it', async () => {
    const home = tempDir('opencode-home-');
    const dataDir = join(home, '.local/share/opencode');
    mkdirSync(dataDir, { recursive: true });
    const old = new BetterSqlite3(join(dataDir, 'opencode.db'));
    MIGRATIONS[0].up(old);
    old.pragma('user_version = 1');
    old
      .prepare('INSERT INTO project (id, worktree, time_created, time_updated) VALUES (?, ?, ?, ?)')
      .run('old-project', '/somewhere', 1, 2);
    old.close();

    const t = await startTestApp({ home });
    try {
      const projects = (await t.http.get('/project').expect(200)).body as Array<{ id: string }>;
      expect(projects.map((project) => project.id)).toContain('old-project');
      const session = (await t.http.post('/session').expect(200)).body as Session;
      await t.http.get(`/session/${session.id}`).expect(200);
      expect(existsSync(join(dataDir, DATABASE_FILE_NAME))).toBe(true);
      expect(existsSync(join(dataDir, 'opencode.db'))).toBe(false);
    } finally {
      await t.close();
    }
  });
});
