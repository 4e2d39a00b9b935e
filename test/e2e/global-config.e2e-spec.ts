import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitRepo, tempDir, writeFiles } from '../support/fixtures';
import { connectSse, frameType, type SseClient } from '../support/sse-client';
import { startTestApp, TestApp } from '../support/test-app';

function globalDir(t: TestApp): string {
  return join(t.home, '.config', 'opencode');
}

describe('global config: GET /global/config', () => {
  let t: TestApp;
  afterEach(() => t?.close());

  it('answers {} when there is no global config file, whatever the project has', async () => {
    const directory = gitRepo({ 'opencode.json': '{ "model": "project/model" }\n' });
    t = await startTestApp({
      directory,
      env: { OPENCODE_CONFIG_CONTENT: '{"share":"disabled"}' },
    });
    await t.http.get('/global/config').expect(200, {});
    // Server-wide: a directory is not needed, and does not change the answer.
    await t.http.get('/global/config').query({ directory }).expect(200, {});
  });

  it('merges only the global files (config.json, opencode.json, opencode.jsonc, later winning)', async () => {
    const home = tempDir('opencode-home-');
    writeFiles(join(home, '.config', 'opencode'), {
      'config.json': JSON.stringify({ model: 'a/one', username: 'from-config-json' }),
      'opencode.json': JSON.stringify({ model: 'b/two', share: 'manual' }),
      'opencode.jsonc': '{\n  // wins\n  "model": "c/three",\n}\n',
      'agent/reviewer.md': '---\ndescription: Reviews\n---\nReview the code.\n',
    });
    const directory = gitRepo({ 'opencode.json': '{ "autoupdate": false }\n' });
    t = await startTestApp({ home, directory });
    const response = await t.http.get('/global/config').expect(200);
    expect(response.body).toEqual({
      model: 'c/three',
      username: 'from-config-json',
      share: 'manual',
    });
  });

  it('names the broken global file with a 400, and recovers once it is fixed', async () => {
    t = await startTestApp();
    mkdirSync(globalDir(t), { recursive: true });
    const file = join(globalDir(t), 'opencode.json');
    writeFileSync(file, '{ "model": ');
    const broken = await t.http.get('/global/config').expect(400);
    expect(broken.body).toMatchObject({ name: 'ConfigJsonError', data: { path: file } });
    writeFileSync(file, '{ "model": "x/y" }');
    const deadline = Date.now() + 3000;
    for (;;) {
      const res = await t.http.get('/global/config');
      if (res.status === 200 || Date.now() > deadline) {
        expect(res.body).toEqual({ model: 'x/y' });
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
});

describe('global config: PATCH /global/config', () => {
  let t: TestApp;
  let global: SseClient | undefined;
  afterEach(async () => {
    global?.close();
    global = undefined;
    await t?.close();
  });

  it('edits the global JSONC file in place, keeps comments and other keys, and publishes config.updated server-wide', async () => {
    const home = tempDir('opencode-home-');
    const original = `// my settings
{
  "model": "anthropic/claude-sonnet-4-5", // the default
  "provider": {
    "ollama": { "options": { "baseURL": "http://127.0.0.1:11434/v1" } },
  },
}
`;
    writeFiles(join(home, '.config', 'opencode'), { 'opencode.jsonc': original });
    t = await startTestApp({ home });
    global = connectSse(`${t.url}/global/event`);
    await global.waitFor((frame) => frameType(frame) === 'server.connected');

    const response = await t.http
      .patch('/global/config')
      .send({ autoupdate: false, provider: { ollama: { options: { timeout: 1000 } } } })
      .expect(200);
    expect(response.body).toEqual({
      model: 'anthropic/claude-sonnet-4-5',
      autoupdate: false,
      provider: {
        ollama: { options: { baseURL: 'http://127.0.0.1:11434/v1', timeout: 1000 } },
      },
    });
    const file = join(home, '.config', 'opencode', 'opencode.jsonc');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('// my settings');
    expect(text).toContain('// the default');
    expect(text).toContain('"autoupdate": false');
    await t.http.get('/global/config').expect(200, response.body);

    const event = await global.waitFor((frame) => frameType(frame) === 'config.updated');
    expect(event.data).toEqual({
      payload: {
        id: expect.stringMatching(/^evt_/),
        type: 'config.updated',
        properties: { path: file },
      },
    });
  });

  it('creates opencode.jsonc in the global directory when there is none; every project sees it at once', async () => {
    t = await startTestApp();
    // The project's merged config is cached before the change...
    expect((await t.http.get('/config').expect(200)).body.model).toBeUndefined();
    const instanceEvents = connectSse(`${t.url}/event`);
    await instanceEvents.waitFor((frame) => frameType(frame) === 'server.connected');

    await t.http.patch('/global/config').send({ model: 'fake/fake-model' }).expect(200, {
      model: 'fake/fake-model',
    });
    const file = join(globalDir(t), 'opencode.jsonc');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ model: 'fake/fake-model' });
    // ...and answers the new global layer right away, without waiting for a file check.
    expect((await t.http.get('/config').expect(200)).body.model).toBe('fake/fake-model');
    // The project's own file still wins over the global one.
    await t.http.patch('/config').send({ model: 'project/model' }).expect(200);
    expect((await t.http.get('/config').expect(200)).body.model).toBe('project/model');
    await t.http.patch('/global/config').send({ model: 'other/model' }).expect(200);
    expect((await t.http.get('/config').expect(200)).body.model).toBe('project/model');
    // The global event is server-wide: not on the instance's stream.
    expect(instanceEvents.frames.map(frameType)).not.toContain('server.instance.disposed');
    instanceEvents.close();
  });

  it('edits the file that wins when several exist (opencode.jsonc over opencode.json over config.json)', async () => {
    const home = tempDir('opencode-home-');
    writeFiles(join(home, '.config', 'opencode'), {
      'config.json': '{ "username": "a" }\n',
      'opencode.json': '{ "username": "b" }\n',
    });
    t = await startTestApp({ home });
    await t.http.patch('/global/config').send({ username: 'c' }).expect(200, { username: 'c' });
    const dir = join(home, '.config', 'opencode');
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe('{ "username": "a" }\n');
    expect(JSON.parse(readFileSync(join(dir, 'opencode.json'), 'utf8'))).toEqual({
      username: 'c',
    });
    expect(existsSync(join(dir, 'opencode.jsonc'))).toBe(false);
  });

  it('refuses an invalid patch with 400 naming the field, and writes nothing', async () => {
    const home = tempDir('opencode-home-');
    writeFiles(join(home, '.config', 'opencode'), { 'opencode.json': '{ "model": "a/b" }\n' });
    t = await startTestApp({ home });
    const file = join(home, '.config', 'opencode', 'opencode.json');
    const badValue = await t.http.patch('/global/config').send({ autoupdate: 'bad' }).expect(400);
    expect(badValue.body).toMatchObject({
      name: 'BadRequest',
      data: { kind: 'Body', field: 'autoupdate' },
    });
    const nested = await t.http
      .patch('/global/config')
      .send({ agent: { plan: { temperature: 'hot' } } })
      .expect(400);
    expect(nested.body.data.field).toBe('agent.plan.temperature');
    const unknown = await t.http.patch('/global/config').send({ modle: 'x/y' }).expect(400);
    expect(unknown.body.data.field).toBe('modle');
    await t.http
      .patch('/global/config')
      .set('content-type', 'application/json')
      .send('[1]')
      .expect(400);
    await t.http
      .patch('/global/config')
      .set('content-type', 'application/json')
      .send('{"model":')
      .expect(400);
    expect(readFileSync(file, 'utf8')).toBe('{ "model": "a/b" }\n');
  });

  it('keeps every change of concurrent PATCHes', async () => {
    t = await startTestApp();
    await Promise.all(
      ['build', 'plan', 'general', 'explore'].map((name, index) =>
        t.http
          .patch('/global/config')
          .send({ agent: { [name]: { temperature: index / 10 } } })
          .expect(200),
      ),
    );
    const config = (await t.http.get('/global/config').expect(200)).body;
    expect(Object.keys(config.agent).sort()).toEqual(['build', 'explore', 'general', 'plan']);
  });
});

describe('POST /global/dispose', () => {
  let t: TestApp;
  afterEach(() => t?.close());

  it('disposes every instance (server.instance.disposed each, their streams end), then publishes global.disposed', async () => {
    t = await startTestApp();
    const other = gitRepo();
    const global = connectSse(`${t.url}/global/event`);
    await global.waitFor((frame) => frameType(frame) === 'server.connected');
    const first = connectSse(`${t.url}/event`);
    const second = connectSse(`${t.url}/event?directory=${encodeURIComponent(other)}`);
    await first.waitFor((frame) => frameType(frame) === 'server.connected');
    await second.waitFor((frame) => frameType(frame) === 'server.connected');

    await t.http.post('/global/dispose').expect(200, 'true');
    await Promise.all([first.ended, second.ended]);
    expect(first.frames.map(frameType)).toContain('server.instance.disposed');
    expect(second.frames.map(frameType)).toContain('server.instance.disposed');

    const disposed = await global.waitFor((frame) => frameType(frame) === 'global.disposed');
    expect(disposed.data).toEqual({
      payload: { id: expect.stringMatching(/^evt_/), type: 'global.disposed', properties: {} },
    });
    const types = global.frames.map(frameType);
    const directories = global.frames
      .filter((frame) => frameType(frame) === 'server.instance.disposed')
      .map((frame) => (frame.data as { directory: string }).directory)
      .sort();
    expect(directories).toHaveLength(2);
    // Every instance is disposed before global.disposed goes out.
    expect(types.lastIndexOf('server.instance.disposed')).toBeLessThan(
      types.indexOf('global.disposed'),
    );
    global.close();

    // The next request starts afresh.
    await t.http.get('/path').expect(200);
    await t.http.post('/global/dispose').expect(200, 'true');
  });

  it('answers true with no instance at all', async () => {
    t = await startTestApp();
    await t.http.post('/global/dispose').expect(200, 'true');
  });
});
