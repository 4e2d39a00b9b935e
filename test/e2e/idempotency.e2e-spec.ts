import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { DatabaseService } from '../../src/core/storage/database.service';
import { startAgentTestApp, turnRequests, type AgentTestApp } from '../support/agent-app';
import { gitRepo } from '../support/fixtures';
import { startTestApp } from '../support/test-app';

const KEY = 'Idempotency-Key';
const DAY_MS = 24 * 60 * 60 * 1000;

/** `Idempotency-Key` on the five routes that create or run something. */
describe('Idempotency-Key', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    t = await startAgentTestApp();
  });
  afterAll(() => t.close());

  async function sessionCount(): Promise<number> {
    const response = await t.http.get('/session').expect(200);
    return (response.body as unknown[]).length;
  }

  describe('POST /session', () => {
    it('answers the first response again, running nothing, for the same key and body', async () => {
      const before = await sessionCount();
      const first = await t.http
        .post('/session')
        .set(KEY, 'create-1')
        .send({ title: 'once' })
        .expect(200);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const again = await t.http
        .post('/session')
        .set(KEY, 'create-1')
        .send({ title: 'once' })
        .expect(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.headers['content-type']).toBe(first.headers['content-type']);
      expect(again.text).toBe(first.text);
      expect(await sessionCount()).toBe(before + 1);
    });

    it('takes the same body with its keys in another order as the same request', async () => {
      const body = { title: 'ordered', metadata: { a: 1, b: 2 } };
      const first = await t.http.post('/session').set(KEY, 'create-order').send(body).expect(200);
      const again = await t.http
        .post('/session')
        .set(KEY, 'create-order')
        .send({ metadata: { b: 2, a: 1 }, title: 'ordered' })
        .expect(200);
      expect(again.body.id).toBe(first.body.id);
    });

    it('refuses the key with another body, another directory or another route (422)', async () => {
      await t.http.post('/session').set(KEY, 'create-2').send({ title: 'a' }).expect(200);
      const before = await sessionCount();
      const otherBody = await t.http
        .post('/session')
        .set(KEY, 'create-2')
        .send({ title: 'b' })
        .expect(422);
      expect(otherBody.body).toEqual({
        name: 'IdempotencyKeyReusedError',
        data: { message: expect.stringContaining('different request') },
      });
      const elsewhere = gitRepo();
      await t.http
        .post('/session')
        .query({ directory: elsewhere })
        .set(KEY, 'create-2')
        .send({ title: 'a' })
        .expect(422);
      const sessionID = await t.createSession('target');
      await t.http
        .post(`/session/${sessionID}/prompt_async`)
        .set(KEY, 'create-2')
        .send({ parts: [{ type: 'text', text: 'hi' }] })
        .expect(422);
      expect(await sessionCount()).toBe(before + 1); // only the target session
      expect(turnRequests(t.model)).toHaveLength(0);
    });

    it('the directory may come from the query or the header alike', async () => {
      const first = await t.http
        .post('/session')
        .query({ directory: t.directory })
        .set(KEY, 'create-dir')
        .send({})
        .expect(200);
      const again = await t.http
        .post('/session')
        .set('x-opencode-directory', encodeURIComponent(t.directory))
        .set(KEY, 'create-dir')
        .send({})
        .expect(200);
      expect(again.body.id).toBe(first.body.id);
    });

    it('a request without the key runs every time', async () => {
      const a = await t.http.post('/session').send({ title: 'plain' }).expect(200);
      const b = await t.http.post('/session').send({ title: 'plain' }).expect(200);
      expect(a.body.id).not.toBe(b.body.id);
    });

    it('refuses an empty, overlong or non-ASCII key, naming the header (400)', async () => {
      for (const bad of ['x'.repeat(256), 'clé']) {
        const response = await t.http.post('/session').set(KEY, bad).send({}).expect(400);
        expect(response.body).toMatchObject({
          name: 'BadRequest',
          data: { kind: 'Headers', field: 'Idempotency-Key' },
        });
      }
      const empty = await t.http.post('/session').set(KEY, '').send({}).expect(400);
      expect(empty.body.data.field).toBe('Idempotency-Key');
    });

    it('keeps a 4xx answer: the same request gets it again', async () => {
      const first = await t.http
        .post('/session')
        .set(KEY, 'create-bad')
        .send({ title: 42 })
        .expect(400);
      const again = await t.http
        .post('/session')
        .set(KEY, 'create-bad')
        .send({ title: 42 })
        .expect(400);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
    });
  });

  describe('the turn routes', () => {
    it('POST /session/:id/message with a key runs one turn; the retry gets its final JSON', async () => {
      const sessionID = await t.createSession('prompt');
      const turnsBefore = turnRequests(t.model).length;
      t.model.enqueue({ text: 'only once' });
      const body = { parts: [{ type: 'text', text: 'hello' }] };
      const first = await t.http
        .post(`/session/${sessionID}/message`)
        .set(KEY, 'prompt-1')
        .send(body)
        .expect(200);
      expect(first.body.info.role).toBe('assistant');
      const again = await t.http
        .post(`/session/${sessionID}/message`)
        .set(KEY, 'prompt-1')
        .send(body)
        .expect(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.headers['content-type']).toBe(first.headers['content-type']);
      expect(again.body).toEqual(first.body);
      expect(turnRequests(t.model).length).toBe(turnsBefore + 1);
      const messages = await t.messages(sessionID);
      expect(messages.map((m) => m.info.role)).toEqual(['user', 'assistant']);
    });

    it('a second request while the first still runs waits for it and gets its response', async () => {
      const sessionID = await t.createSession('concurrent');
      const turnsBefore = turnRequests(t.model).length;
      t.model.enqueue({ text: ['slow', ' answer', ' here'], delayMs: 150 });
      const body = { parts: [{ type: 'text', text: 'take your time' }] };
      const first = t.http.post(`/session/${sessionID}/message`).set(KEY, 'prompt-2').send(body);
      const firstDone = first.then((response) => response);
      await t.model.waitForRequests(t.model.requests.length + 1);
      const second = await t.http
        .post(`/session/${sessionID}/message`)
        .set(KEY, 'prompt-2')
        .send(body)
        .expect(200);
      const firstResponse = await firstDone;
      expect(firstResponse.status).toBe(200);
      expect(second.body).toEqual(firstResponse.body);
      expect(second.body.parts.some((p: { text?: string }) => p.text === 'slow answer here')).toBe(
        true,
      );
      expect(turnRequests(t.model).length).toBe(turnsBefore + 1);
      // A different body under the running key is refused at once, not kept waiting.
      t.model.enqueue({ text: 'x', delayMs: 100 });
      const third = t.http
        .post(`/session/${sessionID}/message`)
        .set(KEY, 'prompt-3')
        .send(body)
        .then((response) => response);
      await t.model.waitForRequests(t.model.requests.length + 1);
      await t.http
        .post(`/session/${sessionID}/message`)
        .set(KEY, 'prompt-3')
        .send({ parts: [{ type: 'text', text: 'other' }] })
        .expect(422);
      expect((await third).status).toBe(200);
    });

    it('a retry after the connection dropped mid-turn gets that turn’s answer, not a second turn', async () => {
      const sessionID = await t.createSession('dropped');
      const turnsBefore = turnRequests(t.model).length;
      t.model.enqueue({ text: ['survives', ' the drop'], delayMs: 200 });
      const body = JSON.stringify({ parts: [{ type: 'text', text: 'keep going' }] });
      const url = new URL(`/session/${sessionID}/message`, t.url);
      const dropped = request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [KEY]: 'prompt-dropped' },
      });
      dropped.on('error', () => undefined);
      dropped.end(body);
      await t.model.waitForRequests(t.model.requests.length + 1);
      dropped.destroy();
      const retry = await t.http
        .post(`/session/${sessionID}/message`)
        .set(KEY, 'prompt-dropped')
        .set('content-type', 'application/json')
        .send(body)
        .expect(200);
      expect(retry.body.parts.some((p: { text?: string }) => p.text === 'survives the drop')).toBe(
        true,
      );
      expect(turnRequests(t.model).length).toBe(turnsBefore + 1);
      expect((await t.messages(sessionID)).map((m) => m.info.role)).toEqual(['user', 'assistant']);
    });

    it('POST /session/:id/prompt_async with a key starts one turn; the retry is a 204 too', async () => {
      const sessionID = await t.createSession('async');
      const turnsBefore = turnRequests(t.model).length;
      const body = { parts: [{ type: 'text', text: 'async hello' }] };
      await t.http
        .post(`/session/${sessionID}/prompt_async`)
        .set(KEY, 'async-1')
        .send(body)
        .expect(204);
      await t.waitForIdle(sessionID);
      const again = await t.http
        .post(`/session/${sessionID}/prompt_async`)
        .set(KEY, 'async-1')
        .send(body)
        .expect(204);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.text).toBe('');
      expect(turnRequests(t.model).length).toBe(turnsBefore + 1);
      expect((await t.messages(sessionID)).map((m) => m.info.role)).toEqual(['user', 'assistant']);
    });

    it('POST /session/:id/shell with a key runs the command once', async () => {
      const sessionID = await t.createSession('shell');
      const body = { agent: 'build', command: 'echo run >> shell-runs.txt; echo done' };
      const first = await t.http
        .post(`/session/${sessionID}/shell`)
        .set(KEY, 'shell-1')
        .send(body)
        .expect(200);
      const again = await t.http
        .post(`/session/${sessionID}/shell`)
        .set(KEY, 'shell-1')
        .send(body)
        .expect(200);
      expect(again.body).toEqual(first.body);
      expect(readFileSync(join(t.directory, 'shell-runs.txt'), 'utf8')).toBe('run\n');
    });

    it('POST /session/:id/command with a key runs the command once', async () => {
      const sessionID = await t.createSession('command');
      const turnsBefore = turnRequests(t.model).length;
      const body = { command: 'init', arguments: '' };
      const first = await t.http
        .post(`/session/${sessionID}/command`)
        .set(KEY, 'command-1')
        .send(body)
        .expect(200);
      const again = await t.http
        .post(`/session/${sessionID}/command`)
        .set(KEY, 'command-1')
        .send(body)
        .expect(200);
      expect(again.body).toEqual(first.body);
      expect(turnRequests(t.model).length).toBe(turnsBefore + 1);
    });

    it('keeps a 404 for an unknown session', async () => {
      const body = { parts: [{ type: 'text', text: 'nobody' }] };
      const first = await t.http
        .post('/session/ses_unknown/message')
        .set(KEY, 'missing-1')
        .send(body)
        .expect(404);
      const again = await t.http
        .post('/session/ses_unknown/message')
        .set(KEY, 'missing-1')
        .send(body)
        .expect(404);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
    });
  });

  it('forgets a key after 24 hours: the request runs again and the old row is pruned', async () => {
    const first = await t.http.post('/session').set(KEY, 'old-key').send({ title: 'old' });
    const db = t.app.get(DatabaseService).connection;
    // Ages the row instead of the clock: the server keeps real time.
    db.prepare('UPDATE idempotency_key SET time_created = ? WHERE key = ?').run(
      Date.now() - DAY_MS - 1000,
      'old-key',
    );
    db.prepare(
      "INSERT INTO idempotency_key (key, fingerprint, status, response, time_created) VALUES ('stale', 'f', 200, '{\"body\":\"\"}', ?)",
    ).run(Date.now() - 2 * DAY_MS);
    const again = await t.http
      .post('/session')
      .set(KEY, 'old-key')
      .send({ title: 'old' })
      .expect(200);
    expect(again.body.id).not.toBe(first.body.id);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    const keys = db.prepare('SELECT key FROM idempotency_key').pluck().all();
    expect(keys).not.toContain('stale');
    expect(keys).toContain('old-key');
  });

  it('documents the optional header on the five routes in /doc', async () => {
    const doc = (await t.http.get('/doc').expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const routes: [string, string][] = [
      ['/session', 'post'],
      ['/session/{sessionID}/message', 'post'],
      ['/session/{sessionID}/prompt_async', 'post'],
      ['/session/{sessionID}/command', 'post'],
      ['/session/{sessionID}/shell', 'post'],
    ];
    for (const [path, method] of routes) {
      const parameter = doc.paths[path][method].parameters?.find((p) => p.name === KEY);
      expect(parameter).toMatchObject({ in: 'header', required: false });
    }
    const others = doc.paths['/session/{sessionID}/fork'].post.parameters ?? [];
    expect(others.find((p) => p.name === KEY)).toBeUndefined();
  });
});

describe('Idempotency-Key across a restart', () => {
  it('replays the first response from the database after the server restarts', async () => {
    const first = await startTestApp();
    const created = await first.http
      .post('/session')
      .set(KEY, 'restart-1')
      .send({ title: 'before restart' })
      .expect(200);
    await first.close();
    const second = await startTestApp({ home: first.home, directory: first.directory });
    try {
      const again = await second.http
        .post('/session')
        .set(KEY, 'restart-1')
        .send({ title: 'before restart' })
        .expect(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.text).toBe(created.text);
      await second.http
        .post('/session')
        .set(KEY, 'restart-1')
        .send({ title: 'another' })
        .expect(422);
      const list = await second.http.get('/session').expect(200);
      expect(list.body).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
