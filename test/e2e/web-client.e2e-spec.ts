import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

const PAGE = '<!doctype html><title>opencode</title><div id="app"></div>';

/** A stand-in for the built client: the server serves whatever index.html the build left. */
function builtClient(): string {
  const directory = tempDir('opencode-web-');
  writeFileSync(join(directory, 'index.html'), PAGE);
  return directory;
}

describe('browser client route (GET /)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ webClientDirectory: builtClient() });
  });
  afterAll(() => t.close());

  it('answers the page, with a policy that keeps every request on this server', async () => {
    const response = await t.http.get('/').expect(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.text).toBe(PAGE);
    expect(response.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    const head = await t.http.head('/').expect(200);
    expect(head.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('serves the page at / only: unknown paths still get the JSON 404', async () => {
    for (const path of ['/index.html', '/session/xyz/nope', '/assets/index.js', '/ses_123']) {
      const response = await t.http.get(path).expect(404);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toEqual(
        expect.objectContaining({ name: expect.any(String), data: expect.any(Object) }),
      );
    }
    // An API route is answered by the API, not by the page.
    await t.http.get('/session/ses_missing').expect(404);
    expect((await t.http.get('/session').expect(200)).body).toEqual([]);
  });

  it('is not an API route: /doc does not list it', async () => {
    const document = (await t.http.get('/doc').expect(200)).body as { paths: object };
    expect(Object.keys(document.paths)).not.toContain('/');
  });

  it('refuses anything but GET and HEAD at /', async () => {
    await t.http.post('/').send({}).expect(404);
  });
});

describe('browser client route with a password', () => {
  let t: TestApp;
  const basic = (user: string, password: string) =>
    Buffer.from(`${user}:${password}`).toString('base64');
  beforeAll(async () => {
    t = await startTestApp({
      env: { OPENCODE_SERVER_PASSWORD: 'pw' },
      webClientDirectory: builtClient(),
    });
  });
  afterAll(() => t.close());

  it('is a 401 without credentials, like every route', async () => {
    const response = await t.http.get('/').expect(401);
    expect(response.headers['www-authenticate']).toBe('Basic realm="opencode"');
    expect(response.body).toEqual({
      name: 'UnauthorizedError',
      data: { message: 'Authentication required' },
    });
    await t.http
      .get('/')
      .set('authorization', `Basic ${basic('opencode', 'nope')}`)
      .expect(401);
  });

  it('answers the page with basic auth or ?auth_token=', async () => {
    await t.http
      .get('/')
      .set('authorization', `Basic ${basic('opencode', 'pw')}`)
      .expect(200);
    const response = await t.http
      .get(`/?auth_token=${encodeURIComponent(basic('opencode', 'pw'))}`)
      .expect(200);
    expect(response.text).toBe(PAGE);
  });
});

describe('browser client route before a build', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ webClientDirectory: tempDir('opencode-web-empty-') });
  });
  afterAll(() => t.close());

  it('says how to build the client', async () => {
    const response = await t.http.get('/').expect(404);
    expect(response.body).toEqual({
      name: 'NotFoundError',
      data: { message: 'The browser client is not built: run `npm run build`' },
    });
  });
});
