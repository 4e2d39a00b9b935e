import { connectSse, frameType } from '../support/sse-client';
import { startTestApp, TestApp } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** Routes of every kind: Nest routes, SSE, Swagger's own Fastify routes, and no route at all. */
const PROTECTED = [
  '/global/health',
  '/global/event',
  '/event',
  '/doc',
  '/doc/ui/',
  '/doc/ui/swagger-ui-bundle.js',
  '/path',
  '/project',
  '/no/such/route',
];

/** GET that does not wait for an SSE stream to end: status and headers only. */
async function statusOf(
  t: TestApp,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  const sse = connectSse(`${t.url}${path}`, headers);
  try {
    const res = await sse.response;
    return { status: res.statusCode ?? 0, headers: res.headers };
  } finally {
    sse.close();
  }
}

describe('auth: OPENCODE_SERVER_PASSWORD set', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { OPENCODE_SERVER_PASSWORD: PASSWORD } });
  });
  afterAll(() => t.close());

  it.each(PROTECTED)('%s needs credentials: 401 with a Basic challenge', async (path) => {
    const res = await statusOf(t, path);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="opencode"');
  });

  it('answers 401 as a JSON UnauthorizedError', async () => {
    const res = await t.http.get('/path').expect(401);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ name: 'UnauthorizedError', data: { message: expect.any(String) } });
  });

  it.each(PROTECTED.filter((p) => p !== '/no/such/route'))(
    '%s answers with the right credentials',
    async (path) => {
      const res = await statusOf(t, path, { authorization: basic('opencode', PASSWORD) });
      expect(res.status).toBe(200);
    },
  );

  it('lets an authenticated client read the event stream', async () => {
    const sse = connectSse(`${t.url}/event`, { authorization: basic('opencode', PASSWORD) });
    expect(frameType(await sse.waitFor(() => true))).toBe('server.connected');
    sse.close();
  });

  it('refuses a wrong password, a wrong username and a malformed header', async () => {
    for (const authorization of [
      basic('opencode', 'wrong'),
      basic('admin', PASSWORD),
      basic('opencode', `${PASSWORD}x`),
      basic('opencode', ''),
      'Basic !!!not-base64',
      `Bearer ${PASSWORD}`,
      basic('opencode', PASSWORD).toLowerCase(),
    ]) {
      await t.http.get('/global/health').set('authorization', authorization).expect(401);
    }
  });

  it('lets an allowed page read the 401 (CORS headers on it)', async () => {
    const res = await t.http.get('/path').set('origin', 'http://localhost:3000').expect(401);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3000');
  });

  it('accepts POST bodies once authenticated', async () => {
    await t.http
      .post('/log')
      .auth('opencode', PASSWORD)
      .send({ service: 'test', level: 'info', message: 'hello' })
      .expect(200, 'true');
  });

  it('answers a CORS preflight without credentials', async () => {
    const res = await t.http
      .options('/session')
      .set('origin', 'http://localhost:3000')
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'authorization, content-type')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(res.headers['access-control-allow-headers']).toMatch(/authorization/i);
  });
});

describe('auth: ?auth_token= for clients that cannot set headers (EventSource, WebSocket)', () => {
  let t: TestApp;
  const token = (user: string, password: string) =>
    encodeURIComponent(Buffer.from(`${user}:${password}`).toString('base64'));
  beforeAll(async () => {
    t = await startTestApp({ env: { OPENCODE_SERVER_PASSWORD: PASSWORD }, captureLogs: true });
  });
  afterAll(() => t.close());

  it.each(PROTECTED.filter((p) => p !== '/no/such/route'))(
    '%s answers with the token in the query',
    async (path) => {
      const res = await statusOf(t, `${path}?auth_token=${token('opencode', PASSWORD)}`);
      expect(res.status).toBe(200);
    },
  );

  it('streams events to a client authenticated by the token alone', async () => {
    const sse = connectSse(`${t.url}/event?auth_token=${token('opencode', PASSWORD)}`);
    expect(frameType(await sse.waitFor(() => true))).toBe('server.connected');
    sse.close();
  });

  it('refuses a wrong token', async () => {
    for (const wrong of [token('opencode', 'nope'), token('admin', PASSWORD), 'not-base64!', '']) {
      await t.http.get(`/global/health?auth_token=${wrong}`).expect(401);
    }
  });

  it('is accepted beside the routes own query parameters, and never logged or echoed', async () => {
    const auth = token('opencode', PASSWORD);
    for (let i = 0; i < 3; i++)
      await t.http.post(`/session?auth_token=${auth}`).send({}).expect(200);
    const page = await t.http.get(`/session?limit=1&auth_token=${auth}`).expect(200);
    expect(page.body).toHaveLength(1);
    await t.http.get(`/file?path=.&auth_token=${auth}`).expect(200);
    await t.http.get(`/api/fs/list?auth_token=${auth}`).expect(200);
    await t.http.get(`/api/location?auth_token=${auth}`).expect(200);
    const messages = await t.http
      .get(`/session/${(page.body as Array<{ id: string }>)[0].id}/message?auth_token=${auth}`)
      .expect(200);
    expect(messages.body).toEqual([]);
    const headers = JSON.stringify(page.headers);
    expect(headers).not.toContain(auth);
    expect(headers).not.toContain(decodeURIComponent(auth));
    const logs = t.logs();
    expect(logs).toContain('/session');
    expect(logs).not.toContain(decodeURIComponent(auth));
    expect(logs).not.toContain(auth);
    expect(logs).not.toContain(PASSWORD);
  });
});

describe('auth: custom OPENCODE_SERVER_USERNAME', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: { OPENCODE_SERVER_PASSWORD: PASSWORD, OPENCODE_SERVER_USERNAME: 'alice' },
    });
  });
  afterAll(() => t.close());

  it('takes that username and no longer `opencode`', async () => {
    await t.http.get('/global/health').auth('alice', PASSWORD).expect(200);
    await t.http.get('/global/health').auth('opencode', PASSWORD).expect(401);
  });
});

describe('auth: no password', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it.each(PROTECTED.filter((p) => p !== '/no/such/route'))('%s is open', async (path) => {
    const res = await statusOf(t, path);
    expect(res.status).toBe(200);
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('ignores an ?auth_token= a client sends anyway, beside strictly checked parameters', async () => {
    const token = Buffer.from('opencode:whatever').toString('base64');
    await t.http.get(`/session?limit=1&auth_token=${token}`).expect(200);
    await t.http.get(`/find/file?query=x&auth_token=${token}`).expect(200);
    await t.http.get(`/api/fs/list?auth_token=${token}`).expect(200);
  });
});

describe('CORS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ server: { cors: ['https://app.example.com'] } });
  });
  afterAll(() => t.close());

  const ALLOWED = [
    'http://localhost:5173',
    'http://localhost',
    'http://127.0.0.1:8080',
    'tauri://localhost',
    'http://tauri.localhost',
    'https://tauri.localhost',
    'https://app.example.com',
  ];
  const DENIED = [
    'https://evil.example',
    'http://localhost.evil.example',
    'http://127.0.0.1.evil.example:80',
    'https://app.example.com.evil.example',
    'http://app.example.com',
    'null',
  ];

  it.each(ALLOWED)('answers a preflight from %s', async (origin) => {
    const res = await t.http
      .options('/session/ses_1')
      .set('origin', origin)
      .set('access-control-request-method', 'PATCH')
      .set('access-control-request-headers', 'content-type, x-opencode-directory')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    const methods = String(res.headers['access-control-allow-methods']).split(/\s*,\s*/);
    expect(methods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']));
    expect(res.headers['access-control-allow-headers']).toMatch(/x-opencode-directory/i);
    expect(res.headers.vary).toMatch(/origin/i);
  });

  it.each(ALLOWED)('answers a simple request from %s with CORS headers', async (origin) => {
    const res = await t.http.get('/global/health').set('origin', origin).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
  });

  it.each(DENIED)('gives a preflight from %s no CORS headers', async (origin) => {
    const res = await t.http
      .options('/global/health')
      .set('origin', origin)
      .set('access-control-request-method', 'GET');
    expect(res.status).not.toBe(500);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
  });

  it.each(DENIED)('gives a simple request from %s no CORS headers', async (origin) => {
    const res = await t.http.get('/global/health').set('origin', origin).expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('sends no CORS headers to a request without an Origin', async () => {
    const res = await t.http.get('/global/health').expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
