import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAgentTestApp, type AgentTestApp, type StoredMessage } from '../support/agent-app';
import { gitRepo, tempDir } from '../support/fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any -- exports are read loosely, field by field */
type Export = { info: Record<string, any>; messages: StoredMessage[] };

const ROOT = join(__dirname, '..', '..');

/** `GET /session/:id/export`, `POST /session/import`, `opencode export` and `opencode import`. */
describe('session export and import', () => {
  let t: AgentTestApp;
  /** A session with a tool turn and a shell run: every common kind of part. */
  let sessionID: string;

  beforeAll(async () => {
    t = await startAgentTestApp({ directory: gitRepo({ 'a.txt': 'alpha\n' }) });
    sessionID = await t.createSession('to export');
    t.model.enqueue(
      { toolCalls: [{ name: 'read', arguments: { filePath: join(t.directory, 'a.txt') } }] },
      { text: 'It says alpha.' },
    );
    await t.prompt(sessionID, 'what is in a.txt?');
    await t.http
      .post(`/session/${sessionID}/shell`)
      .send({ agent: 'build', command: 'echo shell' })
      .expect(200);
    await t.waitForIdle(sessionID);
  });
  afterAll(() => t.close());

  async function exportOf(id: string): Promise<Export> {
    return (await t.http.get(`/session/${id}/export`).expect(200)).body as Export;
  }

  it('exports the session as GET /session/:id and its messages as GET /session/:id/message', async () => {
    const response = await t.http.get(`/session/${sessionID}/export`).expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const exported = response.body as Export;
    expect(Object.keys(exported)).toEqual(['info', 'messages']);
    expect(exported.info).toEqual((await t.http.get(`/session/${sessionID}`)).body);
    expect(exported.messages).toEqual(await t.messages(sessionID));
    const types = exported.messages.flatMap((m) => m.parts.map((p) => p.type));
    expect(types).toEqual(expect.arrayContaining(['text', 'tool', 'step-start', 'step-finish']));
  });

  it('answers 404 for an unknown session and 400 for a malformed id', async () => {
    await t.http.get('/session/ses_doesnotexist/export').expect(404);
    await t.http.get('/session/nope/export').expect(400);
  });

  it('imports an export under its own ids into the request project, announced as created', async () => {
    const exported = await exportOf(sessionID);
    const other = await t.createSession('to move');
    const moved = await exportOf(other);
    await t.http.delete(`/session/${other}`).expect(200);
    const from = t.sessionEvents(other).length;
    const response = await t.http.post('/session/import').send(moved).expect(200);
    expect(response.body).toEqual({
      ...moved.info,
      projectID: exported.info.projectID,
      directory: t.directory,
      path: '',
    });
    expect((await t.http.get(`/session/${other}`).expect(200)).body).toEqual(response.body);
    const created = await t.waitForEvent('session.created', other, { from });
    expect(created.properties.info).toEqual(response.body);
  });

  it('imports messages and parts with their ids and publishes their events', async () => {
    const exported = await exportOf(sessionID);
    await t.http.delete(`/session/${sessionID}`).expect(200);
    const from = t.sessionEvents(sessionID).length;
    await t.http.post('/session/import').send(exported).expect(200);
    expect(await exportOf(sessionID)).toEqual(exported);
    await t.waitForEvent('message.part.updated', sessionID, {
      from,
      match: (event) => event.properties.part.id === exported.messages.at(-1)!.parts.at(-1)!.id,
    });
    const all = t.sessionEvents(sessionID);
    const events = all.slice(all.findLastIndex((e) => e.type === 'session.created'));
    expect(events.filter((e) => e.type === 'message.updated')).toHaveLength(
      exported.messages.length,
    );
    expect(events.filter((e) => e.type === 'message.part.updated')).toHaveLength(
      exported.messages.flatMap((m) => m.parts).length,
    );
  });

  it('refuses a session id that exists (409), writing nothing', async () => {
    const exported = await exportOf(sessionID);
    const response = await t.http
      .post('/session/import')
      .send({ ...exported, info: { ...exported.info, title: 'changed' } })
      .expect(409);
    expect(response.body).toEqual({
      name: 'SessionExistsError',
      data: { message: `Session already exists: ${sessionID}`, sessionID },
    });
    expect(await exportOf(sessionID)).toEqual(exported);
  });

  it('renews every message and part id when one is taken, keeping order and references', async () => {
    const exported = await exportOf(sessionID);
    const copyID = 'ses_0000000000copyOfExported';
    const revert = {
      messageID: exported.messages[2].info.id,
      partID: exported.messages[2].parts[0].id,
    };
    const response = await t.http
      .post('/session/import')
      .send({ ...exported, info: { ...exported.info, id: copyID, revert } })
      .expect(200);
    expect(response.body.id).toBe(copyID);
    const copy = await exportOf(copyID);
    expect(response.body.revert).toEqual({
      messageID: copy.messages[2].info.id,
      partID: copy.messages[2].parts[0].id,
    });
    expect(copy.messages).toHaveLength(exported.messages.length);
    const oldIds = new Set(exported.messages.map((m) => m.info.id));
    const oldParts = new Set(exported.messages.flatMap((m) => m.parts.map((p) => p.id)));
    copy.messages.forEach((message, index) => {
      const original = exported.messages[index];
      expect(oldIds.has(message.info.id)).toBe(false);
      expect(message.info.role).toBe(original.info.role);
      expect(message.info.sessionID).toBe(copyID);
      if (message.info.role === 'assistant') {
        const parent = exported.messages.findIndex((m) => m.info.id === original.info.parentID);
        expect(message.info.parentID).toBe(copy.messages[parent].info.id);
      }
      expect(message.parts.map((p) => p.type)).toEqual(original.parts.map((p) => p.type));
      for (const part of message.parts) {
        expect(oldParts.has(part.id)).toBe(false);
        expect(part.messageID).toBe(message.info.id);
        expect(part.sessionID).toBe(copyID);
      }
    });
    // The original is untouched.
    expect(await exportOf(sessionID)).toEqual(exported);
  });

  it('goes into the project of ?directory=, dropping a parent that is not stored here', async () => {
    const elsewhere = gitRepo({ 'other.txt': 'another project\n' });
    const exported = await exportOf(sessionID);
    const body = {
      info: { ...exported.info, id: 'ses_0000000000elsewhereCopy', parentID: 'ses_0000000000gone' },
      messages: [],
    };
    const response = await t.http
      .post('/session/import')
      .query({ directory: elsewhere })
      .send(body)
      .expect(200);
    expect(response.body.directory).toBe(elsewhere);
    expect(response.body.projectID).not.toBe(exported.info.projectID);
    expect(response.body.parentID).toBeUndefined();
    const listed = await t.http.get('/session').query({ directory: elsewhere }).expect(200);
    expect(listed.body.map((s: { id: string }) => s.id)).toContain(body.info.id);
  });

  describe('a malformed body is a 400 naming the field, with nothing written', () => {
    const base = async () => {
      const exported = await exportOf(sessionID);
      return { ...exported, info: { ...exported.info, id: 'ses_0000000000neverWritten' } };
    };
    const cases: [string, (body: Export) => unknown, string][] = [
      ['no body fields', () => ({}), 'info'],
      ['info not an object', (b) => ({ ...b, info: 'x' }), 'info'],
      ['messages missing', (b) => ({ info: b.info }), 'messages'],
      ['a bad session id', (b) => ({ ...b, info: { ...b.info, id: 'nope' } }), 'info.id'],
      ['a title of the wrong type', (b) => ({ ...b, info: { ...b.info, title: 3 } }), 'info.title'],
      [
        'time.updated missing',
        (b) => ({ ...b, info: { ...b.info, time: { created: 1 } } }),
        'info.time.updated',
      ],
      [
        'an unknown role',
        (b) => withMessage(b, 0, (m) => ({ ...m, info: { ...m.info, role: 'robot' } })),
        'messages.0.info',
      ],
      [
        'an assistant without parentID',
        (b) => withMessage(b, 1, (m) => ({ ...m, info: { ...m.info, parentID: undefined } })),
        'messages.1.info.parentID',
      ],
      [
        'a part of the wrong shape (last message)',
        (b) =>
          withMessage(b, b.messages.length - 1, (m) => ({
            ...m,
            parts: [...m.parts, { ...m.parts[0], type: 'text', text: 5 }],
          })),
        'messages.4.parts.1.text',
      ],
      [
        'a part of another message',
        (b) =>
          withMessage(b, 0, (m) => ({
            ...m,
            parts: [{ ...m.parts[0], messageID: b.messages[1].info.id }],
          })),
        'messages.0.parts.0.messageID',
      ],
      [
        'a repeated message id',
        (b) => ({ ...b, messages: [b.messages[0], b.messages[0]] }),
        'messages.1.info.id',
      ],
    ];

    it.each(cases)('%s', async (_name, spoil, field) => {
      const body = await base();
      expect(body.messages).toHaveLength(5);
      const response = await t.http
        .post('/session/import')
        .send(spoil(body) as object)
        .expect(400);
      expect(response.body).toMatchObject({
        name: 'BadRequest',
        data: { kind: 'Body', field, message: expect.any(String) },
      });
      await t.http.get(`/session/${body.info.id}`).expect(404);
    });

    it('a body that is not JSON object is refused too', async () => {
      await t.http.post('/session/import').send([1, 2]).expect(400);
    });
  });

  it('GET /session/import is not taken for an export route', async () => {
    await t.http.get('/session/import').expect(400);
  });

  describe('opencode export / opencode import', () => {
    function cli(args: string[], cwd: string) {
      const home = t.home;
      return spawnSync(
        process.execPath,
        ['-r', join(ROOT, 'test/support/register-ts-cached.js'), join(ROOT, 'src/cli.ts'), ...args],
        {
          cwd,
          encoding: 'utf8',
          timeout: 60_000,
          env: {
            PATH: process.env.PATH,
            HOME: home,
            XDG_CONFIG_HOME: join(home, '.config'),
            XDG_DATA_HOME: join(home, '.local/share'),
            XDG_STATE_HOME: join(home, '.local/state'),
            XDG_CACHE_HOME: join(home, '.cache'),
            GIT_CONFIG_NOSYSTEM: '1',
            GIT_CONFIG_GLOBAL: '/dev/null',
          },
        },
      );
    }

    it('export prints the same JSON as the route; import reads it into the working directory', async () => {
      const exported = await exportOf(sessionID);
      const printed = cli(['export', sessionID], t.directory);
      expect(printed.stderr).toContain(`Exporting session: ${sessionID}`);
      expect(printed.status).toBe(0);
      expect(printed.stdout).toBe(JSON.stringify(exported, null, 2) + '\n');

      const file = join(tempDir(), 'export.json');
      writeFileSync(file, printed.stdout);
      const refused = cli(['import', file], t.directory);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(`Session already exists: ${sessionID}`);

      const target = gitRepo({ 'cli.txt': 'cli project\n' });
      writeFileSync(
        file,
        JSON.stringify({
          ...exported,
          info: { ...exported.info, id: 'ses_0000000000cliImported' },
        }),
      );
      const imported = cli(['import', file], target);
      expect(imported.stderr).toBe('');
      expect(imported.stdout).toBe('Imported session: ses_0000000000cliImported\n');
      expect(imported.status).toBe(0);
      const session = await t.http.get('/session/ses_0000000000cliImported').expect(200);
      expect(session.body.directory).toBe(target);
      const messages = await t.messages('ses_0000000000cliImported');
      expect(messages.map((m) => m.info.role)).toEqual(exported.messages.map((m) => m.info.role));
    });

    it('export without an id prints the latest session of the working directory project', async () => {
      const latest = await t.createSession('the latest');
      const printed = cli(['export'], t.directory);
      expect(printed.stderr).toContain('Exporting session: latest');
      expect(printed.status).toBe(0);
      expect(JSON.parse(printed.stdout).info.id).toBe(latest);
      const empty = cli(['export'], gitRepo({ 'empty.txt': 'no sessions\n' }));
      expect(empty.status).toBe(1);
      expect(empty.stderr).toContain('No sessions found');
      expect(empty.stdout).toBe('');
    });

    it('fails with one line for an unknown session, a missing file, bad JSON or bad data', () => {
      const unknown = cli(['export', 'ses_0000000000unknown'], t.directory);
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toContain('Session not found: ses_0000000000unknown');
      const dir = tempDir();
      const missing = cli(['import', join(dir, 'none.json')], t.directory);
      expect(missing.status).toBe(1);
      expect(missing.stderr).toContain(`File not found: ${join(dir, 'none.json')}`);
      writeFileSync(join(dir, 'bad.json'), '{ not json');
      const bad = cli(['import', join(dir, 'bad.json')], t.directory);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain(`Invalid JSON in ${join(dir, 'bad.json')}`);
      writeFileSync(join(dir, 'wrong.json'), JSON.stringify({ info: {}, messages: [] }));
      const wrong = cli(['import', join(dir, 'wrong.json')], t.directory);
      expect(wrong.status).toBe(1);
      expect(wrong.stderr).toContain('info.id');
    });
  });
});

function withMessage(
  body: Export,
  index: number,
  change: (message: StoredMessage) => unknown,
): Export {
  return {
    ...body,
    messages: body.messages.map((message, i) => (i === index ? change(message) : message)),
  } as Export;
}
