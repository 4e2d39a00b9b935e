import { z } from 'zod';
import { BadRequestError } from '../errors/named-error';
import { ZodBodyPipe } from './zod-body.pipe';
import { zodToOpenApi } from './zod-schema';

const Auth = z.strictObject({ port: z.number().int().min(1).optional() });
const Local = z.strictObject({
  type: z.literal('local'),
  command: z.array(z.string()).min(1),
  env: z.record(z.string(), z.string()).optional(),
});
const Remote = z.strictObject({
  type: z.literal('remote'),
  url: z.string(),
  auth: z
    .union([Auth, z.literal(false)])
    .optional()
    .describe('Login'),
});
const Body = z.strictObject({
  name: z.string().min(1),
  server: z.discriminatedUnion('type', [Local, Remote]),
});

const pipe = new ZodBodyPipe(Body);

function refusal(value: unknown): { field?: string; message: string; kind?: string } {
  try {
    pipe.transform(value);
  } catch (error) {
    if (error instanceof BadRequestError) return error.data;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

describe('ZodBodyPipe', () => {
  it('answers the parsed body', () => {
    const body = { name: 'x', server: { type: 'local', command: ['a'] } };
    expect(pipe.transform(body)).toEqual(body);
  });

  it.each<[string, unknown, string]>([
    ['a missing field', {}, 'name'],
    ['a wrong-typed union', { name: 'x', server: 'local' }, 'server'],
    ['an unknown field', { name: 'x', server: { type: 'local', command: ['a'] }, more: 1 }, 'more'],
    [
      'a field of the other member',
      { name: 'x', server: { type: 'local', command: ['a'], url: 'u' } },
      'server.url',
    ],
    [
      'a field of the member the discriminator picks',
      { name: 'x', server: { type: 'remote' } },
      'server.url',
    ],
    ['an array too short', { name: 'x', server: { type: 'local', command: [] } }, 'server.command'],
    [
      'a string list item',
      { name: 'x', server: { type: 'local', command: [1] } },
      'server.command',
    ],
    [
      'a nested union member field',
      { name: 'x', server: { type: 'remote', url: 'u', auth: { port: 0 } } },
      'server.auth.port',
    ],
    [
      'a value no union member takes',
      { name: 'x', server: { type: 'remote', url: 'u', auth: true } },
      'server.auth',
    ],
  ])('refuses %s, naming the field', (_case, body, field) => {
    const data = refusal(body);
    expect(data).toMatchObject({ kind: 'Body', field });
    expect(data.message).toContain(field);
  });

  it('names a map, not one of its keys, for a bad value in it', () => {
    const data = refusal({ name: 'x', server: { type: 'local', command: ['a'], env: { A: 1 } } });
    expect(data.field).toBe('server.env');
    expect(data.message).toMatch(/^server\.env\.A: /);
  });

  it('names the union for a discriminator that matches no member', () => {
    const data = refusal({ name: 'x', server: { type: 'ws' } });
    expect(data.field).toBe('server');
    expect(data.message).toMatch(/^server\.type: /);
  });
});

describe('zodToOpenApi', () => {
  it('writes the input schema the reference way, with named sub-schemas as references', () => {
    const components = new Map<z.core.$ZodType, string>([[Auth, 'Auth']]);
    expect(zodToOpenApi(Remote, components)).toEqual({
      type: 'object',
      properties: {
        type: { type: 'string', enum: ['remote'] },
        url: { type: 'string' },
        auth: {
          description: 'Login',
          anyOf: [{ $ref: '#/components/schemas/Auth' }, { type: 'boolean', enum: [false] }],
        },
      },
      required: ['type', 'url'],
      additionalProperties: false,
    });
    expect(zodToOpenApi(Body).properties?.server).toMatchObject({ anyOf: expect.any(Array) });
    expect(zodToOpenApi(z.strictObject({ $schema: z.string(), n: z.number().int() }))).toEqual({
      type: 'object',
      properties: { $schema: { type: 'string' }, n: { type: 'integer' } },
      required: ['$schema', 'n'],
      additionalProperties: false,
    });
  });
});
