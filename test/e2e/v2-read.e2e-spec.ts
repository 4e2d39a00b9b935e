import { execFile } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitRepo, tempDir } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * The `/api` (v2) read routes the terminal client uses: agents, models, providers, integrations,
 * references and the file system of a location. Shapes as the reference (opencode 1.18.33)
 * answers them; where this server deliberately differs, the test says so.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read field by field */
type Json = any;

const CONFIG_KEY = 'sk-config-secret-1234';
const HEADER_SECRET = 'Bearer header-secret-5678';
const ENV_KEY = 'ak-env-secret-9012';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

const CONFIG = {
  provider: {
    fake: {
      npm: '@ai-sdk/openai-compatible',
      name: 'Fake',
      options: {
        baseURL: 'http://127.0.0.1:9/v1',
        apiKey: CONFIG_KEY,
        timeout: 1000,
        headers: { Authorization: HEADER_SECRET },
      },
      models: {
        'fake-model': {
          name: 'Fake Model',
          release_date: '2030-01-02',
          cost: { input: 1, output: 2, cache_read: 0.1, cache_write: 0.5 },
          limit: { context: 100000, output: 4096 },
          options: { reasoningEffort: 'medium' },
          variants: { high: { reasoningEffort: 'high' } },
        },
        older: { name: 'Older', release_date: '2020-05-01' },
      },
    },
  },
  agent: {
    reviewer: {
      description: 'Reviews changes',
      model: 'fake/fake-model',
      variant: 'high',
      temperature: 0.2,
      top_p: 0.9,
      color: '#FF0000',
      steps: 3,
      mode: 'subagent',
      prompt: 'Review carefully.',
      reasoningEffort: 'low',
      permission: { bash: 'ask' },
    },
  },
  references: {
    docs: './docs',
    abs: { path: '/srv/abs', description: 'Absolute', hidden: true },
    lib: 'github:foo/bar',
    pinned: { repository: 'https://gitlab.com/a/b.git', branch: 'dev' },
    home: '~/notes',
    'bad name': './x',
    badbranch: { repository: 'foo/bar', branch: '-x' },
    local: { repository: 'file:///srv/repo' },
  },
};

describe('v2 read routes', () => {
  let t: TestApp;
  let outside: string;
  const enc = encodeURIComponent;

  beforeAll(async () => {
    const directory = gitRepo({
      'README.md': '# project\n',
      'src/greet.ts': 'export const greet = (name: string) => `hi ${name}`;\n',
      'src/util/strings.ts': 'export const x = 1;\n',
      'docs/guide.md': '# Guide\n',
      'image.png': PNG,
      '.gitignore': 'ignored/\n',
      'ignored/greeting.ts': 'ignored\n',
      'opencode.json': JSON.stringify(CONFIG),
    });
    outside = tempDir('v2-outside-');
    writeFileSync(join(outside, 'secret.txt'), 'outside secret\n');
    symlinkSync(outside, join(directory, 'escape'));
    t = await startTestApp({ directory, env: { ANTHROPIC_API_KEY: ENV_KEY } });
  });
  afterAll(() => t.close());

  function expectLocation(body: Json, directory = t.directory): void {
    expect(body.location).toEqual({
      directory,
      project: { id: expect.stringMatching(/^[0-9a-f]{40}$/), directory: t.directory },
    });
  }

  function expectNoSecret(text: string): void {
    for (const secret of [CONFIG_KEY, HEADER_SECRET, ENV_KEY]) expect(text).not.toContain(secret);
  }

  describe('GET /api/agent', () => {
    it('lists the agents in the v2 shape, in the location envelope', async () => {
      const res = await t.http.get('/api/agent').expect(200);
      expectLocation(res.body);
      const agents: Json[] = res.body.data;
      expect(agents.map((a) => a.id)).toEqual(
        expect.arrayContaining(['build', 'plan', 'general', 'explore', 'compaction', 'title']),
      );
      const build = agents.find((a) => a.id === 'build');
      expect(build).toMatchObject({
        id: 'build',
        request: { headers: {}, body: {} },
        description: 'The default agent. Executes tools based on configured permissions.',
        mode: 'primary',
        hidden: false,
      });
      expect(build.permissions[0]).toEqual({ action: '*', resource: '*', effect: 'allow' });
      expect(agents.find((a) => a.id === 'compaction')).toMatchObject({ hidden: true });
      expect(agents.find((a) => a.id === 'title').request.body).toEqual({ temperature: 0.5 });
    });

    it('puts an agent’s model, call settings and looks where the reference does', async () => {
      const res = await t.http.get('/api/agent').expect(200);
      const reviewer = res.body.data.find((a: Json) => a.id === 'reviewer');
      expect(reviewer).toEqual({
        id: 'reviewer',
        model: { id: 'fake-model', providerID: 'fake', variant: 'high' },
        request: {
          headers: {},
          body: { reasoningEffort: 'low', temperature: 0.2, top_p: 0.9 },
        },
        system: 'Review carefully.',
        description: 'Reviews changes',
        mode: 'subagent',
        hidden: false,
        color: '#FF0000',
        steps: 3,
        permissions: expect.arrayContaining([{ action: 'bash', resource: '*', effect: 'ask' }]),
      });
      expect(reviewer.permissions.at(-1)).toEqual({ action: 'bash', resource: '*', effect: 'ask' });
    });
  });

  describe('GET /api/model and /api/provider', () => {
    it('lists the models of the active providers, newest release first', async () => {
      const res = await t.http.get('/api/model').expect(200);
      expectLocation(res.body);
      const models: Json[] = res.body.data;
      const released = models.map((m) => m.time.released);
      expect(released).toEqual([...released].sort((a, b) => b - a));
      // opencode is always active, with its free models, as in the reference.
      expect(new Set(models.map((m) => m.providerID))).toEqual(
        new Set(['anthropic', 'fake', 'opencode']),
      );
      expect(models[0]).toEqual({
        id: 'fake-model',
        providerID: 'fake',
        name: 'Fake Model',
        api: {
          id: 'fake-model',
          type: 'aisdk',
          package: '@ai-sdk/openai-compatible',
          url: 'http://127.0.0.1:9/v1',
        },
        capabilities: { tools: true, input: ['text'], output: ['text'] },
        request: { headers: {}, body: { reasoningEffort: 'medium' } },
        variants: [{ id: 'high', headers: {}, body: { reasoningEffort: 'high' } }],
        time: { released: Date.UTC(2030, 0, 2) },
        cost: [{ input: 1, output: 2, cache: { read: 0.1, write: 0.5 } }],
        status: 'active',
        enabled: true,
        limit: { context: 100000, output: 4096 },
      });
      expect(models.at(-1)).toMatchObject({
        id: 'older',
        time: { released: Date.UTC(2020, 4, 1) },
      });
      const claude = models.find((m) => m.providerID === 'anthropic');
      expect(claude.api).toMatchObject({ type: 'aisdk', package: '@ai-sdk/anthropic' });
      expect(claude.capabilities.input).toEqual(expect.arrayContaining(['text', 'image']));
      expectNoSecret(res.text);
    });

    it('lists the active providers without their credentials', async () => {
      const res = await t.http.get('/api/provider').expect(200);
      expectLocation(res.body);
      const ids = res.body.data.map((p: Json) => p.id);
      expect(ids).toEqual(expect.arrayContaining(['anthropic', 'fake']));
      expect(ids).not.toContain('openai'); // known, but no key: not active
      expect(res.body.data.find((p: Json) => p.id === 'fake')).toEqual({
        id: 'fake',
        name: 'Fake',
        api: { type: 'aisdk', package: '@ai-sdk/openai-compatible', url: 'http://127.0.0.1:9/v1' },
        request: { headers: {}, body: { timeout: 1000 } },
      });
      expectNoSecret(res.text);
    });

    it('gets one active provider; any other id is a 404 ProviderNotFoundError', async () => {
      const res = await t.http.get('/api/provider/fake').expect(200);
      expectLocation(res.body);
      expect(res.body.data).toMatchObject({ id: 'fake', name: 'Fake' });
      expectNoSecret(res.text);
      for (const id of ['nope', 'openai']) {
        const missing = await t.http.get(`/api/provider/${id}`).expect(404);
        expect(missing.body).toEqual({
          _tag: 'ProviderNotFoundError',
          providerID: id,
          message: `Provider not found: ${id}`,
        });
      }
    });
  });

  describe('GET /api/integration', () => {
    it('lists one integration per known provider, by name, with env connections by name only', async () => {
      const res = await t.http.get('/api/integration').expect(200);
      expectLocation(res.body);
      const integrations: Json[] = res.body.data;
      const names = integrations.map((i) => i.name);
      expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
      expect(integrations.find((i) => i.id === 'anthropic')).toEqual({
        id: 'anthropic',
        name: 'Anthropic',
        methods: [{ type: 'key' }, { type: 'env', names: ['ANTHROPIC_API_KEY'] }],
        connections: [{ type: 'env', name: 'ANTHROPIC_API_KEY' }],
      });
      expect(integrations.find((i) => i.id === 'openai')).toMatchObject({ connections: [] });
      expect(integrations.find((i) => i.id === 'fake')).toEqual({
        id: 'fake',
        name: 'Fake',
        methods: [{ type: 'key' }],
        connections: [],
      });
      expectNoSecret(res.text);
    });

    it('gets one integration; an unknown id is a 404 (the reference answers data: null)', async () => {
      const res = await t.http.get('/api/integration/anthropic').expect(200);
      expectLocation(res.body);
      expect(res.body.data.id).toBe('anthropic');
      const missing = await t.http.get('/api/integration/nope').expect(404);
      expect(missing.body).toEqual({
        _tag: 'IntegrationNotFoundError',
        integrationID: 'nope',
        message: 'Integration not found: nope',
      });
    });
  });

  describe('GET /api/reference', () => {
    it('lists config references: local paths resolved, git ones at their clone path', async () => {
      const res = await t.http.get('/api/reference').expect(200);
      expectLocation(res.body);
      const repos = join(t.env.paths.data, 'repos');
      expect(res.body.data).toEqual([
        {
          name: 'docs',
          path: join(t.directory, 'docs'),
          source: { type: 'local', path: join(t.directory, 'docs') },
        },
        {
          name: 'abs',
          path: '/srv/abs',
          description: 'Absolute',
          hidden: true,
          source: { type: 'local', path: '/srv/abs', description: 'Absolute', hidden: true },
        },
        {
          name: 'lib',
          path: join(repos, 'github.com/foo/bar'),
          source: { type: 'git', repository: 'github:foo/bar' },
        },
        {
          name: 'pinned',
          path: join(repos, 'gitlab.com/a/b@dev'),
          source: { type: 'git', repository: 'https://gitlab.com/a/b.git', branch: 'dev' },
        },
        {
          name: 'home',
          path: join(t.home, 'notes'),
          source: { type: 'local', path: join(t.home, 'notes') },
        },
      ]);
    });

    it('is empty without config references', async () => {
      const bare = tempDir('v2-bare-');
      const res = await t.http.get(`/api/reference?location[directory]=${enc(bare)}`).expect(200);
      expect(res.body).toEqual({
        location: { directory: bare, project: { id: 'global', directory: '/' } },
        data: [],
      });
    });
  });

  describe('GET /api/fs/find', () => {
    it('ranks fuzzy matches, best first; ignored files are not offered', async () => {
      const res = await t.http.get('/api/fs/find?query=greet').expect(200);
      expectLocation(res.body);
      expect(res.body.data[0]).toEqual({ path: 'src/greet.ts', type: 'file' });
      expect(res.body.data.map((e: Json) => e.path)).not.toContain('ignored/greeting.ts');
    });

    it('filters by type and honours limit', async () => {
      const dirs = await t.http.get('/api/fs/find?query=s&type=directory').expect(200);
      expect(dirs.body.data.length).toBeGreaterThan(0);
      for (const entry of dirs.body.data) {
        expect(entry).toEqual({ path: expect.stringMatching(/\/$/), type: 'directory' });
      }
      const files = await t.http.get('/api/fs/find?query=&type=file&limit=2').expect(200);
      expect(files.body.data).toHaveLength(2);
      for (const entry of files.body.data) expect(entry.type).toBe('file');
    });

    it('refuses a missing query, a bad limit or type, and unknown parameters', async () => {
      const cases: Array<[string, string]> = [
        ['', 'query'],
        ['query=a&limit=abc', 'limit'],
        ['query=a&limit=0', 'limit'],
        ['query=a&limit=2.5', 'limit'],
        ['query=a&type=folder', 'type'],
        ['query=a&query=b', 'query'],
        ['query=a&bogus=1', 'bogus'],
      ];
      for (const [query, field] of cases) {
        const res = await t.http.get(`/api/fs/find?${query}`).expect(400);
        expect({ query, body: res.body }).toEqual({
          query,
          body: { _tag: 'InvalidRequestError', message: expect.any(String), kind: 'Query', field },
        });
      }
    });
  });

  describe('GET /api/fs/list', () => {
    it('lists direct children, directories first with a trailing slash', async () => {
      const res = await t.http.get('/api/fs/list').expect(200);
      expectLocation(res.body);
      const entries: Json[] = res.body.data;
      expect(entries.slice(0, 4)).toEqual([
        { path: 'docs/', type: 'directory' },
        { path: 'escape/', type: 'directory' },
        { path: 'ignored/', type: 'directory' },
        { path: 'src/', type: 'directory' },
      ]);
      expect(entries).toContainEqual({ path: 'README.md', type: 'file' });
      // Deliberate difference: `.git/` is not listed (the reference lists it).
      expect(entries.map((e) => e.path)).not.toContain('.git/');

      const src = await t.http.get('/api/fs/list?path=src').expect(200);
      expect(src.body.data).toEqual([
        { path: 'src/util/', type: 'directory' },
        { path: 'src/greet.ts', type: 'file' },
      ]);
      const absolute = await t.http
        .get(`/api/fs/list?path=${enc(join(t.directory, 'src'))}`)
        .expect(200);
      expect(absolute.body.data).toEqual(src.body.data);
    });

    // Deliberate difference: the reference answers a 500 UnknownError for each of these.
    it('refuses paths outside the location (403), missing ones (404) and files (400)', async () => {
      for (const path of ['..', '../..', '/etc', 'escape', 'escape/']) {
        const res = await t.http.get(`/api/fs/list?path=${enc(path)}`).expect(403);
        expect({ path, body: res.body }).toEqual({
          path,
          body: { _tag: 'ForbiddenError', message: expect.stringContaining(path) },
        });
      }
      const missing = await t.http.get('/api/fs/list?path=nope').expect(404);
      expect(missing.body).toEqual({ _tag: 'NotFoundError', message: 'Directory not found: nope' });
      const file = await t.http.get('/api/fs/list?path=README.md').expect(400);
      expect(file.body).toEqual({
        _tag: 'InvalidRequestError',
        message: 'Path is not a directory: README.md',
        kind: 'Query',
        field: 'path',
      });
    });
  });

  describe('GET /api/fs/read/*', () => {
    it('answers the raw bytes with a content type from the extension or the content', async () => {
      const text = await t.http.get('/api/fs/read/src/greet.ts').expect(200);
      expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(text.text).toBe('export const greet = (name: string) => `hi ${name}`;\n');
      expect(text.headers['x-content-type-options']).toBe('nosniff');
      expect(text.headers['content-security-policy']).toContain('sandbox');

      const markdown = await t.http.get('/api/fs/read/docs/guide.md').expect(200);
      expect(markdown.headers['content-type']).toBe('text/markdown; charset=utf-8');

      const image = await t.http
        .get('/api/fs/read/image.png')
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(image.headers['content-type']).toBe('image/png');
      expect(Buffer.compare(image.body as Buffer, PNG)).toBe(0);
    });

    it('takes the rest of the URL, URI-decoded, as the path', async () => {
      const res = await t.http.get('/api/fs/read/src%2Fgreet.ts').expect(200);
      expect(res.text).toContain('greet');
      const absolute = await t.http
        .get(`/api/fs/read/${enc(join(t.directory, 'README.md'))}`)
        .expect(200);
      expect(absolute.text).toBe('# project\n');
    });

    it('refuses paths outside the location (403), missing files (404) and directories (400)', async () => {
      for (const path of ['..%2F..%2Fetc%2Fpasswd', '%2Fetc%2Fpasswd', 'escape/secret.txt']) {
        const res = await t.http.get(`/api/fs/read/${path}`).expect(403);
        expect(res.body._tag).toBe('ForbiddenError');
        expect(res.text).not.toContain('outside secret');
      }
      const missing = await t.http.get('/api/fs/read/nope.txt').expect(404);
      expect(missing.body).toEqual({ _tag: 'NotFoundError', message: 'File not found: nope.txt' });
      for (const path of ['src', '']) {
        const dir = await t.http.get(`/api/fs/read/${path}`).expect(400);
        expect(dir.body).toMatchObject({
          _tag: 'InvalidRequestError',
          kind: 'Params',
          field: 'path',
        });
      }
    });
  });

  describe('the location of fs routes', () => {
    it('resolves paths against the chosen location, and jails them there', async () => {
      const src = join(t.directory, 'src');
      const query = `location[directory]=${enc(src)}`;
      const list = await t.http.get(`/api/fs/list?${query}`).expect(200);
      expectLocation(list.body, src);
      expect(list.body.data).toEqual([
        { path: 'util/', type: 'directory' },
        { path: 'greet.ts', type: 'file' },
      ]);
      const read = await t.http.get(`/api/fs/read/greet.ts?${query}`).expect(200);
      expect(read.text).toContain('greet');
      // Inside the project, but outside the location.
      await t.http.get(`/api/fs/read/..%2FREADME.md?${query}`).expect(403);
      const find = await t.http.get(`/api/fs/find?query=strings&${query}`).expect(200);
      expect(find.body.data[0]).toEqual({ path: 'util/strings.ts', type: 'file' });
    });

    it('refuses a location that does not exist before looking at the path', async () => {
      const res = await t.http
        .get(`/api/fs/list?location[directory]=${enc(join(t.directory, 'gone'))}`)
        .expect(400);
      expect(res.body).toMatchObject({ _tag: 'InvalidRequestError', field: 'location[directory]' });
    });
  });

  describe('through the official SDK (v2 client)', () => {
    let calls: Record<string, Json>;
    let other: string;

    beforeAll(async () => {
      other = tempDir('v2-sdk-other-');
      writeFileSync(join(other, 'other.txt'), 'from the other directory\n');
      const script = join(__dirname, '..', 'support', 'v2-read-sdk-scenario.mjs');
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(
          process.execPath,
          [script, t.url, t.directory, other],
          { timeout: 25_000, maxBuffer: 32 * 1024 * 1024 },
          (error, out, stderr) =>
            error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(out),
        );
      });
      calls = (JSON.parse(stdout) as { calls: Record<string, Json> }).calls;
    });

    function ok(name: string): Json {
      const call = calls[name];
      expect({ name, status: call.status, error: call.error, thrown: call.thrown }).toEqual({
        name,
        status: 200,
        error: undefined,
        thrown: undefined,
      });
      return call.data;
    }

    it('health, location (by directory, and by the location parameter)', () => {
      expect(ok('health')).toEqual({ healthy: true });
      expect(ok('location').directory).toBe(t.directory);
      expect(calls.location.request).toContain('location%5Bdirectory%5D=');
      expect(ok('location.other')).toEqual({
        directory: other,
        project: { id: 'global', directory: '/' },
      });
      expect(ok('location.explicit').directory).toBe(other);
    });

    it('agents, models, providers, integrations and references', () => {
      expect(ok('agent.list').data.map((a: Json) => a.id)).toContain('reviewer');
      expect(ok('model.list').data[0].id).toBe('fake-model');
      expect(ok('provider.list').data.map((p: Json) => p.id)).toContain('fake');
      expect(ok('provider.get').data.id).toBe('fake');
      expect(calls['provider.get.unknown']).toMatchObject({
        status: 404,
        error: { _tag: 'ProviderNotFoundError', providerID: 'nope' },
      });
      expect(ok('integration.list').data.length).toBeGreaterThan(1);
      expect(ok('integration.get').data.id).toBe('anthropic');
      expect(ok('reference.list').data.map((r: Json) => r.name)).toContain('docs');
    });

    it('the file system: find, list, read, and a refusal', () => {
      expect(ok('fs.find').data[0]).toEqual({ path: 'src/greet.ts', type: 'file' });
      expect(ok('fs.find.directories').data[0]).toEqual({ path: 'src/', type: 'directory' });
      expect(ok('fs.list').data).toContainEqual({ path: 'src/greet.ts', type: 'file' });
      expect(calls['fs.list.outside']).toMatchObject({
        status: 403,
        error: { _tag: 'ForbiddenError' },
      });
      expect(ok('fs.read')).toContain('export const greet');
      expect(ok('fs.read.other')).toBe('from the other directory\n');
    });
  });
});
