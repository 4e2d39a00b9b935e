import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitRepo, tempDir, writeFiles } from '../support/fixtures';
import { connectSse, frameType } from '../support/sse-client';
import { startTestApp, TestApp } from '../support/test-app';

/** Polls `check` until it passes (config file edits are noticed within half a second). */
async function eventually(check: () => Promise<void>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('config: GET /config', () => {
  let t: TestApp;
  afterEach(() => t?.close());

  it('answers the defaults when nothing is configured', async () => {
    t = await startTestApp();
    const response = await t.http.get('/config').expect(200);
    expect(response.body).toEqual({
      agent: {},
      command: {},
      mode: {},
      plugin: [],
      username: expect.any(String),
    });
  });

  it('merges global, OPENCODE_CONFIG, project (root to directory, .opencode) and OPENCODE_CONFIG_CONTENT, later winning', async () => {
    const home = tempDir('opencode-home-');
    writeFiles(join(home, '.config', 'opencode'), {
      'config.json': JSON.stringify({
        model: 'global/config-json',
        username: 'global',
        share: 'manual',
        instructions: ['global.md'],
      }),
      'opencode.json': JSON.stringify({ small_model: 'global/small', autoupdate: true }),
      'opencode.jsonc': '{ "autoupdate": "notify", // jsonc wins over json in the global dir\n }',
    });
    const custom = join(tempDir(), 'custom.json');
    writeFileSync(custom, JSON.stringify({ model: 'custom/file', snapshot: false }));
    const directory = gitRepo({
      'opencode.jsonc': `{
        // project root
        "model": "root/model",
        "instructions": ["root.md"],
        "agent": { "build": { "temperature": 0.1 } },
      }`,
      '.opencode/opencode.json': JSON.stringify({ agent: { build: { top_p: 0.5 } } }),
      'packages/app/opencode.json': JSON.stringify({ model: 'sub/model' }),
      'packages/app/src/index.ts': 'export {};\n',
    });
    t = await startTestApp({
      home,
      directory,
      env: {
        OPENCODE_CONFIG: custom,
        OPENCODE_CONFIG_CONTENT: JSON.stringify({ username: 'from-content' }),
      },
    });

    const root = (await t.http.get('/config').expect(200)).body;
    expect(root).toMatchObject({
      model: 'root/model',
      small_model: 'global/small',
      autoupdate: 'notify',
      share: 'manual',
      snapshot: false,
      username: 'from-content',
      instructions: ['global.md', 'root.md'],
      agent: { build: { temperature: 0.1, top_p: 0.5 } },
    });

    const sub = (
      await t.http
        .get('/config')
        .query({ directory: join(directory, 'packages', 'app') })
        .expect(200)
    ).body;
    expect(sub.model).toBe('sub/model');
    expect(sub.agent.build).toEqual({ temperature: 0.1, top_p: 0.5 });

    // The header picks the directory too (URL-encoded, as the official SDK sends it).
    const viaHeader = await t.http
      .get('/config')
      .set('x-opencode-directory', encodeURIComponent(join(directory, 'packages', 'app')))
      .expect(200);
    expect(viaHeader.body.model).toBe('sub/model');
  });

  it('substitutes {env:VAR} and {file:path} references', async () => {
    const directory = gitRepo({
      'opencode.json': JSON.stringify({
        username: '{env:CONFIG_TEST_USER}',
        agent: { build: { prompt: '{file:./prompts/build.md}' } },
        provider: { local: { options: { apiKey: '{env:NOT_SET}' } } },
      }),
      'prompts/build.md': 'Always answer in haiku.\n',
    });
    t = await startTestApp({ directory, env: { CONFIG_TEST_USER: 'ada' } });
    const config = (await t.http.get('/config').expect(200)).body;
    expect(config.username).toBe('ada');
    expect(config.agent.build.prompt).toBe('Always answer in haiku.');
    expect(config.provider.local.options.apiKey).toBe('');
  });

  it('names the file, line and key of a bad config, keeps serving, and recovers when fixed', async () => {
    const directory = gitRepo({
      'opencode.json': '{\n  "model": "a/b",\n  "share": 3\n}\n',
    });
    t = await startTestApp({ directory });
    const response = await t.http.get('/config').expect(400);
    expect(response.body).toEqual({
      name: 'ConfigInvalidError',
      data: {
        path: join(directory, 'opencode.json'),
        line: 3,
        column: 3,
        key: 'share',
        message: expect.stringContaining(`${join(directory, 'opencode.json')}:3:3: "share"`),
      },
    });
    // Everything that needs the config says so; the server itself is fine.
    expect((await t.http.get('/agent').expect(400)).body.name).toBe('ConfigInvalidError');
    await t.http.get('/global/health').expect(200);

    writeFileSync(join(directory, 'opencode.json'), '{\n  "model": "a/b",\n  "share": "auto"\n}\n');
    await eventually(async () => {
      const fixed = await t.http.get('/config');
      expect(fixed.status).toBe(200);
      expect(fixed.body.share).toBe('auto');
    });
  });

  it('reports invalid JSON with its line, and an unknown key by name', async () => {
    const directory = gitRepo({ 'opencode.json': '{\n  "model": "a/b"\n  "share": "auto"\n}' });
    t = await startTestApp({ directory });
    const broken = await t.http.get('/config').expect(400);
    expect(broken.body.name).toBe('ConfigJsonError');
    expect(broken.body.data).toMatchObject({ path: join(directory, 'opencode.json'), line: 3 });

    writeFileSync(
      join(directory, 'opencode.json'),
      '{\n  "provider": {\n    "local": { "baseUrl": "http://x" }\n  }\n}',
    );
    await eventually(async () => {
      const unknown = await t.http.get('/config').expect(400);
      expect(unknown.body.data).toMatchObject({ key: 'provider.local.baseUrl', line: 3 });
    });
  });

  it('reports a bad OPENCODE_CONFIG_CONTENT by its name', async () => {
    t = await startTestApp({ env: { OPENCODE_CONFIG_CONTENT: '{ "model": 42 }' } });
    const response = await t.http.get('/config').expect(400);
    expect(response.body.data).toMatchObject({ path: 'OPENCODE_CONFIG_CONTENT', key: 'model' });
  });

  it('notices a config file edited by hand', async () => {
    const directory = gitRepo({ 'opencode.json': '{ "model": "a/one" }' });
    t = await startTestApp({ directory });
    expect((await t.http.get('/config').expect(200)).body.model).toBe('a/one');
    writeFileSync(join(directory, 'opencode.json'), '{ "model": "a/two" }');
    writeFiles(directory, { '.opencode/opencode.jsonc': '{ "small_model": "a/small" }' });
    await eventually(async () => {
      const config = (await t.http.get('/config').expect(200)).body;
      expect(config).toMatchObject({ model: 'a/two', small_model: 'a/small' });
    });
  });
});

describe('config: PATCH /config', () => {
  let t: TestApp;
  afterEach(() => t?.close());

  it('edits the project JSONC file in place: comments survive, the next GET shows it, an event is published', async () => {
    const original = `{
  // The model everyone on the team uses
  "model": "anthropic/claude-sonnet-4-5",
  /* local models */
  "provider": {
    "ollama": {
      "options": { "baseURL": "http://127.0.0.1:11434/v1" }, // default port
    },
  },
}
`;
    const directory = gitRepo({ 'opencode.jsonc': original });
    t = await startTestApp({ directory });
    const sse = connectSse(`${t.url}/event`);
    await sse.waitFor((frame) => frameType(frame) === 'server.connected');

    const response = await t.http
      .patch('/config')
      .send({
        model: 'openai/gpt-5',
        provider: { ollama: { options: { timeout: 60000 } } },
        agent: { plan: { temperature: 0.2 } },
      })
      .expect(200);
    expect(response.body).toMatchObject({
      model: 'openai/gpt-5',
      provider: { ollama: { options: { baseURL: 'http://127.0.0.1:11434/v1', timeout: 60000 } } },
      agent: { plan: { temperature: 0.2 } },
    });

    const text = readFileSync(join(directory, 'opencode.jsonc'), 'utf8');
    expect(text).toContain('// The model everyone on the team uses');
    expect(text).toContain('/* local models */');
    expect(text).toContain('// default port');
    expect(text).toContain('"model": "openai/gpt-5"');

    const again = (await t.http.get('/config').expect(200)).body;
    expect(again.model).toBe('openai/gpt-5');
    expect(again.provider.ollama.options.timeout).toBe(60000);

    const event = await sse.waitFor((frame) => frameType(frame) === 'config.updated');
    expect((event.data as { properties: unknown }).properties).toEqual({
      path: join(directory, 'opencode.jsonc'),
    });
    sse.close();
  });

  it('creates opencode.json in the directory when the project has no config file', async () => {
    t = await startTestApp();
    await t.http.patch('/config').send({ share: 'disabled' }).expect(200);
    const written = JSON.parse(readFileSync(join(t.directory, 'opencode.json'), 'utf8'));
    expect(written).toEqual({ share: 'disabled' });
    expect((await t.http.get('/config').expect(200)).body.share).toBe('disabled');
  });

  it('writes {env:} references as written, resolving them only when reading', async () => {
    t = await startTestApp({ env: { PATCH_TEST_NAME: 'grace' } });
    const response = await t.http
      .patch('/config')
      .send({ username: '{env:PATCH_TEST_NAME}' })
      .expect(200);
    expect(response.body.username).toBe('grace');
    expect(readFileSync(join(t.directory, 'opencode.json'), 'utf8')).toContain(
      '{env:PATCH_TEST_NAME}',
    );
  });

  it('refuses an invalid patch with 400 naming the field, and writes nothing', async () => {
    const directory = gitRepo({ 'opencode.json': '{ "model": "a/b" }\n' });
    t = await startTestApp({ directory });
    const badValue = await t.http.patch('/config').send({ share: 'sometimes' }).expect(400);
    expect(badValue.body).toMatchObject({
      name: 'BadRequest',
      data: { kind: 'Body', field: 'share' },
    });
    const unknown = await t.http
      .patch('/config')
      .send({ agent: { plan: { temperature: 'hot' } } })
      .expect(400);
    expect(unknown.body.data.field).toBe('agent.plan.temperature');
    const extra = await t.http.patch('/config').send({ modle: 'x/y' }).expect(400);
    expect(extra.body.data.field).toBe('modle');
    await t.http.patch('/config').set('content-type', 'application/json').send('[1]').expect(400);
    expect(readFileSync(join(directory, 'opencode.json'), 'utf8')).toBe('{ "model": "a/b" }\n');
  });

  it('keeps every change of concurrent PATCHes', async () => {
    t = await startTestApp();
    await Promise.all(
      ['build', 'plan', 'general', 'explore'].map((name, index) =>
        t.http
          .patch('/config')
          .send({ agent: { [name]: { temperature: index / 10 } } })
          .expect(200),
      ),
    );
    const config = (await t.http.get('/config').expect(200)).body;
    expect(Object.keys(config.agent).sort()).toEqual(['build', 'explore', 'general', 'plan']);
  });
});
