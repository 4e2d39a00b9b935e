import { readFileSync } from 'node:fs';
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
import { fakeToolContext } from '../support/fake-tool-context';
import { tempDir } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

const referenceSchemas = JSON.parse(readFileSync(join(__dirname, 'openapi.reference.json'), 'utf8'))
  .components.schemas;

const HEADER_SECRET = 'Bearer remote-secret-token-4567';
const ENV_SECRET = 'env-secret-value-8910';

/** A test app with `config` as its OPENCODE_CONFIG_CONTENT, logging into memory (secrets). */
function startAppCapturingLogs(config: unknown): Promise<TestApp> {
  return startTestApp({
    captureLogs: true,
    env: { OPENCODE_CONFIG_CONTENT: JSON.stringify(config) },
  });
}

describe('mcp: GET/POST /mcp', () => {
  let t: TestApp;
  let remote: FakeRemoteMcp;
  let locked: FakeRemoteMcp;
  let unregistrable: FakeRemoteMcp;
  let legacy: FakeRemoteMcp;
  const pids = tempDir('mcp-pids-');

  beforeAll(async () => {
    [remote, locked, unregistrable, legacy] = await Promise.all([
      startFakeRemoteMcp(),
      startFakeRemoteMcp({ unauthorized: { registration: true } }),
      startFakeRemoteMcp({ unauthorized: { registration: false } }),
      startFakeRemoteMcp({ sseOnly: true }),
    ]);
    t = await startAppCapturingLogs({
      mcp: {
        fake: {
          type: 'local',
          command: fakeMcpStdioCommand(),
          environment: { FAKE_MCP_PID_FILE: join(pids, 'fake'), SOME_TOKEN: ENV_SECRET },
          timeout: 5000,
        },
        off: { type: 'local', command: fakeMcpStdioCommand(), enabled: false },
        missing: { type: 'local', command: ['/nonexistent/mcp-server'], timeout: 2000 },
        hang: {
          type: 'local',
          command: fakeMcpStdioCommand(),
          environment: { FAKE_MCP_HANG: '1', FAKE_MCP_PID_FILE: join(pids, 'hang') },
          timeout: 400,
        },
        noisy: {
          type: 'local',
          command: [
            process.execPath,
            '-e',
            'process.stderr.write(process.env.TOKEN); process.exit(3)',
          ],
          environment: { TOKEN: ENV_SECRET },
          timeout: 3000,
        },
        // Remote servers get room: on a loaded CI box (two jest workers on two cores) their
        // handshake of several HTTP round trips once took more than 3 s. Only `hang` tests a
        // timeout, with its own short one.
        web: {
          type: 'remote',
          url: remote.url,
          headers: { Authorization: HEADER_SECRET },
          timeout: 15_000,
        },
        legacy: { type: 'remote', url: legacy.url, timeout: 15_000 },
        locked: { type: 'remote', url: locked.url, timeout: 15_000 },
        unregistrable: { type: 'remote', url: unregistrable.url, timeout: 15_000 },
        closed: { type: 'remote', url: locked.url, oauth: false, timeout: 15_000 },
      },
    });
  });

  afterAll(async () => {
    await t.app.close();
    await Promise.all([remote.close(), locked.close(), unregistrable.close(), legacy.close()]);
  });

  it('reports every configured server with the reference statuses', async () => {
    const res = await t.http.get('/mcp').expect(200);
    expect(res.body).toEqual({
      fake: { status: 'connected' },
      off: { status: 'disabled' },
      missing: { status: 'failed', error: 'spawn /nonexistent/mcp-server ENOENT' },
      hang: { status: 'failed', error: expect.stringMatching(/timed out after 400 ms/) },
      noisy: {
        status: 'failed',
        error: expect.stringMatching(/closed.*\(stderr: \*\*\*\)$/),
      },
      web: { status: 'connected' },
      legacy: { status: 'connected' },
      locked: { status: 'needs_auth' },
      unregistrable: {
        status: 'needs_client_registration',
        error:
          'Server does not support dynamic client registration. Please provide clientId in config.',
      },
      closed: { status: 'failed', error: expect.stringMatching(/401/) },
    });
    // The server that never answered was ended, not left running.
    expect(await waitForExit(await readPid(join(pids, 'hang')))).toBe(true);
  });

  it('sends the configured headers to remote servers and never logs secrets', async () => {
    await t.http.get('/mcp').expect(200);
    expect(remote.requests.length).toBeGreaterThan(0);
    for (const headers of remote.requests) expect(headers.authorization).toBe(HEADER_SECRET);
    const logs = t.logs();
    expect(logs).toContain('MCP server fake connected');
    for (const secret of [HEADER_SECRET, 'remote-secret-token-4567', ENV_SECRET]) {
      expect(logs).not.toContain(secret);
    }
  });

  it('gives the agent loop the tools of local and remote servers', async () => {
    const mcp = t.app.get(McpService);
    const instance = await t.app.get(InstanceService).resolve(t.directory);
    const tools = await mcp.tools(instance);
    expect(tools.map((tool) => tool.id).sort()).toEqual([
      'fake_add',
      'fake_echo',
      'legacy_shout',
      'web_shout',
    ]);
    const shout = tools.find((tool) => tool.id === 'web_shout')!;
    await expect(
      shout.execute({ text: 'quiet' }, fakeToolContext(t.directory)),
    ).resolves.toMatchObject({ output: 'QUIET' });
  });

  it('POST /mcp adds a server, connects it and answers every status', async () => {
    const res = await t.http
      .post('/mcp')
      .send({
        name: 'added',
        config: { type: 'local', command: fakeMcpStdioCommand(), timeout: 5000 },
      })
      .expect(200);
    expect(res.body).toMatchObject({
      fake: { status: 'connected' },
      off: { status: 'disabled' },
      added: { status: 'connected' },
    });
    expect(Object.keys(res.body)).toHaveLength(11);
    await t.http
      .get('/mcp')
      .expect(200)
      .expect((r) => expect(r.body.added).toEqual({ status: 'connected' }));

    const remoteAdded = await t.http
      .post('/mcp')
      .send({ name: 'web2', config: { type: 'remote', url: remote.url, oauth: false } })
      .expect(200);
    expect(remoteAdded.body.web2).toEqual({ status: 'connected' });
  });

  it('POST /mcp answers a server that cannot start as failed, not as an error', async () => {
    const res = await t.http
      .post('/mcp')
      .send({ name: 'broken', config: { type: 'local', command: ['/nonexistent/other'] } })
      .expect(200);
    expect(res.body.broken).toEqual({ status: 'failed', error: expect.stringMatching(/ENOENT/) });
  });

  it.each([
    [{}, 'name'],
    [{ name: 'x' }, 'config'],
    [{ name: '', config: { type: 'local', command: ['x'] } }, 'name'],
    [{ name: 'x', config: 'local' }, 'config'],
    [{ name: 'x', config: { type: 'ws', url: 'ws://x' } }, 'config'],
    [{ name: 'x', config: { type: 'local' } }, 'config.command'],
    [{ name: 'x', config: { type: 'local', command: 'node server.js' } }, 'config.command'],
    [{ name: 'x', config: { type: 'local', command: [] } }, 'config.command'],
    [
      { name: 'x', config: { type: 'local', command: ['x'], environment: { A: 1 } } },
      'config.environment',
    ],
    [{ name: 'x', config: { type: 'local', command: ['x'], timeout: 0 } }, 'config.timeout'],
    [{ name: 'x', config: { type: 'local', command: ['x'], url: 'http://x' } }, 'config.url'],
    [{ name: 'x', config: { type: 'remote' } }, 'config.url'],
    [{ name: 'x', config: { type: 'remote', url: 'http://x', oauth: true } }, 'config.oauth'],
    [
      { name: 'x', config: { type: 'remote', url: 'http://x', oauth: { callbackPort: 0 } } },
      'config.oauth.callbackPort',
    ],
    [{ name: 'x', config: { type: 'remote', url: 'http://x', headers: [] } }, 'config.headers'],
    [{ name: 'x', config: { type: 'local', command: ['x'] }, extra: 1 }, 'extra'],
  ])('POST /mcp refuses %j naming %s', async (body, field) => {
    const res = await t.http.post('/mcp').send(body).expect(400);
    expect(res.body).toMatchObject({ name: 'BadRequest', data: { kind: 'Body', field } });
    expect(res.body.data.message).toContain(field);
  });

  it('documents the routes with the reference components', async () => {
    const doc = (await t.http.get('/doc').expect(200)).body;
    const schemas = doc.components.schemas;
    const ok = (op: {
      responses: Record<string, { content: Record<string, { schema: unknown }> }>;
    }) => op.responses['200'].content['application/json'].schema;
    expect(ok(doc.paths['/mcp'].get)).toMatchObject({
      type: 'object',
      additionalProperties: { $ref: '#/components/schemas/MCPStatus' },
    });
    expect(ok(doc.paths['/mcp'].post)).toMatchObject({
      additionalProperties: { $ref: '#/components/schemas/MCPStatus' },
    });
    expect(schemas.MCPStatus.anyOf).toHaveLength(5);
    for (const name of ['McpLocalConfig', 'McpRemoteConfig', 'McpOAuthConfig', 'MCPStatusFailed']) {
      expect(Object.keys(schemas[name].properties).sort()).toEqual(
        Object.keys(referenceSchemas[name].properties).sort(),
      );
    }
  });
});

describe('mcp: local server processes end with the instance and the server', () => {
  let t: TestApp;
  const pidFile = join(tempDir('mcp-pids-'), 'pid');

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        OPENCODE_CONFIG_CONTENT: JSON.stringify({
          mcp: {
            fake: {
              type: 'local',
              command: fakeMcpStdioCommand(),
              environment: { FAKE_MCP_PID_FILE: pidFile },
              timeout: 5000,
            },
          },
        }),
      },
    });
  });

  it('stops the server on POST /instance/dispose and starts it again on next use', async () => {
    await t.http.get('/mcp').expect(200, { fake: { status: 'connected' } });
    const first = await readPid(pidFile);
    expect(processAlive(first)).toBe(true);

    await t.http.post('/instance/dispose').expect(200);
    expect(processAlive(first)).toBe(false);

    await t.http.get('/mcp').expect(200, { fake: { status: 'connected' } });
    const second = await readPid(pidFile);
    expect(second).not.toBe(first);

    await t.close();
    expect(processAlive(second)).toBe(false);
  });
});
