import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InstanceService } from '../../src/core/instance/instance.service';
import { TuiControlService } from '../../src/tui/tui-control.service';
import {
  requestMessages,
  sessionOf,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
  type BusEvent,
} from '../support/agent-app';
import { startFakeShareServer, type FakeShareServer } from '../support/fake-share-server';
import { runGit, tempDir, writeFiles } from '../support/fixtures';

/*
 * Scripts written against the OFFICIAL opencode SDK (`@opencode-ai/sdk`, its default v1 client)
 * must work unchanged against this server. The SDK is ESM-only and jest runs CommonJS here, so
 * each scenario runs in `test/support/official-sdk-scenario.mjs`, a plain Node script that drives
 * the server through `createOpencodeClient({ baseUrl, directory })` and prints what every call
 * returned; these tests assert on that output (and on the server's side effects).
 *
 * Where the v1 SDK's TypeScript types and the reference contract disagree, the reference wins
 * (it is what the SDK's own server sends): diffs are `{ file, patch, additions, deletions,
 * status }`, `/shell` answers `{ info, parts }`, todos have no `id`, permissions are
 * `permission.asked` / `permission.replied { requestID, reply }`, and streamed text arrives as
 * `message.part.delta`.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the script's JSON is read field by field */
type Json = any;

interface CallRecord {
  /** `METHOD /path?query` as the SDK sent it. */
  request?: string;
  status?: number;
  data?: Json;
  error?: Json;
  /** The call threw (network failure, or `throwOnError`). */
  thrown?: string;
  cause?: Json;
}

interface ScenarioOutput {
  scenario: string;
  calls: Record<string, CallRecord>;
  [extra: string]: Json;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const SCRIPT = join(__dirname, '..', 'support', 'official-sdk-scenario.mjs');
const SESSION_ID = /^ses_[0-9A-Za-z]+$/;
const MESSAGE_ID = /^msg_[0-9A-Za-z]+$/;
const PART_ID = /^prt_[0-9A-Za-z]+$/;
const NOT_FOUND = { name: 'NotFoundError', data: { message: expect.any(String) } };

describe('the official SDK (@opencode-ai/sdk, v1 client) against this server', () => {
  let share: FakeShareServer;
  let t: AgentTestApp;

  beforeAll(async () => {
    share = await startFakeShareServer();
    // A space and a non-ASCII letter in the project path: the SDK sends the directory
    // URL-encoded in `x-opencode-directory` (POST, DELETE, SSE) and as `?directory=` on GETs.
    const directory = join(tempDir('opencode-sdk-'), 'my project ü');
    mkdirSync(directory);
    runGit(directory, 'init', '-q', '-b', 'main');
    writeFiles(directory, {
      'README.md': '# test\n',
      'src/app.ts': 'export function greet() {\n  return "needle";\n}\n',
    });
    runGit(directory, 'add', '-A');
    runGit(directory, 'commit', '-q', '-m', 'initial');
    writeFiles(directory, { 'README.md': '# test\nneedle here\n' });
    t = await startAgentTestApp({
      directory,
      env: { OPENCODE_SHARE_URL: share.url, OPENCODE_TUI_CONTROL_POLL_TIMEOUT_MS: '2000' },
      config: {
        permission: { bash: 'ask' },
        command: { greet: { template: 'Greet $ARGUMENTS', description: 'Says hello' } },
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await share.close();
  });

  /** Runs one scenario of the script against the test server and parses its output. */
  function run(scenario: string): Promise<ScenarioOutput> {
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [SCRIPT, scenario, t.url, t.directory],
        { timeout: 15_000, maxBuffer: 32 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error) {
            reject(new Error(`scenario ${scenario} failed: ${error.message}\n${stderr}`));
            return;
          }
          resolve(JSON.parse(stdout) as ScenarioOutput);
        },
      );
    });
  }

  /** The data of a call that must have succeeded with `status`. */
  function ok(out: ScenarioOutput, name: string, status = 200): Json {
    const call = out.calls[name];
    expect({ name, status: call?.status, error: call?.error, thrown: call?.thrown }).toEqual({
      name,
      status,
      error: undefined,
      thrown: undefined,
    });
    return call.data;
  }

  /** The SDK's error object of a call that must have failed with `status`. */
  function failed(out: ScenarioOutput, name: string, status: number): Json {
    const call = out.calls[name];
    expect({ name, status: call?.status, thrown: call?.thrown }).toEqual({
      name,
      status,
      thrown: undefined,
    });
    expect(call.data).toBeUndefined();
    return call.error;
  }

  /** Every GET of the scenario carried the project directory as `?directory=` (decoded). */
  function expectDirectoryOnGets(out: ScenarioOutput): void {
    const gets = Object.values(out.calls).filter((call) => call.request?.startsWith('GET '));
    expect(gets.length).toBeGreaterThan(0);
    for (const call of gets) {
      const url = new URL(call.request!.slice('GET '.length), t.url);
      expect(url.searchParams.get('directory')).toBe(t.directory);
    }
  }

  it('discovery: projects, paths, config, providers, agents, commands, tools, files, find, status routes', async () => {
    const out = await run('discovery');
    expectDirectoryOnGets(out);

    // `global.event()`: the first event of the stream, wrapped as a GlobalEvent.
    expect(out.globalFirstEvent).toMatchObject({
      payload: { type: 'server.connected', properties: {} },
    });
    expect(ok(out, 'global.health')).toEqual({ healthy: true, version: expect.any(String) });

    const current = ok(out, 'project.current');
    expect(current).toMatchObject({
      id: expect.any(String),
      worktree: t.directory,
      vcs: 'git',
      time: { created: expect.any(Number) },
    });
    expect(ok(out, 'project.list')).toContainEqual(expect.objectContaining({ id: current.id }));
    expect(ok(out, 'path.get')).toEqual({
      home: t.home,
      state: expect.any(String),
      config: expect.any(String),
      worktree: t.directory,
      directory: t.directory,
    });
    expect(ok(out, 'vcs.get')).toMatchObject({ branch: 'main' });

    expect(ok(out, 'config.get')).toMatchObject({
      model: 'fake/fake-model',
      command: { greet: { template: 'Greet $ARGUMENTS' } },
    });
    const providers = ok(out, 'config.providers');
    // OpenCode Zen's free models are connected without a key, as in the reference.
    expect(providers.default).toEqual({ opencode: 'big-pickle', fake: 'fake-model' });
    expect(providers.providers).toEqual([
      expect.objectContaining({ id: 'opencode', source: 'custom' }),
      expect.objectContaining({
        id: 'fake',
        name: 'Fake',
        models: expect.objectContaining({
          'fake-model': expect.objectContaining({ id: 'fake-model', providerID: 'fake' }),
        }),
      }),
    ]);
    const list = ok(out, 'provider.list');
    expect(list.connected).toEqual(['opencode', 'fake']);
    expect(list.default).toMatchObject({ fake: 'fake-model' });
    expect(list.all.map((provider: { id: string }) => provider.id)).toEqual(
      expect.arrayContaining(['fake', 'anthropic', 'openai']),
    );
    expect(ok(out, 'provider.auth').poe).toContainEqual({
      type: 'oauth',
      label: 'Login with Poe (browser)',
    });
    const authorization = ok(out, 'provider.oauth.authorize');
    expect(authorization).toEqual({
      url: expect.stringMatching(/^https:\/\/poe\.com\/.+code_challenge=/),
      method: 'auto',
      instructions: expect.any(String),
    });
    expect(failed(out, 'provider.oauth.callback', 400)).toMatchObject({
      name: 'ProviderAuthOauthMissing',
      data: { providerID: 'openai' },
    });

    const agents = ok(out, 'app.agents');
    expect(agents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'build', mode: 'primary' }),
        expect.objectContaining({ name: 'plan', mode: 'primary' }),
        expect.objectContaining({ name: 'general', mode: 'subagent' }),
      ]),
    );
    expect(ok(out, 'command.list')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'init', template: expect.any(String) }),
        expect.objectContaining({ name: 'greet', template: 'Greet $ARGUMENTS' }),
      ]),
    );
    const ids = ok(out, 'tool.ids');
    expect(ids).toEqual(
      expect.arrayContaining(['bash', 'read', 'glob', 'grep', 'write', 'edit', 'todowrite']),
    );
    const tools = ok(out, 'tool.list');
    expect(tools.map((tool: { id: string }) => tool.id)).toEqual(expect.arrayContaining(ids));
    expect(tools.find((tool: { id: string }) => tool.id === 'read')).toMatchObject({
      description: expect.any(String),
      parameters: { type: 'object', properties: { filePath: expect.any(Object) } },
    });

    expect(ok(out, 'file.list')).toEqual([
      expect.objectContaining({ name: 'src', path: 'src', type: 'directory', ignored: false }),
      expect.objectContaining({ name: 'README.md', path: 'README.md', type: 'file' }),
    ]);
    expect(ok(out, 'file.list:src')).toEqual([
      {
        name: 'app.ts',
        path: 'src/app.ts',
        absolute: join(t.directory, 'src', 'app.ts'),
        type: 'file',
        ignored: false,
      },
    ]);
    expect(ok(out, 'file.read')).toMatchObject({
      type: 'text',
      content: '# test\nneedle here\n',
    });
    expect(ok(out, 'file.status')).toEqual([
      { path: 'README.md', added: 1, removed: 0, status: 'modified' },
    ]);
    expect(failed(out, 'file.read:outside', 403)).toMatchObject({ name: 'ForbiddenPathError' });

    const matches = ok(out, 'find.text');
    expect(matches.map((match: Json) => match.path.text).sort()).toEqual([
      'README.md',
      'src/app.ts',
    ]);
    expect(matches[0]).toMatchObject({
      lines: { text: expect.stringContaining('needle') },
      line_number: expect.any(Number),
      submatches: [{ match: { text: 'needle' }, start: expect.any(Number) }],
    });
    expect(ok(out, 'find.files')).toEqual(['src/app.ts']);
    expect(ok(out, 'find.files:dirs')).toContain('src/');
    expect(ok(out, 'find.symbols')).toContainEqual({
      name: 'greet',
      kind: 12,
      location: {
        uri: pathToFileURL(join(t.directory, 'src', 'app.ts')).href,
        range: expect.any(Object),
      },
    });

    expect(ok(out, 'lsp.status')).toEqual(expect.any(Array));
    expect(ok(out, 'formatter.status')).toEqual(expect.any(Array));
    expect(ok(out, 'mcp.status')).toEqual({});
    expect(ok(out, 'app.log')).toBe(true);
  });

  it('sessions: create, list, get, update, children, todo, status, delete; unknown ids are a 404 error', async () => {
    const out = await run('sessions');
    expectDirectoryOnGets(out);
    const { parent, child } = out.ids as { parent: string; child: string };

    const created = ok(out, 'session.create');
    expect(created).toMatchObject({
      id: expect.stringMatching(SESSION_ID),
      projectID: expect.any(String),
      directory: t.directory,
      title: 'SDK parent',
      version: expect.any(String),
      time: { created: expect.any(Number), updated: expect.any(Number) },
    });
    expect(created).not.toHaveProperty('parentID');
    // No body at all: the SDK sends no Content-Type either.
    expect(ok(out, 'session.create:empty')).toMatchObject({
      id: expect.stringMatching(SESSION_ID),
      title: expect.stringMatching(/^New session - /),
    });
    expect(ok(out, 'session.create:child')).toMatchObject({
      id: child,
      parentID: parent,
      title: 'SDK child',
    });
    const listed = ok(out, 'session.list').map((session: { id: string }) => session.id);
    expect(listed).toEqual(expect.arrayContaining([parent, child]));
    expect(ok(out, 'session.get')).toEqual(created);
    expect(ok(out, 'session.update')).toMatchObject({ id: parent, title: 'SDK renamed' });
    expect(ok(out, 'session.children')).toEqual([
      expect.objectContaining({ id: child, parentID: parent }),
    ]);
    expect(ok(out, 'session.todo')).toEqual([]);
    expect(ok(out, 'session.status')).toEqual({});
    expect(ok(out, 'session.messages:empty')).toEqual([]);
    expect(ok(out, 'session.delete:child')).toBe(true);
    expect(failed(out, 'session.get:deleted', 404)).toEqual(NOT_FOUND);

    for (const name of Object.keys(out.calls).filter((key) => key.startsWith('unknown:'))) {
      expect({ name, error: failed(out, name, 404) }).toEqual({ name, error: NOT_FOUND });
    }
    expect(failed(out, 'bad:session.get', 400)).toMatchObject({
      name: 'BadRequest',
      data: { field: 'sessionID' },
    });
  });

  it('a synchronous prompt answers { info, parts }: text, then a turn running read, glob and todowrite', async () => {
    const before = turnRequests(t.model).length;
    t.model.enqueue(
      { text: ['Hello ', 'from fake'] },
      {
        toolCalls: [
          { name: 'read', arguments: { filePath: 'README.md' } },
          { name: 'glob', arguments: { pattern: 'src/**/*.ts' } },
          {
            name: 'todowrite',
            arguments: { todos: [{ content: 'Ship it', status: 'pending', priority: 'high' }] },
          },
        ],
      },
      { text: 'Done reading' },
    );
    const out = await run('prompt');
    expectDirectoryOnGets(out);
    const sessionID = out.sessionID as string;

    const first = ok(out, 'session.prompt:text');
    expect(first.info).toMatchObject({
      id: expect.stringMatching(MESSAGE_ID),
      sessionID,
      role: 'assistant',
      parentID: expect.stringMatching(MESSAGE_ID),
      providerID: 'fake',
      modelID: 'fake-model',
      mode: 'build',
      path: { cwd: t.directory, root: t.directory },
      cost: expect.any(Number),
      tokens: { input: 10, output: 5, reasoning: 0, cache: { read: 0, write: 0 } },
      finish: 'stop',
      time: { created: expect.any(Number), completed: expect.any(Number) },
    });
    expect(first.parts.map((part: Json) => part.type)).toEqual([
      'step-start',
      'text',
      'step-finish',
    ]);
    expect(first.parts[1]).toMatchObject({
      id: expect.stringMatching(PART_ID),
      sessionID,
      messageID: first.info.id,
      text: 'Hello from fake',
    });
    // `system` and `tools` of the SDK's body reached the model.
    const requests = turnRequests(t.model).slice(before);
    expect(requests).toHaveLength(3);
    expect(JSON.stringify(requestMessages(requests[0])[0])).toContain('Answer in three words.');
    const offered = (requests[0].body.tools as Array<{ function: { name: string } }>).map(
      (tool) => tool.function.name,
    );
    expect(offered).toContain('read');
    expect(offered).not.toContain('bash');

    const second = ok(out, 'session.prompt:tools');
    expect(second.info).toMatchObject({ role: 'assistant', finish: 'stop' });
    expect(second.parts.find((part: Json) => part.type === 'text').text).toBe('Done reading');
    const toolResults = requestMessages(requests[2]).filter((message) => message.role === 'tool');
    expect(toolResults).toHaveLength(3);
    expect(JSON.stringify(toolResults[0].content)).toContain('needle here');

    const noReply = ok(out, 'session.prompt:noReply');
    expect(noReply.info).toMatchObject({ role: 'user', sessionID });
    const file = noReply.parts.find((part: Json) => part.type === 'file');
    expect(file).toMatchObject({ mime: 'text/plain', filename: 'README.md' });
    // Stored as a data: URL, so the conversation keeps what the file said then.
    const [, base64] = (file.url as string).split(';base64,');
    expect(Buffer.from(base64, 'base64').toString('utf8')).toBe('# test\nneedle here\n');

    const messages = ok(out, 'session.messages');
    expect(messages.map((message: Json) => message.info.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'assistant',
      'user',
    ]);
    expect(messages[0].info).toMatchObject({
      role: 'user',
      agent: 'build',
      model: { providerID: 'fake', modelID: 'fake-model' },
      system: 'Answer in three words.',
      tools: { bash: false },
    });
    expect(messages[0].parts).toEqual([
      expect.objectContaining({ type: 'text', text: 'Say hello', messageID: messages[0].info.id }),
    ]);
    const toolTurn = messages[3];
    expect(toolTurn.info.finish).toBe('tool-calls');
    const toolParts = toolTurn.parts.filter((part: Json) => part.type === 'tool');
    expect(toolParts.map((part: Json) => [part.tool, part.state.status])).toEqual([
      ['read', 'completed'],
      ['glob', 'completed'],
      ['todowrite', 'completed'],
    ]);
    expect(toolParts[0]).toMatchObject({
      callID: expect.any(String),
      state: {
        input: { filePath: 'README.md' },
        output: expect.stringContaining('needle here'),
        title: expect.any(String),
        metadata: expect.any(Object),
        time: { start: expect.any(Number), end: expect.any(Number) },
      },
    });
    expect(toolParts[1].state.output).toContain('src/app.ts');

    expect(ok(out, 'session.messages:limit').map((m: Json) => m.info.id)).toEqual(
      messages.slice(-2).map((m: Json) => m.info.id),
    );
    expect(ok(out, 'session.message')).toEqual(messages[0]);
    expect(ok(out, 'session.todo')).toEqual([
      { content: 'Ship it', status: 'pending', priority: 'high' },
    ]);
    expect(ok(out, 'session.status')).toEqual({});
    expect(ok(out, 'session.get')).toMatchObject({ id: sessionID, cost: expect.any(Number) });

    // `throwOnError: true`: the SDK throws an Error made from the `{ name, data }` body.
    expect(out.calls['unknown:session.get:throw']).toEqual({
      thrown: expect.stringMatching(/^Session not found/),
      cause: { status: 404, body: NOT_FOUND },
    });
    expect(t.model.pendingScripts()).toBe(0);
  });

  it('prompt_async watched through event.subscribe(): permission asked and answered, idle, then an abort', async () => {
    t.model.enqueue(
      {
        toolCalls: [
          { name: 'bash', arguments: { command: 'echo tests-pass', description: 'Run tests' } },
        ],
      },
      { text: 'Tests pass' },
      { text: ['Work', 'ing'], hang: true },
    );
    const out = await run('events');
    const sessionID = out.sessionID as string;
    const events = out.events as BusEvent[];

    expect(events[0]).toMatchObject({ type: 'server.connected', properties: {} });
    for (const event of events) {
      expect(event).toEqual({
        id: expect.any(String),
        type: expect.any(String),
        properties: expect.any(Object),
      });
    }
    const mine = events.filter((event) => sessionOf(event) === sessionID);
    const types = new Set(mine.map((event) => event.type));
    for (const type of [
      'message.updated',
      'message.part.updated',
      'message.part.delta',
      'session.status',
      'session.idle',
      'permission.asked',
      'permission.replied',
    ]) {
      expect({ type, seen: types.has(type) }).toEqual({ type, seen: true });
    }
    const statuses = mine
      .filter((event) => event.type === 'session.status')
      .map((event) => event.properties.status.type);
    expect(statuses).toEqual(['busy', 'idle', 'busy', 'idle']);
    expect(mine.filter((event) => event.type === 'session.idle')).toHaveLength(2);
    // Each turn ends with idle after its last message update.
    const lastIdle = mine.map((event) => event.type).lastIndexOf('session.idle');
    expect(lastIdle).toBeGreaterThan(
      mine.map((event) => event.type).lastIndexOf('message.updated'),
    );
    const updates = mine.filter((event) => event.type === 'message.part.updated');
    expect(updates[0].properties.part).toMatchObject({
      id: expect.stringMatching(PART_ID),
      sessionID,
      messageID: expect.stringMatching(MESSAGE_ID),
      type: 'text',
    });

    expect(ok(out, 'session.prompt_async', 204)).toEqual({});
    const asked = mine.find((event) => event.type === 'permission.asked')!;
    expect(asked.properties).toMatchObject({
      id: expect.stringMatching(/^per_/),
      sessionID,
      permission: 'bash',
      patterns: ['echo tests-pass'],
    });
    expect(ok(out, 'session.status:busy')).toEqual({ [sessionID]: { type: 'busy' } });
    expect(ok(out, 'permission.respond')).toBe(true);
    expect(mine.find((event) => event.type === 'permission.replied')!.properties).toEqual({
      sessionID,
      requestID: asked.properties.id,
      reply: 'once',
    });
    expect(ok(out, 'session.status:idle')).toEqual({});
    expect(failed(out, 'unknown:permission.respond', 404)).toMatchObject({
      name: 'NotFoundError',
    });

    expect(ok(out, 'session.prompt_async:hang', 204)).toEqual({});
    expect(ok(out, 'session.abort')).toBe(true);
    const messages = ok(out, 'session.messages');
    expect(messages.map((message: Json) => message.info.role)).toEqual([
      'user',
      'assistant',
      'assistant',
      'user',
      'assistant',
    ]);
    const bash = messages[1].parts.find((part: Json) => part.type === 'tool');
    expect(bash).toMatchObject({
      tool: 'bash',
      state: { status: 'completed', output: expect.stringContaining('tests-pass') },
    });
    expect(messages[2].parts.find((part: Json) => part.type === 'text').text).toBe('Tests pass');
    expect(messages[4].info.error).toEqual({
      name: 'MessageAbortedError',
      data: { message: expect.any(String) },
    });
    expect(t.model.pendingScripts()).toBe(0);
  });

  it("a session's life: diff, shell, command, init, summarize, fork, share, revert, abort, delete", async () => {
    const notes = join(t.directory, 'notes.txt');
    t.model.enqueue(
      { toolCalls: [{ name: 'write', arguments: { filePath: notes, content: 'hello\n' } }] },
      { text: 'Wrote it' },
      { text: 'Hello SDK' },
      { text: 'AGENTS written' },
      { text: 'Summary here' },
    );
    const sharesBefore = share.shares.size;
    const out = await run('lifecycle');
    expectDirectoryOnGets(out);
    const sessionID = out.sessionID as string;
    const userMessageID = out.userMessageID as string;

    const written = ok(out, 'session.prompt:write');
    expect(written.info).toMatchObject({ role: 'assistant', finish: 'stop' });
    expect(userMessageID).toMatch(MESSAGE_ID);
    const diff = [
      {
        file: 'notes.txt',
        status: 'added',
        additions: 1,
        deletions: 0,
        patch: expect.stringContaining('+hello'),
      },
    ];
    expect(ok(out, 'session.diff')).toEqual(diff);
    expect(ok(out, 'session.diff:message')).toEqual(diff);

    const shell = ok(out, 'session.shell');
    expect(shell.info).toMatchObject({ role: 'assistant', sessionID });
    expect(shell.parts).toContainEqual(
      expect.objectContaining({
        type: 'tool',
        tool: 'bash',
        state: expect.objectContaining({ status: 'completed', output: 'shell-out\n' }),
      }),
    );
    const command = ok(out, 'session.command');
    expect(command.info).toMatchObject({ role: 'assistant', finish: 'stop' });
    expect(command.parts.find((part: Json) => part.type === 'text').text).toBe('Hello SDK');
    expect(ok(out, 'session.init')).toBe(true);
    expect(ok(out, 'session.summarize')).toBe(true);

    const fork = ok(out, 'session.fork');
    expect(fork).toMatchObject({
      id: expect.stringMatching(SESSION_ID),
      title: 'SDK lifecycle (fork #1)',
      directory: t.directory,
    });
    expect(fork.id).not.toBe(sessionID);
    // Copies (new ids) of the messages strictly before the one named (the turn's last answer).
    const forked = ok(out, 'session.messages:fork');
    expect(forked).toHaveLength(2);
    expect(forked[0].info).toMatchObject({ role: 'user', sessionID: fork.id });
    expect(forked[1].info).toMatchObject({ role: 'assistant', finish: 'tool-calls' });
    expect(forked[0].info.id).not.toBe(userMessageID);
    expect(forked[0].parts[0]).toMatchObject({ type: 'text', text: 'Write notes.txt' });

    const shared = ok(out, 'session.share');
    expect(shared).toMatchObject({ id: sessionID, share: { url: expect.any(String) } });
    expect(shared.share.url.startsWith(`${share.url}/share/`)).toBe(true);
    expect(share.shares.size).toBe(sharesBefore + 1);
    const unshared = ok(out, 'session.unshare');
    expect(unshared.id).toBe(sessionID);
    expect(unshared).not.toHaveProperty('share');

    expect(ok(out, 'session.revert')).toMatchObject({
      id: sessionID,
      revert: { messageID: userMessageID, snapshot: expect.any(String) },
    });
    expect(failed(out, 'file.read:reverted', 404)).toMatchObject({ name: 'NotFoundError' });
    expect(ok(out, 'session.unrevert')).not.toHaveProperty('revert');
    expect(ok(out, 'file.read:unreverted')).toMatchObject({ type: 'text', content: 'hello\n' });
    expect(readFileSync(notes, 'utf8')).toBe('hello\n');
    expect(ok(out, 'session.abort')).toBe(true);

    const messages = ok(out, 'session.messages');
    const texts = (message: Json) =>
      message.parts.filter((part: Json) => part.type === 'text').map((part: Json) => part.text);
    expect(messages.find((m: Json) => m.info.id === out.initMessageID)?.info.role).toBe('user');
    expect(messages.some((m: Json) => texts(m).includes('Greet SDK'))).toBe(true);
    expect(messages.some((m: Json) => texts(m).includes('AGENTS written'))).toBe(true);
    expect(
      messages.some((m: Json) => m.parts.some((part: Json) => part.type === 'compaction')),
    ).toBe(true);
    const summary = messages.find((m: Json) => m.info.summary === true);
    expect(texts(summary)).toEqual(['Summary here']);

    expect(ok(out, 'session.delete')).toBe(true);
    expect(failed(out, 'session.get:deleted', 404)).toEqual(NOT_FOUND);
    expect(t.model.pendingScripts()).toBe(0);
  });

  it('tui: the prompt, dialog and toast routes publish their events; the control queue relays a request', async () => {
    const from = t.sse.frames.length;
    const instance = await t.app.get(InstanceService).resolve(t.directory);
    const answered = t.app
      .get(TuiControlService)
      .request(instance, '/tui/open-help', { from: 'server' });
    const out = await run('tui');

    for (const name of Object.keys(out.calls).filter((key) => key !== 'tui.control.next')) {
      expect({ name, data: ok(out, name) }).toEqual({ name, data: true });
    }
    expect(ok(out, 'tui.control.next')).toEqual({
      path: '/tui/open-help',
      body: { from: 'server' },
    });
    await expect(answered).resolves.toEqual({ answered: 'by the SDK' });

    const events = t.sse.frames.slice(from).map((frame) => frame.data as BusEvent);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'tui.prompt.append',
        properties: { text: 'from the SDK' },
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'tui.toast.show',
        properties: expect.objectContaining({
          title: 'SDK',
          message: 'Hello',
          variant: 'success',
        }),
      }),
    );
    const commands = events
      .filter((event) => event.type === 'tui.command.execute')
      .map((event) => event.properties.command);
    expect(commands).toEqual(
      expect.arrayContaining(['prompt.submit', 'prompt.clear', 'agent.cycle']),
    );
  });

  it('admin: credentials set and removed, an MCP server added, config updated, the instance disposed', async () => {
    const out = await run('admin');
    expect(ok(out, 'auth.set')).toBe(true);
    expect(ok(out, 'auth.remove')).toBe(true);
    const authFile = join(t.env.paths.data, 'auth.json');
    if (existsSync(authFile)) expect(readFileSync(authFile, 'utf8')).not.toContain('sdk-provider');
    expect(JSON.stringify(out)).not.toContain('sk-sdk-secret');

    expect(ok(out, 'mcp.add')).toEqual({ 'sdk-remote': { status: 'disabled' } });
    expect(ok(out, 'mcp.status')).toEqual({ 'sdk-remote': { status: 'disabled' } });
    expect(ok(out, 'config.update')).toMatchObject({ username: 'sdk-user' });
    expect(ok(out, 'config.get')).toMatchObject({ username: 'sdk-user' });

    expect(ok(out, 'instance.dispose')).toBe(true);
    // The next call brings the directory's instance back.
    expect(ok(out, 'project.current:after-dispose')).toMatchObject({ worktree: t.directory });
    expect(ok(out, 'session.list:after-dispose')).toEqual(expect.any(Array));
  });
});
