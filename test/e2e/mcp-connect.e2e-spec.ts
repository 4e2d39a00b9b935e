import { join } from 'node:path';
import { InstanceService } from '../../src/core/instance/instance.service';
import { McpService } from '../../src/mcp/mcp.service';
import {
  fakeMcpStdioCommand,
  processAlive,
  readPid,
  startFakeRemoteMcp,
  waitForExit,
  type FakeRemoteMcp,
} from '../support/fake-mcp-server';
import { tempDir } from '../support/fixtures';
import { connectSse, type SseClient } from '../support/sse-client';
import { startTestApp, type TestApp } from '../support/test-app';

/** The ids of the MCP tools the agent loop would get now. */
async function toolIds(t: TestApp): Promise<string[]> {
  const instance = await t.app.get(InstanceService).resolve(t.directory);
  return (await t.app.get(McpService).tools(instance)).map((tool) => tool.id).sort();
}

describe('mcp: POST /mcp/:name/connect and /disconnect', () => {
  let t: TestApp;
  let remote: FakeRemoteMcp;
  let events: SseClient;
  const pids = tempDir('mcp-pids-');
  const local = (pidName: string, extra: Record<string, unknown> = {}) => ({
    type: 'local',
    command: fakeMcpStdioCommand(),
    environment: { FAKE_MCP_PID_FILE: join(pids, pidName) },
    timeout: 10_000,
    ...extra,
  });

  beforeAll(async () => {
    remote = await startFakeRemoteMcp();
    t = await startTestApp({
      env: {
        OPENCODE_CONFIG_CONTENT: JSON.stringify({
          mcp: {
            fake: local('fake'),
            off: local('off', { enabled: false }),
            web: { type: 'remote', url: remote.url, timeout: 5000 },
            missing: { type: 'local', command: ['/nonexistent/mcp-server'], timeout: 2000 },
            // Only an override, with no server behind it: not a server.
            ghost: { enabled: true },
          },
        }),
      },
    });
    events = connectSse(`${t.url}/event`);
    await events.response;
  });

  afterAll(async () => {
    events.close();
    await t.close();
    await remote.close();
  });

  it('disconnect closes the server: disabled in GET /mcp, its process ended, its tools gone', async () => {
    await t.http.get('/mcp').expect(200);
    const pid = await readPid(join(pids, 'fake'));
    expect(await toolIds(t)).toEqual(['fake_add', 'fake_echo', 'web_shout']);

    await t.http.post('/mcp/fake/disconnect').expect(200, 'true');
    const status = (await t.http.get('/mcp').expect(200)).body;
    expect(status).toMatchObject({ fake: { status: 'disabled' }, web: { status: 'connected' } });
    expect(await waitForExit(pid)).toBe(true);
    expect(await toolIds(t)).toEqual(['web_shout']);

    // Disconnecting again is harmless.
    await t.http.post('/mcp/fake/disconnect').expect(200, 'true');
  });

  it('connect starts it again: connected, a new process, its tools back', async () => {
    const before = await readPid(join(pids, 'fake'));
    await t.http.post('/mcp/fake/connect').expect(200, 'true');
    expect((await t.http.get('/mcp').expect(200)).body.fake).toEqual({ status: 'connected' });
    const after = await readPid(join(pids, 'fake'));
    expect(after).not.toBe(before);
    expect(processAlive(after)).toBe(true);
    expect(await toolIds(t)).toEqual(['fake_add', 'fake_echo', 'web_shout']);
  });

  it('connect on a connected server reconnects it (the old process ends)', async () => {
    const first = await readPid(join(pids, 'fake'));
    await t.http.post('/mcp/fake/connect').expect(200, 'true');
    const second = await readPid(join(pids, 'fake'));
    expect(second).not.toBe(first);
    expect(await waitForExit(first)).toBe(true);
  });

  it('connect starts a server the config disables', async () => {
    expect((await t.http.get('/mcp').expect(200)).body.off).toEqual({ status: 'disabled' });
    await t.http.post('/mcp/off/connect').expect(200, 'true');
    expect((await t.http.get('/mcp').expect(200)).body.off).toEqual({ status: 'connected' });
    expect(processAlive(await readPid(join(pids, 'off')))).toBe(true);
    await t.http.post('/mcp/off/disconnect').expect(200, 'true');
  });

  it('connect answers true for a server that fails to start; the status says why', async () => {
    await t.http.post('/mcp/missing/connect').expect(200, 'true');
    expect((await t.http.get('/mcp').expect(200)).body.missing).toEqual({
      status: 'failed',
      error: 'spawn /nonexistent/mcp-server ENOENT',
    });
  });

  it('connects and disconnects remote servers and servers added at runtime', async () => {
    await t.http.post('/mcp/web/disconnect').expect(200, 'true');
    expect(await toolIds(t)).toEqual(['fake_add', 'fake_echo']);
    await t.http.post('/mcp/web/connect').expect(200, 'true');
    expect(await toolIds(t)).toContain('web_shout');

    await t.http
      .post('/mcp')
      .send({ name: 'extra', config: local('extra') })
      .expect(200);
    await t.http.post('/mcp/extra/disconnect').expect(200, 'true');
    expect((await t.http.get('/mcp').expect(200)).body.extra).toEqual({ status: 'disabled' });
    await t.http.post('/mcp/extra/connect').expect(200, 'true');
    expect((await t.http.get('/mcp').expect(200)).body.extra).toEqual({ status: 'connected' });
  });

  it.each([
    ['post', '/mcp/nope/connect'],
    ['post', '/mcp/nope/disconnect'],
    ['post', '/mcp/ghost/connect'],
    ['post', '/mcp/nope/auth'],
    ['delete', '/mcp/nope/auth'],
    ['post', '/mcp/nope/auth/authenticate'],
  ] as const)('%s %s: an unknown server is a 404 in the reference shape', async (method, path) => {
    const res = await t.http[method](path).expect(404);
    const name = path.split('/')[2];
    expect(res.body).toEqual({
      _tag: 'McpServerNotFoundError',
      name,
      message: `MCP server not found: ${name}`,
    });
  });

  it('an unknown server name is percent-decoded and echoed as given', async () => {
    const res = await t.http.post('/mcp/no%20such/connect').expect(404);
    expect(res.body.name).toBe('no such');
  });

  it('publishes no mcp event for connect or disconnect (as the reference)', async () => {
    await t.http.post('/mcp/fake/disconnect').expect(200);
    await t.http.post('/mcp/fake/connect').expect(200);
    await t.http.get('/mcp').expect(200);
    const types = events.frames.map((f) => (f.data as { type?: string }).type);
    expect(types.filter((type) => type?.startsWith('mcp.'))).toEqual([]);
  });

  it('documents the routes with the reference operation ids and responses', async () => {
    const doc = (await t.http.get('/doc').expect(200)).body;
    for (const [path, id] of [
      ['/mcp/{name}/connect', 'mcp.connect'],
      ['/mcp/{name}/disconnect', 'mcp.disconnect'],
    ]) {
      const op = doc.paths[path].post;
      expect(op.operationId).toBe(id);
      expect(op.responses['200'].content['application/json'].schema).toEqual({ type: 'boolean' });
      expect(op.responses['404'].content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/McpServerNotFoundError',
      });
    }
    expect(Object.keys(doc.components.schemas.McpServerNotFoundError.properties).sort()).toEqual([
      '_tag',
      'message',
      'name',
    ]);
  });
});

describe('mcp: GET /experimental/resource', () => {
  let t: TestApp;
  let remote: FakeRemoteMcp;

  beforeAll(async () => {
    remote = await startFakeRemoteMcp();
    const local = { type: 'local', command: fakeMcpStdioCommand(), timeout: 10_000 };
    t = await startTestApp({
      env: {
        OPENCODE_CONFIG_CONTENT: JSON.stringify({
          mcp: {
            notes: local,
            'odd:name%': local,
            // No resources capability: contributes nothing.
            web: { type: 'remote', url: remote.url, timeout: 5000 },
            off: { ...local, enabled: false },
          },
        }),
      },
    });
  });

  afterAll(async () => {
    await t.close();
    await remote.close();
  });

  it('lists the resources of connected servers keyed <server>:<uri>, with the client name', async () => {
    const res = await t.http.get('/experimental/resource').expect(200);
    expect(res.body).toEqual({
      'notes:file:///notes.md': {
        name: 'notes',
        uri: 'file:///notes.md',
        description: 'Project notes',
        mimeType: 'text/markdown',
        client: 'notes',
      },
      // Fields beyond the documented ones (title, annotations) are left out, as the reference.
      'notes:memo://readme': { name: 'readme', uri: 'memo://readme', client: 'notes' },
      'odd%3Aname%25:file:///notes.md': {
        name: 'notes',
        uri: 'file:///notes.md',
        description: 'Project notes',
        mimeType: 'text/markdown',
        client: 'odd:name%',
      },
      'odd%3Aname%25:memo://readme': { name: 'readme', uri: 'memo://readme', client: 'odd:name%' },
    });
  });

  it('follows connect and disconnect', async () => {
    await t.http.post('/mcp/odd%3Aname%25/disconnect').expect(200, 'true');
    expect(Object.keys((await t.http.get('/experimental/resource').expect(200)).body)).toEqual([
      'notes:file:///notes.md',
      'notes:memo://readme',
    ]);
    await t.http.post('/mcp/off/connect').expect(200, 'true');
    expect((await t.http.get('/experimental/resource').expect(200)).body).toHaveProperty([
      'off:memo://readme',
    ]);
  });

  it('documents the route with the McpResource component', async () => {
    const doc = (await t.http.get('/doc').expect(200)).body;
    const op = doc.paths['/experimental/resource'].get;
    expect(op.operationId).toBe('experimental.resource.list');
    expect(op.responses['200'].content['application/json'].schema).toMatchObject({
      type: 'object',
      additionalProperties: { $ref: '#/components/schemas/McpResource' },
    });
    expect(Object.keys(doc.components.schemas.McpResource.properties).sort()).toEqual([
      'client',
      'description',
      'mimeType',
      'name',
      'uri',
    ]);
  });
});
