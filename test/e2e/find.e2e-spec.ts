import { rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InstanceService } from '../../src/core/instance/instance.service';
import { LspService } from '../../src/lsp/lsp.service';
import { gitRepo, tempDir, writeFiles } from '../support/fixtures';
import { connectSse, frameType, SseClient, SseFrame } from '../support/sse-client';
import { startTestApp, TestApp } from '../support/test-app';

interface TextMatch {
  path: { text: string };
  lines: { text: string };
  line_number: number;
  absolute_offset: number;
  submatches: { match: { text: string }; start: number; end: number }[];
}

interface WatcherFrame {
  type: string;
  properties: { file: string; event: string };
}

/** The bus event of a frame of `/event`, or of `/global/event` (wrapped in `payload`). */
const watcherEvent = (frame: SseFrame) => {
  const data = frame.data as WatcherFrame & { payload?: WatcherFrame };
  return data.payload ?? data;
};
const isWatcherEvent = (file: string, event: string) => (frame: SseFrame) =>
  frameType(frame) === 'file.watcher.updated' &&
  watcherEvent(frame).properties.file === file &&
  watcherEvent(frame).properties.event === event;

/** Polls `fn` until it returns true (the watcher is asynchronous). */
async function eventually(fn: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function fixture(outside: string): string {
  const project = gitRepo({
    '.gitignore': '*.log\nbuild/\n',
    'opencode.json': JSON.stringify({ watcher: { ignore: ['generated/**'] } }),
    'README.md': '# demo needle\n',
    'src/index.ts': [
      "import { x } from './x';",
      'export const needle = 1;',
      'export class WidgetStore {}',
      'export interface WidgetOptions { size: number }',
      'export async function renderWidget() {',
      '  const local = needle;',
      '}',
      '',
    ].join('\n'),
    'src/nested/deep/util.py': 'class Helper:\n    def assist(self):\n        return "needle"\n',
    'lib/main.go': 'package main\n\nfunc (s *Server) ServeWidget() {}\ntype Config struct {}\n',
    'lib/mod.rs': 'pub struct Engine;\npub fn start_engine() {}\n',
    'ünï/文字.md': 'ünï needle ✓\n',
    'data/blob.bin': Buffer.concat([Buffer.from('needle\n'), Buffer.from([0, 1, 2])]),
    'many/lines.txt': 'needle\n'.repeat(30),
  });
  writeFiles(project, {
    'debug.log': 'needle in an ignored file\n',
    'build/out.js': 'const needle = "ignored";\n',
    'generated/api.ts': 'export const needle = "watcher.ignore";\n',
  });
  symlinkSync(join(outside, 'secret.txt'), join(project, 'leak.txt'));
  return project;
}

describe('find: GET /find, /find/file, /find/symbol', () => {
  let t: TestApp;
  let project: string;
  let outside: string;

  beforeAll(async () => {
    outside = tempDir('opencode-outside-');
    writeFiles(outside, { 'secret.txt': 'needle outside the project\n' });
    project = fixture(outside);
    t = await startTestApp({ directory: project });
  });
  afterAll(async () => {
    await t.close();
    rmSync(project, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  describe('GET /find', () => {
    it('answers matches in ripgrep JSON shape, in path order, respecting .gitignore', async () => {
      const res = await t.http.get('/find').query({ pattern: 'needle' }).expect(200);
      const matches = res.body as TextMatch[];
      const files = [...new Set(matches.map((m) => m.path.text))];
      expect(files).toEqual([
        'README.md',
        'many/lines.txt',
        'src/index.ts',
        'src/nested/deep/util.py',
        'ünï/文字.md',
      ]);
      expect(matches.find((m) => m.path.text === 'src/index.ts')).toEqual({
        path: { text: 'src/index.ts' },
        lines: { text: 'export const needle = 1;\n' },
        line_number: 2,
        absolute_offset: 25,
        submatches: [{ match: { text: 'needle' }, start: 13, end: 19 }],
      });
      // Byte offsets, as ripgrep counts them.
      expect(matches.find((m) => m.path.text === 'ünï/文字.md')?.submatches).toEqual([
        { match: { text: 'needle' }, start: 6, end: 12 },
      ]);
    });

    it('caps matches per file (10, like the reference) and never follows symlinks out', async () => {
      const res = await t.http.get('/find').query({ pattern: 'needle' }).expect(200);
      const matches = res.body as TextMatch[];
      expect(matches.filter((m) => m.path.text === 'many/lines.txt')).toHaveLength(10);
      expect(JSON.stringify(matches)).not.toContain('outside the project');
    });

    it('supports regular expressions', async () => {
      const res = await t.http
        .get('/find')
        .query({ pattern: '^export (class|interface) Widget\\w+' });
      expect((res.body as TextMatch[]).map((m) => m.line_number)).toEqual([3, 4]);
    });

    it.each([
      ['(', 'Unterminated group'],
      ['[a-', 'Unterminated character class'],
      ['*x', 'Nothing to repeat'],
    ])('refuses %j with a 400 naming the problem', async (pattern, problem) => {
      const res = await t.http.get('/find').query({ pattern }).expect(400);
      expect(res.body).toEqual({
        name: 'BadRequest',
        data: {
          message: `pattern is not a valid regular expression: ${problem}`,
          kind: 'Query',
          field: 'pattern',
        },
      });
    });

    it('refuses a missing or over-long pattern', async () => {
      for (const query of [{}, { pattern: 'a'.repeat(1001) }, { pattern: ['a', 'b'] }]) {
        const res = await t.http.get('/find').query(query).expect(400);
        expect(res.body.data).toMatchObject({ kind: 'Query', field: 'pattern' });
      }
    });
  });

  describe('GET /find/file', () => {
    const find = async (query: Record<string, string | number>) =>
      (await t.http.get('/find/file').query(query).expect(200)).body as string[];

    it('finds files and directories by fuzzy name, best first', async () => {
      const found = await find({ query: 'index' });
      expect(found[0]).toBe('src/index.ts');
      expect(await find({ query: 'deep' })).toEqual(
        expect.arrayContaining(['src/nested/deep/', 'src/nested/deep/util.py']),
      );
      expect(await find({ query: '文字' })).toEqual(['ünï/文字.md']);
    });

    it('leaves out .gitignored paths, the config watcher.ignore, .git and links out', async () => {
      const all = await find({ query: '', type: 'file', limit: 200 });
      expect(all).toEqual(
        expect.arrayContaining(['README.md', 'src/index.ts', 'opencode.json', 'data/blob.bin']),
      );
      for (const hidden of ['debug.log', 'build/out.js', 'generated/api.ts', 'leak.txt']) {
        expect(all).not.toContain(hidden);
      }
      expect(all.some((p) => p.startsWith('.git/'))).toBe(false);
      expect(await find({ query: 'out.js' })).toEqual([]);
    });

    it('filters by type, honours the legacy dirs=false, and limits', async () => {
      const dirs = await find({ query: 'n', type: 'directory' });
      expect(dirs.length).toBeGreaterThan(0);
      expect(dirs.every((p) => p.endsWith('/'))).toBe(true);
      const files = await find({ query: 'n', dirs: 'false' });
      expect(files.length).toBeGreaterThan(0);
      expect(files.some((p) => p.endsWith('/'))).toBe(false);
      expect(await find({ query: 'n', limit: 2 })).toHaveLength(2);
      expect(await find({ query: '', type: 'directory' })).toEqual(
        expect.arrayContaining(['src/', 'src/nested/', 'lib/', 'ünï/']),
      );
    });

    it.each([
      ['no query', {}, 'query'],
      ['a 1,001-character query', { query: 'x'.repeat(1001) }, 'query'],
      ['a 5,000-character query', { query: 'x'.repeat(5000) }, 'query'],
      ['limit 0', { query: 'a', limit: 0 }, 'limit'],
      ['limit 201', { query: 'a', limit: 201 }, 'limit'],
      ['limit "ten"', { query: 'a', limit: 'ten' }, 'limit'],
      ['limit 1.5', { query: 'a', limit: 1.5 }, 'limit'],
      ['type "symlink"', { query: 'a', type: 'symlink' }, 'type'],
      ['dirs "maybe"', { query: 'a', dirs: 'maybe' }, 'dirs'],
      ['an unknown parameter', { query: 'a', bogus: '1' }, 'bogus'],
    ])('answers %s with a 400 naming %s', async (_, query, field) => {
      const res = await t.http.get('/find/file').query(query).expect(400);
      expect(res.body).toEqual({
        name: 'BadRequest',
        data: { message: expect.stringContaining(field), kind: 'Query', field },
      });
    });

    it('keeps serving after an over-long query (the reference crashes on 5,000 characters)', async () => {
      await t.http
        .get('/find/file')
        .query({ query: 'q'.repeat(5000) })
        .expect(400);
      await t.http
        .get('/find/file')
        .query({ query: 'q'.repeat(1000) })
        .expect(200, []);
      expect(await find({ query: 'readme' })).toEqual(['README.md']);
    });

    it('searches another project when ?directory= names it', async () => {
      const other = gitRepo({ 'elsewhere/only-there.txt': 'x\n' });
      try {
        const res = await t.http
          .get('/find/file')
          .query({ query: 'only-there', directory: other })
          .expect(200);
        expect(res.body).toEqual(['elsewhere/only-there.txt']);
        expect(await find({ query: 'only-there' })).toEqual([]);
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    });
  });

  describe('GET /find/symbol', () => {
    it('answers declarations whose names match, as LSP symbols', async () => {
      const res = await t.http.get('/find/symbol').query({ query: 'Widget' }).expect(200);
      const uri = pathToFileURL(join(project, 'src/index.ts')).href;
      expect(res.body).toEqual(
        expect.arrayContaining([
          {
            name: 'WidgetStore',
            kind: 5,
            location: {
              uri,
              range: { start: { line: 2, character: 13 }, end: { line: 2, character: 24 } },
            },
          },
          expect.objectContaining({ name: 'WidgetOptions', kind: 11 }),
          expect.objectContaining({ name: 'renderWidget', kind: 12 }),
          expect.objectContaining({ name: 'ServeWidget', kind: 6 }),
        ]),
      );
      const names = (res.body as { name: string }[]).map((s) => s.name);
      expect(names).not.toContain('local'); // A local binding is not a workspace symbol.
    });

    it('covers Python, Go and Rust declarations', async () => {
      const kinds = async (query: string) =>
        (
          (await t.http.get('/find/symbol').query({ query }).expect(200)).body as {
            name: string;
            kind: number;
          }[]
        ).map((s) => `${s.name}:${s.kind}`);
      expect(await kinds('Helper')).toContain('Helper:5');
      expect(await kinds('assist')).toContain('assist:6');
      expect(await kinds('Config')).toContain('Config:23');
      expect(await kinds('start_engine')).toContain('start_engine:12');
    });

    it('refuses a missing or over-long query', async () => {
      await t.http.get('/find/symbol').expect(400);
      await t.http
        .get('/find/symbol')
        .query({ query: 'x'.repeat(1001) })
        .expect(400);
    });
  });

  describe('the file watcher', () => {
    let sse: SseClient;
    beforeAll(async () => {
      sse = connectSse(`${t.url}/event`);
      await sse.waitFor((frame) => frameType(frame) === 'server.connected');
      await t.http.get('/find/file').query({ query: 'x' }).expect(200); // Engine started.
    });
    afterAll(() => sse.close());

    it('publishes file.watcher.updated and /find/file sees a new file without a rescan', async () => {
      const file = join(project, 'src/brand-new-widget.ts');
      writeFileSync(file, 'export const fresh = 1;\n');
      const frame = await sse.waitFor(isWatcherEvent(file, 'add'));
      expect(frame.data).toEqual({
        id: expect.stringMatching(/^evt_/),
        type: 'file.watcher.updated',
        properties: { file, event: 'add' },
      });
      await eventually(async () => {
        const res = await t.http.get('/find/file').query({ query: 'brand-new-widget' });
        return (res.body as string[]).includes('src/brand-new-widget.ts');
      });
      await eventually(async () => {
        const res = await t.http.get('/find').query({ pattern: 'fresh = 1' });
        return (res.body as TextMatch[]).length === 1;
      });

      writeFileSync(file, 'export const fresh = 2;\n');
      await sse.waitFor(isWatcherEvent(file, 'change'));
      unlinkSync(file);
      await sse.waitFor(isWatcherEvent(file, 'unlink'));
      await eventually(async () => {
        const res = await t.http.get('/find/file').query({ query: 'brand-new-widget' });
        return (res.body as string[]).length === 0;
      });
    });

    it('reports nothing for ignored paths (.gitignore and watcher.ignore)', async () => {
      writeFileSync(join(project, 'noise.log'), 'x\n');
      writeFileSync(join(project, 'generated/more.ts'), 'x\n');
      const marker = join(project, 'marker.txt');
      writeFileSync(marker, 'x\n');
      await sse.waitFor(isWatcherEvent(marker, 'add'));
      const reported = sse.frames
        .filter((f) => frameType(f) === 'file.watcher.updated')
        .map((f) => watcherEvent(f).properties.file);
      expect(reported).not.toContain(join(project, 'noise.log'));
      expect(reported).not.toContain(join(project, 'generated/more.ts'));
      expect(await t.http.get('/find/file').query({ query: 'more.ts' })).toHaveProperty('body', []);
    });

    it('stops with the instance and starts again on the next request', async () => {
      // /event ends with the instance; /global/event outlives it.
      const global = connectSse(`${t.url}/global/event`);
      try {
        await global.waitFor((frame) => frameType(frame) === 'server.connected');
        await t.http.post('/instance/dispose').expect(200);
        await global.waitFor((frame) => frameType(frame) === 'server.instance.disposed');
        const quiet = join(project, 'while-disposed.txt');
        writeFileSync(quiet, 'x\n');
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(global.frames.some(isWatcherEvent(quiet, 'add'))).toBe(false);

        // A fresh engine: walks the tree again (so it has the file) and watches again.
        const found = await t.http.get('/find/file').query({ query: 'while-disposed' });
        expect(found.body).toEqual(['while-disposed.txt']);
        const again = join(project, 'after-restart.txt');
        writeFileSync(again, 'x\n');
        await global.waitFor(isWatcherEvent(again, 'add'));
      } finally {
        global.close();
      }
    });
  });
});

describe('find: symbols from running language servers', () => {
  const FAKE_SERVER = join(__dirname, '..', 'support', 'fake-lsp-server.js');
  let t: TestApp;

  beforeAll(async () => {
    const project = gitRepo({
      'opencode.json': JSON.stringify({
        lsp: { fake: { command: ['node', FAKE_SERVER], extensions: ['.fake', '.ts'] } },
      }),
      'src/a.fake': 'function alphaFake\n',
      'src/b.ts': 'function alphaTs() {}\n',
      'src/c.py': 'def alpha_py():\n    pass\n',
    });
    t = await startTestApp({ directory: project });
  });
  afterAll(async () => {
    await t.close();
    rmSync(t.directory, { recursive: true, force: true });
  });

  it('answers what the servers know first, then scanned declarations, each once', async () => {
    const instance = await t.app.get(InstanceService).resolve(t.directory);
    const lsp = t.app.get(LspService);
    await lsp.touchFile(instance, 'src/a.fake', { waitForDiagnostics: true });
    await lsp.touchFile(instance, 'src/b.ts', { waitForDiagnostics: true });
    const res = await t.http.get('/find/symbol').query({ query: 'alpha' }).expect(200);
    const symbols = res.body as { name: string; location: { uri: string } }[];
    const names = symbols.map((s) => s.name);
    // alphaFake only a server can know (no scanner for .fake); alpha_py only the scan finds.
    expect(names.slice(0, 2).sort()).toEqual(['alphaFake', 'alphaTs']);
    expect(names).toContain('alpha_py');
    expect(names.filter((n) => n === 'alphaTs')).toHaveLength(1);
    expect(symbols.find((s) => s.name === 'alphaFake')?.location.uri).toBe(
      pathToFileURL(join(t.directory, 'src/a.fake')).href,
    );
  });
});

describe('find: a search that runs out of time', () => {
  let t: TestApp;
  beforeAll(async () => {
    const project = gitRepo({ 'evil.txt': `${'a'.repeat(40)}!\n`, 'ok.txt': 'fine\n' });
    t = await startTestApp({ directory: project, env: { OPENCODE_FIND_TIMEOUT_MS: '300' } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(t.directory, { recursive: true, force: true });
  });

  it('is stopped with a 503 SearchTimeoutError, and the next search works', async () => {
    const res = await t.http.get('/find').query({ pattern: '^(a+)+$' }).expect(503);
    expect(res.body).toEqual({
      name: 'SearchTimeoutError',
      data: { message: expect.stringContaining('300 ms'), timeoutMs: 300 },
    });
    const ok = await t.http.get('/find').query({ pattern: 'fine' }).expect(200);
    expect((ok.body as TextMatch[]).map((m) => m.path.text)).toEqual(['ok.txt']);
  });
});
