import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { z } from 'zod';
import { fakeMcpStdioCommand, readPid, waitForExit } from '../../test/support/fake-mcp-server';
import { fakeToolContext } from '../../test/support/fake-tool-context';
import { gitRepo, tempDir } from '../../test/support/fixtures';
import type { Config } from '../config/config.schema';
import type { ConfigService } from '../config/config.service';
import type { BusService } from '../core/bus/bus.service';
import { AppEnvironment } from '../core/config/app-environment';
import { Instance } from '../core/instance/instance';
import { ToolExecutionError } from '../tool/tool.types';
import { McpAuthStore } from './mcp-auth.store';
import { McpOAuthCallbackService } from './mcp-oauth-callback.service';
import { McpService } from './mcp.service';

describe('McpService', () => {
  const directory = gitRepo();
  const pids = tempDir('mcp-pids-');
  const logger = new Logger('test');
  let config: Partial<Config>;
  let published: Array<{ type: string; properties: unknown }>;
  let service: McpService;
  let instance: Instance;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    config = {};
    published = [];
    const configService = { get: () => Promise.resolve(config) } as unknown as ConfigService;
    const bus = {
      publish: (_source: unknown, type: string, properties: unknown) =>
        published.push({ type, properties }),
    } as unknown as BusService;
    const env = new AppEnvironment({ PATH: process.env.PATH, HOME: directory }, directory);
    service = new McpService(
      configService,
      bus,
      env,
      new McpAuthStore(env),
      new McpOAuthCallbackService(),
    );
    instance = new Instance(directory, { id: 'test-project', worktree: directory, vcs: 'git' });
  });

  afterEach(() => instance.dispose(logger));

  function localServer(pidName: string, environment: Record<string, string> = {}) {
    return {
      type: 'local' as const,
      command: fakeMcpStdioCommand(),
      environment: { FAKE_MCP_PID_FILE: join(pids, pidName), ...environment },
      timeout: 5000,
    };
  }

  it('offers each tool as <server>_<tool> whose execute asks permission and calls the tool', async () => {
    config = { mcp: { 'my.server': localServer('tools', { FAKE_MCP_PREFIX: '> ' }) } };
    const tools = await service.tools(instance);
    expect(tools.map((tool) => tool.id).sort()).toEqual(['my_server_add', 'my_server_echo']);

    const echo = tools.find((tool) => tool.id === 'my_server_echo')!;
    expect(echo.description).toBe('Echoes the text back');
    expect(z.toJSONSchema(echo.parameters, { io: 'input' })).toMatchObject({
      type: 'object',
      properties: { text: { type: 'string', description: 'What to echo' } },
      required: ['text'],
      additionalProperties: false,
    });
    const context = fakeToolContext(directory);
    await expect(echo.execute({ text: 'hello' }, context)).resolves.toEqual({
      title: '',
      output: '> hello',
      metadata: { truncated: false },
    });
    expect(context.asked).toEqual([
      { permission: 'my_server_echo', patterns: ['*'], always: ['*'], metadata: {} },
    ]);

    const add = tools.find((tool) => tool.id === 'my_server_add')!;
    await expect(add.execute({ a: 2, b: 40 }, context)).resolves.toMatchObject({ output: '42' });
  });

  it('does not call the tool when permission is refused, and reports tool errors as errors', async () => {
    config = { mcp: { fake: localServer('refused') } };
    const [add] = (await service.tools(instance)).filter((tool) => tool.id === 'fake_add');
    const refusing = fakeToolContext(directory, { answer: () => false });
    await expect(add.execute({ a: 1, b: 2 }, refusing)).rejects.toThrow(/rejected/);

    // The server's own validation error comes back as an `isError` result.
    await expect(add.execute({ a: 'x' }, fakeToolContext(directory))).rejects.toThrow(
      ToolExecutionError,
    );
  });

  it('cancels a call when the turn is aborted', async () => {
    config = { mcp: { fake: localServer('abort') } };
    const [echo] = (await service.tools(instance)).filter((tool) => tool.id === 'fake_echo');
    const context = fakeToolContext(directory);
    context.abortTurn(new Error('turn aborted'));
    await expect(echo.execute({ text: 'x' }, context)).rejects.toThrow(/aborted/);
  });

  it('lists tools again and publishes mcp.tools.changed when a server announces new tools', async () => {
    config = { mcp: { fake: localServer('late', { FAKE_MCP_LATE_TOOL_MS: '200' }) } };
    expect((await service.tools(instance)).map((tool) => tool.id)).not.toContain('fake_late');
    const deadline = Date.now() + 5000;
    while (published.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(published).toEqual([{ type: 'mcp.tools.changed', properties: { server: 'fake' } }]);
    expect((await service.tools(instance)).map((tool) => tool.id)).toContain('fake_late');
  });

  it('follows config edits: a changed server is restarted, a removed one stopped', async () => {
    config = { mcp: { fake: localServer('edit-1') } };
    await expect(service.status(instance)).resolves.toEqual({ fake: { status: 'connected' } });
    const first = await readPid(join(pids, 'edit-1'));

    config = { mcp: { fake: localServer('edit-2') } };
    await expect(service.status(instance)).resolves.toEqual({ fake: { status: 'connected' } });
    const second = await readPid(join(pids, 'edit-2'));
    expect(second).not.toBe(first);
    expect(await waitForExit(first)).toBe(true);

    config = {};
    await expect(service.status(instance)).resolves.toEqual({});
    expect(await waitForExit(second)).toBe(true);
  });

  it('keeps a server added at runtime over a config entry of the same name', async () => {
    config = { mcp: { fake: { ...localServer('config'), enabled: false } } };
    await expect(service.status(instance)).resolves.toEqual({ fake: { status: 'disabled' } });
    await expect(service.add(instance, 'fake', localServer('runtime'))).resolves.toEqual({
      fake: { status: 'connected' },
    });
    await expect(service.status(instance)).resolves.toEqual({ fake: { status: 'connected' } });
    const pid = await readPid(join(pids, 'runtime'));
    await instance.dispose(logger);
    expect(await waitForExit(pid)).toBe(true);
  });

  it('reports a server that dies as failed and offers none of its tools', async () => {
    config = { mcp: { fake: localServer('crash') } };
    await expect(service.status(instance)).resolves.toEqual({ fake: { status: 'connected' } });
    process.kill(await readPid(join(pids, 'crash')), 'SIGKILL');
    const deadline = Date.now() + 5000;
    let status = await service.status(instance);
    while (status.fake.status === 'connected' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = await service.status(instance);
    }
    expect(status).toEqual({
      fake: { status: 'failed', error: 'The MCP server closed the connection' },
    });
    await expect(service.tools(instance)).resolves.toEqual([]);
  });

  it('starts nothing for an instance that is already disposed', async () => {
    config = { mcp: { fake: localServer('disposed') } };
    await instance.dispose(logger);
    await expect(service.status(instance)).resolves.toEqual({
      fake: { status: 'failed', error: 'The instance was disposed' },
    });
  });
});
