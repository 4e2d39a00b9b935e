import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InstanceService } from '../../src/core/instance/instance.service';
import type { Instance } from '../../src/core/instance/instance';
import { LspService } from '../../src/lsp/lsp.service';
import { gitRepo, tempDir } from '../support/fixtures';
import { connectSse, frameType } from '../support/sse-client';
import { startTestApp, TestApp } from '../support/test-app';

const FAKE_SERVER = join(__dirname, '..', 'support', 'fake-lsp-server.js');

interface LogEntry {
  pid: number;
  event: string;
  method?: string;
  /** As the fake server received them (the fields the tests look at). */
  params?: {
    processId?: number;
    rootUri?: string;
    initializationOptions?: unknown;
    textDocument?: { uri: string; languageId?: string; version?: number };
  };
  result?: unknown;
  cwd?: string;
  env?: string;
  child?: number;
  clean?: boolean;
}

function readLog(file: string): LogEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogEntry);
}

/** Whether the process runs; a zombie waiting for its (re)parent to reap it counts as gone. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) Z/.test(stat);
}

async function until<T>(probe: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A project whose `opencode.json` configures the fake server for `.fake` files. */
function fakeProject(extra: Record<string, unknown> = {}, args: string[] = []) {
  const log = join(tempDir('lsp-log-'), 'server.log');
  const directory = gitRepo({
    'opencode.json': JSON.stringify({
      lsp: {
        fake: {
          command: ['node', FAKE_SERVER, '--log', log, ...args],
          extensions: ['.fake'],
          ...extra,
        },
      },
    }),
    'src/a.fake': 'function alpha\nclass Beta\nERROR: broken thing\n',
    'notes.txt': 'not for the fake server\n',
  });
  return { directory, log };
}

describe('LSP: servers per instance (GET /lsp, touchFile, diagnostics, symbols)', () => {
  let t: TestApp;
  let lsp: LspService;
  const instanceOf = (directory: string): Promise<Instance> =>
    t.app.get(InstanceService).resolve(directory);
  const status = async (directory: string) =>
    (await t.http.get('/lsp').query({ directory }).expect(200)).body;

  beforeAll(async () => {
    t = await startTestApp();
    lsp = t.app.get(LspService);
  });
  afterAll(() => t.close());

  it('starts a configured server on the first touch of its files, and stops it on dispose', async () => {
    const { directory, log } = fakeProject({
      env: { FAKE_LSP_MARK: 'from-config' },
      initialization: { fake: { answer: 42 } },
    });
    const events = connectSse(`${t.url}/event?directory=${encodeURIComponent(directory)}`);
    await events.waitFor((frame) => frameType(frame) === 'server.connected');
    const instance = await instanceOf(directory);

    expect(await status(directory)).toEqual([]);
    await lsp.touchFile(instance, 'notes.txt');
    expect(await status(directory)).toEqual([]);
    expect(readLog(log)).toEqual([]);

    const file = join(directory, 'src/a.fake');
    await lsp.touchFile(instance, file, { waitForDiagnostics: true });
    expect(await status(directory)).toEqual([
      { id: 'fake', name: 'fake', root: '', status: 'connected' },
    ]);
    await events.waitFor((frame) => frameType(frame) === 'lsp.updated');
    expect(lsp.hasClients(instance)).toBe(true);

    // Diagnostics as published for the file's content.
    expect(lsp.diagnostics(instance)[file]).toEqual([
      expect.objectContaining({
        message: 'broken thing',
        severity: 1,
        range: { start: { line: 2, character: 0 }, end: { line: 2, character: 19 } },
      }),
    ]);

    expect(lsp.errorReport(instance, file)).toContain(
      `<diagnostics file="${file}">\nERROR [3:1] broken thing\n</diagnostics>`,
    );

    // Workspace symbols, in the reference's Symbol shape.
    const uri = pathToFileURL(file).href;
    expect(await lsp.workspaceSymbols(instance, 'alp')).toEqual([
      {
        name: 'alpha',
        kind: 12,
        location: {
          uri,
          range: { start: { line: 0, character: 9 }, end: { line: 0, character: 14 } },
        },
      },
    ]);
    expect((await lsp.workspaceSymbols(instance, '')).map((s) => s.name)).toEqual([
      'alpha',
      'Beta',
    ]);

    // A second touch sends the new content as a change, and diagnostics follow it.
    writeFileSync(file, 'const gamma\n');
    await lsp.touchFile(instance, file, { waitForDiagnostics: true });
    expect(lsp.diagnostics(instance)[file]).toEqual([]);
    expect((await lsp.workspaceSymbols(instance, 'gam')).map((s) => s.name)).toEqual(['gamma']);

    const entries = readLog(log);
    const start = entries.find((e) => e.event === 'start')!;
    expect(start).toMatchObject({ cwd: directory, env: 'from-config' });
    const initialize = entries.find((e) => e.method === 'initialize')!;
    expect(initialize.params).toMatchObject({
      processId: process.pid,
      rootUri: pathToFileURL(directory).href,
      initializationOptions: { fake: { answer: 42 } },
    });
    const notifications = entries.map((e) => e.method).filter((m) => m && m !== 'workspace/symbol');
    expect(notifications).toEqual([
      'initialize',
      'initialized',
      'workspace/didChangeConfiguration',
      'workspace/didChangeWatchedFiles',
      'textDocument/didOpen',
      'workspace/didChangeWatchedFiles',
      'textDocument/didChange',
    ]);
    const opened = entries.find((e) => e.method === 'textDocument/didOpen')!;
    expect(opened.params?.textDocument).toMatchObject({ uri, languageId: 'plaintext', version: 0 });
    const changed = entries.find((e) => e.method === 'textDocument/didChange')!;
    expect(changed.params?.textDocument).toEqual({ uri, version: 1 });
    // `workspace/configuration` is answered from `initialization`.
    expect(entries.find((e) => e.event === 'configuration')?.result).toEqual([{ answer: 42 }]);

    await t.http.post('/instance/dispose').query({ directory }).expect(200);
    expect(alive(start.pid)).toBe(false);
    expect(readLog(log).filter((e) => e.event === 'exit')).toEqual([
      expect.objectContaining({ clean: true }),
    ]);
    expect(readLog(log).map((e) => e.method)).toContain('shutdown');
    // The next request gets a fresh instance: nothing started.
    expect(await status(directory)).toEqual([]);
    events.close();
  });

  it('shows a server whose command does not exist as error, without failing the touch', async () => {
    const directory = gitRepo({
      'opencode.json': JSON.stringify({
        lsp: { broken: { command: ['opencode-no-such-language-server'], extensions: ['.nope'] } },
      }),
      'x.nope': 'x\n',
    });
    const events = connectSse(`${t.url}/event?directory=${encodeURIComponent(directory)}`);
    await events.waitFor((frame) => frameType(frame) === 'server.connected');
    const instance = await instanceOf(directory);
    await expect(lsp.touchFile(instance, 'x.nope')).resolves.toBeUndefined();
    expect(await status(directory)).toEqual([
      { id: 'broken', name: 'broken', root: '', status: 'error' },
    ]);
    await events.waitFor((frame) => frameType(frame) === 'lsp.updated');
    // Not retried on every touch.
    await lsp.touchFile(instance, 'x.nope');
    expect(await status(directory)).toHaveLength(1);
    expect(lsp.hasClients(instance)).toBe(false);
    expect(await lsp.workspaceSymbols(instance, 'x')).toEqual([]);
    events.close();
  });

  it('marks a server that exits on its own as error', async () => {
    const { directory, log } = fakeProject();
    const instance = await instanceOf(directory);
    writeFileSync(join(directory, 'src/a.fake'), 'CRASH_NOW\n');
    await lsp.touchFile(instance, 'src/a.fake');
    await until(async () => (await status(directory))[0]?.status === 'error');
    expect(readLog(log).map((e) => e.event)).toContain('crash');
    expect(lsp.hasClients(instance)).toBe(false);
  });

  it('kills a server that ignores exit, and what it spawned, when the instance goes', async () => {
    const { directory, log } = fakeProject({}, ['--ignore-exit', '--spawn-child']);
    const instance = await instanceOf(directory);
    await lsp.touchFile(instance, 'src/a.fake');
    const start = readLog(log).find((e) => e.event === 'start')!;
    expect(alive(start.pid)).toBe(true);
    expect(alive(start.child!)).toBe(true);
    await t.http.post('/instance/dispose').query({ directory }).expect(200);
    expect(alive(start.pid)).toBe(false);
    await until(() => !alive(start.child!), 2000);
  });

  it('restarts a server whose config changed', async () => {
    const { directory, log } = fakeProject({ initialization: { fake: { answer: 1 } } });
    const instance = await instanceOf(directory);
    await lsp.touchFile(instance, 'src/a.fake');
    const first = readLog(log).find((e) => e.event === 'start')!;

    await t.http
      .patch('/config')
      .query({ directory })
      .send({ lsp: { fake: { command: ['node', FAKE_SERVER, '--log', log], initialization: {} } } })
      .expect(200);
    await lsp.touchFile(instance, 'src/a.fake');
    const starts = readLog(log).filter((e) => e.event === 'start');
    expect(starts).toHaveLength(2);
    await until(() => !alive(first.pid), 3000);
    expect(await status(directory)).toEqual([
      { id: 'fake', name: 'fake', root: '', status: 'connected' },
    ]);

    // Switched off: gone from the list, and stopped, without waiting for a touch.
    await t.http.patch('/config').query({ directory }).send({ lsp: false }).expect(200);
    expect(await status(directory)).toEqual([]);
    await until(() => !alive(starts[1].pid), 3000);
  });

  it('starts nothing when lsp is omitted or false, and ignores files outside the project', async () => {
    for (const config of [{}, { lsp: false }]) {
      const directory = gitRepo({ 'opencode.json': JSON.stringify(config), 'a.ts': 'x\n' });
      const instance = await instanceOf(directory);
      await lsp.touchFile(instance, 'a.ts');
      expect(await status(directory)).toEqual([]);
    }
    const { directory, log } = fakeProject();
    const outside = join(tempDir(), 'elsewhere.fake');
    writeFileSync(outside, 'function x\n');
    await lsp.touchFile(await instanceOf(directory), outside);
    expect(readLog(log)).toEqual([]);
    expect(await status(directory)).toEqual([]);
  });

  it('enables a built-in only where its binary is installed (typescript)', async () => {
    const log = join(tempDir('lsp-log-'), 'ts.log');
    const directory = gitRepo({
      'opencode.json': JSON.stringify({ lsp: true }),
      'package-lock.json': '{}',
      'node_modules/typescript/lib/tsserver.js': '',
      'node_modules/.bin/typescript-language-server': `#!/bin/sh\nexec "${process.execPath}" "${FAKE_SERVER}" --log "${log}" "$@"\n`,
      'src/index.ts': 'function main\n',
    });
    chmodSync(join(directory, 'node_modules/.bin/typescript-language-server'), 0o755);
    const instance = await instanceOf(directory);
    await lsp.touchFile(instance, 'src/index.ts', { waitForDiagnostics: true });
    expect(await status(directory)).toEqual([
      { id: 'typescript', name: 'typescript', root: '', status: 'connected' },
    ]);
    const initialize = readLog(log).find((e) => e.method === 'initialize')!;
    expect(initialize.params?.initializationOptions).toEqual({
      tsserver: { path: join(directory, 'node_modules/typescript/lib/tsserver.js') },
    });
    const opened = readLog(log).find((e) => e.method === 'textDocument/didOpen')!;
    expect(opened.params?.textDocument?.languageId).toBe('typescript');
    await t.http.post('/instance/dispose').query({ directory }).expect(200);

    // Without TypeScript in the project, the built-in is not available: nothing listed.
    const bare = gitRepo({ 'opencode.json': JSON.stringify({ lsp: true }), 'a.ts': 'x\n' });
    await lsp.touchFile(await instanceOf(bare), 'a.ts');
    expect(await status(bare)).toEqual([]);

    // And a built-in can be switched off.
    const off = gitRepo({
      'opencode.json': JSON.stringify({ lsp: { typescript: { disabled: true } } }),
      'package-lock.json': '{}',
      'node_modules/typescript/lib/tsserver.js': '',
      'src/index.ts': 'x\n',
    });
    await lsp.touchFile(await instanceOf(off), 'src/index.ts');
    expect(await status(off)).toEqual([]);
  });
});

describe('LSP: server shutdown', () => {
  it('stops every language server when the server closes', async () => {
    const t = await startTestApp();
    const { directory, log } = fakeProject();
    const instance = await t.app.get(InstanceService).resolve(directory);
    await t.app.get(LspService).touchFile(instance, 'src/a.fake');
    const start = readLog(log).find((e) => e.event === 'start')!;
    expect(alive(start.pid)).toBe(true);
    await t.close();
    expect(alive(start.pid)).toBe(false);
    expect(readLog(log).find((e) => e.event === 'exit')).toMatchObject({ clean: true });
  });
});
