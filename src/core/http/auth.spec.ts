import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import { AuthThrottle, registerAuth, type AuthOptions } from './auth';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function server(options: AuthOptions): Promise<FastifyInstance> {
  const fastify = Fastify();
  registerAuth(fastify, options);
  fastify.all('/*', (request) => ({ query: request.query }));
  await fastify.ready();
  return fastify;
}

describe('registerAuth', () => {
  describe('bearer tokens alone', () => {
    let app: FastifyInstance;
    beforeAll(async () => {
      app = await server({ tokens: ['tok-one', 'tok-two'] });
    });
    afterAll(() => app.close());

    it('accepts each token in the header, any case of the scheme', async () => {
      for (const authorization of ['Bearer tok-one', 'Bearer tok-two', 'bearer tok-one']) {
        const res = await app.inject({ url: '/x', headers: { authorization } });
        expect(res.statusCode).toBe(200);
      }
    });

    it('accepts a token in ?auth_token=, and takes it out of the query', async () => {
      const res = await app.inject({ url: '/x?auth_token=tok-two&a=1' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ query: { a: '1' } });
    });

    it('refuses none, a wrong one, a prefix and basic auth with a Bearer challenge', async () => {
      for (const authorization of [
        undefined,
        'Bearer tok-on',
        'Bearer tok-one-more',
        'Bearer ',
        'tok-one',
        basic('opencode', 'tok-one'),
      ]) {
        const res = await app.inject({
          url: '/x',
          headers: authorization ? { authorization } : {},
        });
        expect(res.statusCode).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="opencode"');
        expect(res.json()).toEqual({
          name: 'UnauthorizedError',
          data: { message: 'Authentication required' },
        });
      }
    });
  });

  describe('password and tokens', () => {
    let app: FastifyInstance;
    beforeAll(async () => {
      app = await server({ basic: { username: 'opencode', password: 'pw' }, tokens: ['tok'] });
    });
    afterAll(() => app.close());

    it('accepts either, and challenges with Basic', async () => {
      const ok = (headers: Record<string, string>, url = '/x') =>
        app.inject({ url, headers }).then((res) => res.statusCode);
      expect(await ok({ authorization: basic('opencode', 'pw') })).toBe(200);
      expect(await ok({ authorization: 'Bearer tok' })).toBe(200);
      expect(
        await ok({}, `/x?auth_token=${encodeURIComponent(basic('opencode', 'pw').slice(6))}`),
      ).toBe(200);
      expect(await ok({}, '/x?auth_token=tok')).toBe(200);
      const res = await app.inject({ url: '/x', headers: { authorization: 'Bearer pw' } });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="opencode"');
    });
  });

  describe('share links', () => {
    let app: FastifyInstance;
    beforeAll(async () => {
      app = await server({ tokens: ['tok'] });
    });
    afterAll(() => app.close());

    it.each(['/share/abc_DEF-123', '/share/abc/data', '/share/abc?x=1', '/share/abc/data?y'])(
      'GET and HEAD %s answer without credentials',
      async (url) => {
        expect((await app.inject({ method: 'GET', url })).statusCode).toBe(200);
        expect((await app.inject({ method: 'HEAD', url })).statusCode).toBe(200);
      },
    );

    it.each([
      ['POST', '/share/abc'],
      ['DELETE', '/share/abc'],
      ['GET', '/share'],
      ['GET', '/share/'],
      ['GET', '/share/abc/'],
      ['GET', '/share/abc/other'],
      ['GET', '/share/abc/data/more'],
      ['GET', '/share/a.b'],
      ['GET', '/share/%2e%2e'],
      ['GET', '/share/abc%2Fdata'],
      ['GET', '//share/abc'],
      ['GET', '/share/abc/../../session'],
      ['GET', '/session/share/abc'],
      ['GET', '/api/share/abc'],
    ] as const)('%s %s still needs them', async (method, url) => {
      expect((await app.inject({ method, url })).statusCode).toBe(401);
    });
  });

  describe('nothing configured', () => {
    it('lets everything through and still drops ?auth_token=', async () => {
      const app = await server({});
      const res = await app.inject({ url: '/x?auth_token=whatever&b=2' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ query: { b: '2' } });
      for (let i = 0; i < 30; i++) {
        const wrong = await app.inject({ url: '/x', headers: { authorization: 'Bearer no' } });
        expect(wrong.statusCode).toBe(200);
      }
      await app.close();
    });
  });

  describe('failed-login limit', () => {
    let now = 0;
    let app: FastifyInstance;
    const from = (remoteAddress: string, authorization?: string): InjectOptions => ({
      url: '/x',
      remoteAddress,
      headers: authorization ? { authorization } : {},
    });
    beforeEach(async () => {
      now = 1_000_000;
      app = await server({ tokens: ['tok'], throttle: { now: () => now } });
    });
    afterEach(() => app.close());

    it('answers 429 with Retry-After past 20 failures in 60 s, for that address only', async () => {
      for (let i = 0; i < 20; i++) {
        expect((await app.inject(from('10.0.0.1', 'Bearer bad'))).statusCode).toBe(401);
        now += 1000;
      }
      const blocked = await app.inject(from('10.0.0.1', 'Bearer bad'));
      expect(blocked.statusCode).toBe(429);
      expect(blocked.headers['retry-after']).toBe('60');
      expect(blocked.json()).toEqual({
        name: 'TooManyRequestsError',
        data: { message: expect.stringContaining('60') as string },
      });
      // Right credentials too, until the block ends.
      now += 30_000;
      const right = await app.inject(from('10.0.0.1', 'Bearer tok'));
      expect(right.statusCode).toBe(429);
      expect(right.headers['retry-after']).toBe('30');
      expect((await app.inject(from('10.0.0.2', 'Bearer tok'))).statusCode).toBe(200);
      expect((await app.inject(from('10.0.0.2', 'Bearer bad'))).statusCode).toBe(401);
      now += 30_000;
      expect((await app.inject(from('10.0.0.1', 'Bearer tok'))).statusCode).toBe(200);
      expect((await app.inject(from('10.0.0.1', 'Bearer bad'))).statusCode).toBe(401);
    });

    it('forgets failures older than the window', async () => {
      for (let i = 0; i < 20; i++) await app.inject(from('10.0.0.1', 'Bearer bad'));
      now += 60_000;
      for (let i = 0; i < 20; i++) {
        expect((await app.inject(from('10.0.0.1', 'Bearer bad'))).statusCode).toBe(401);
      }
    });

    it('does not count requests that carry no credentials, nor preflights', async () => {
      for (let i = 0; i < 30; i++) {
        expect((await app.inject(from('10.0.0.1'))).statusCode).toBe(401);
      }
      for (let i = 0; i < 21; i++) await app.inject(from('10.0.0.1', 'Bearer bad'));
      const preflight = await app.inject({
        method: 'OPTIONS',
        url: '/x',
        remoteAddress: '10.0.0.1',
      });
      expect(preflight.statusCode).not.toBe(429);
    });
  });
});

describe('AuthThrottle', () => {
  it('tracks at most maxAddresses, forgetting the oldest', () => {
    const now = 0;
    const throttle = new AuthThrottle({
      maxFailures: 1,
      windowMs: 1000,
      maxAddresses: 3,
      now: () => now,
    });
    for (const address of ['a', 'b', 'c', 'd']) throttle.fail(address);
    expect(throttle.size).toBe(3);
    // `a` was forgotten: its next failure is its first again.
    expect(throttle.fail('a')).toBeUndefined();
    expect(throttle.fail('d')).toBe(1);
    expect(throttle.blockedFor('d')).toBe(1);
    expect(throttle.size).toBe(3);
  });
});
