import Fastify from 'fastify';
import { lazySchemaCompilers } from './lazy-schema-compilers';

describe('lazySchemaCompilers', () => {
  it('validates and serializes a route that declares a schema as Fastify does by default', async () => {
    const app = Fastify({ schemaController: lazySchemaCompilers() });
    app.post(
      '/echo',
      {
        schema: {
          body: {
            type: 'object',
            required: ['n'],
            properties: { n: { type: 'integer' } },
          },
          response: {
            200: { type: 'object', properties: { n: { type: 'integer' } } },
          },
        },
      },
      (request) => ({ ...(request.body as object), secret: 'not in the response schema' }),
    );
    try {
      const ok = await app.inject({ method: 'POST', url: '/echo', payload: { n: 3 } });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual({ n: 3 });
      const bad = await app.inject({ method: 'POST', url: '/echo', payload: { n: 'x' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ message: 'body/n must be integer' });
    } finally {
      await app.close();
    }
  });

  it('builds nothing for routes without a schema', async () => {
    const compilers = lazySchemaCompilers();
    const buildValidator = jest.spyOn(compilers.compilersFactory, 'buildValidator');
    const buildSerializer = jest.spyOn(compilers.compilersFactory, 'buildSerializer');
    const app = Fastify({ schemaController: compilers });
    app.get('/plain', () => ({ ok: true }));
    try {
      expect((await app.inject({ method: 'GET', url: '/plain' })).json()).toEqual({ ok: true });
      expect(buildValidator).not.toHaveBeenCalled();
      expect(buildSerializer).not.toHaveBeenCalled();
    } finally {
      await app.close();
    }
  });
});
