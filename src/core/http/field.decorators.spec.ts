import { Body, Controller, Get, Module, Post, Query, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ApiExtraModels, ApiSchema, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type {
  OpenAPIObject,
  ParameterObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { BadRequestError } from '../errors/named-error';
import { Field } from './field.decorators';
import { ApiUnionSchema } from './named-schema';
import { AppValidationPipe } from './validation';

@ApiSchema({ name: 'Point' })
class PointDto {
  @Field.int({ min: 0 })
  x: number;
}

@ApiSchema({ name: 'Circle' })
class CircleDto {
  @Field.enum(['circle'])
  kind: 'circle';

  @Field.number()
  radius: number;
}

@ApiSchema({ name: 'Square' })
class SquareDto {
  @Field.enum(['square'])
  kind: 'square';

  @Field.number()
  side: number;
}

@ApiUnionSchema('Shape', () => [CircleDto, SquareDto])
class ShapeSchema {}

const SHAPES = { circle: CircleDto, square: SquareDto };

@ApiSchema({ name: 'Everything' })
class EverythingDto {
  @Field.string({ notEmpty: true, description: 'A name' })
  name: string;

  @Field.string({ optional: true, maxLength: 5, pattern: /^[a-z]*$/, patternMessage: 'bad code' })
  code?: string;

  @Field.string({ nullable: true })
  note: string | null;

  @Field.id('message', { optional: true })
  messageID?: string;

  @Field.id('workspace', { nullable: true })
  workspaceID: string | null;

  @Field.enum(['ask', 'allow'], 'Action')
  action: 'ask' | 'allow';

  @Field.int({ optional: true, positive: true })
  timeout?: number;

  @Field.int({ optional: true, min: 1, max: 10, schema: { type: 'number' } })
  method?: number;

  @Field.boolean({ optional: true })
  flag?: boolean;

  @Field.nested(PointDto)
  point: PointDto;

  @Field.nested(() => PointDto, { optional: true, each: true })
  points?: PointDto[];

  @Field.union({ discriminator: 'kind', members: SHAPES, documentedAs: () => ShapeSchema })
  shape: CircleDto | SquareDto;

  @Field.union({ discriminator: 'kind', members: SHAPES, each: true, minItems: 1 })
  shapes: Array<CircleDto | SquareDto>;

  @Field.record({ optional: true, values: 'string' })
  headers?: Record<string, string>;

  @Field.record({ optional: true })
  metadata?: Record<string, unknown>;

  @Field.stringArray({ optional: true })
  files?: string[];

  @Field.stringMatrix({ optional: true })
  answers?: string[][];

  @Field.json({ optional: true, nullable: true })
  extra?: unknown;
}

class ListQueryDto {
  @Field.hidden()
  directory?: string;

  @Field.boolean({ optional: true, query: true })
  roots?: boolean;

  @Field.int({ optional: true, query: true, min: 0 })
  limit?: number;

  @Field.int({ optional: true, query: true, min: 1, typeFirst: true, message: 'page is bad' })
  page?: number;

  @Field.number({ optional: true, query: true })
  start?: number;

  @Field.string({ optional: true, maxLength: 3, typeFirst: true, requiredMessage: 'q please' })
  q?: string;
}

@Controller('things')
@ApiExtraModels(CircleDto, SquareDto, ShapeSchema)
class ThingsController {
  @Get()
  list(@Query() query: ListQueryDto): ListQueryDto {
    return query;
  }

  @Post()
  create(@Body() body: EverythingDto): EverythingDto {
    return body;
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

const pipe = new AppValidationPipe();

const VALID = {
  name: 'x',
  note: null,
  workspaceID: null,
  action: 'ask',
  point: { x: 1 },
  shape: { kind: 'circle', radius: 2 },
  shapes: [{ kind: 'square', side: 1 }],
};

async function validate(metatype: Type, value: unknown, type: 'body' | 'query' = 'body') {
  return pipe.transform(value, { type, metatype });
}

/** The `{ field, message }` of the 400 for `value`. */
async function failure(metatype: Type, value: unknown, type: 'body' | 'query' = 'body') {
  try {
    await validate(metatype, value, type);
  } catch (error) {
    if (error instanceof BadRequestError)
      return { field: error.data.field, message: error.data.message };
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

describe('Field decorators: validation', () => {
  it('accepts a valid body and builds the nested and union classes', async () => {
    const body = (await validate(EverythingDto, {
      ...VALID,
      points: [{ x: 0 }],
      headers: { a: 'b' },
      files: ['a'],
      answers: [['x']],
      extra: { any: 1 },
    })) as EverythingDto;
    expect(body.point).toBeInstanceOf(PointDto);
    expect(body.points?.[0]).toBeInstanceOf(PointDto);
    expect(body.shape).toBeInstanceOf(CircleDto);
    expect(body.shapes[0]).toBeInstanceOf(SquareDto);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a missing required string', { name: undefined }, 'name', 'name should not be empty'],
    ['an empty string', { name: '' }, 'name', 'name should not be empty'],
    ['a wrong-typed string', { name: 5 }, 'name', 'name must be a string'],
    // Constraints are checked before the type (as the stacked decorators did).
    ['a pattern miss', { code: 'AB' }, 'code', 'code: bad code'],
    [
      'a long string',
      { code: 'abcdef' },
      'code',
      'code must be shorter than or equal to 5 characters',
    ],
    ['a missing nullable', { note: undefined }, 'note', 'note must be a string'],
    [
      'a malformed id',
      { messageID: 'ses_1' },
      'messageID',
      'messageID must be an id starting with "msg_"',
    ],
    [
      'a malformed nullable id',
      { workspaceID: 'x' },
      'workspaceID',
      'workspaceID must be an id starting with "wrk_"',
    ],
    [
      'an unknown enum value',
      { action: 'deny' },
      'action',
      'action must be one of the following values: ask, allow',
    ],
    ['a zero positive', { timeout: 0 }, 'timeout', 'timeout must be a positive number'],
    ['a fraction', { timeout: 1.5 }, 'timeout', 'timeout must be an integer number'],
    ['an int past max', { method: 11 }, 'method', 'method must not be greater than 10'],
    [
      'an integer past the safe integers',
      { timeout: 1e23 },
      'timeout',
      'timeout must not be greater than 9007199254740991',
    ],
    ['a string boolean in a body', { flag: 'true' }, 'flag', 'flag must be a boolean value'],
    ['a nested failure', { point: { x: -1 } }, 'point.x', 'point.x must not be less than 0'],
    ['a missing nested object', { point: undefined }, 'point', 'point must be an object'],
    [
      'an unknown field of a nested object',
      { point: { x: 1, y: 2 } },
      'point.y',
      'point.y: property y should not exist',
    ],
    [
      'an array item failure',
      { points: [{ x: 1 }, { x: 'a' }] },
      'points.1.x',
      'points.1.x must not be less than 0',
    ],
    [
      'an unknown union member',
      { shape: { kind: 'oval' } },
      'shape.kind',
      'shape.kind must be one of the following values: circle, square',
    ],
    [
      'an unknown union member with the fields of another',
      { shape: { kind: 'oval', side: 1 } },
      'shape.kind',
      'shape.kind must be one of the following values: circle, square',
    ],
    [
      'a union member failure',
      { shape: { kind: 'square', radius: 1 } },
      'shape.side',
      'shape.side must be a number conforming to the specified constraints',
    ],
    [
      'an unknown field of a valid union member',
      { shape: { kind: 'square', side: 1, radius: 1 } },
      'shape.radius',
      'shape.radius: property radius should not exist',
    ],
    ['too few union items', { shapes: [] }, 'shapes', 'shapes must contain at least 1 elements'],
    [
      'a non-string record value',
      { headers: { a: 1 } },
      'headers',
      'headers must be an object of strings',
    ],
    ['an array for a record', { metadata: [] }, 'metadata', 'metadata must be an object'],
    [
      'a non-string array item',
      { files: [1] },
      'files',
      'files: each value in files must be a string',
    ],
    ['a flat matrix', { answers: ['x'] }, 'answers', 'answers must be an array of string arrays'],
    ['null for a required string', { name: null }, 'name', 'name should not be empty'],
    ['null for a required object', { point: null }, 'point', 'point must be an object'],
  ])('refuses %s, naming the field', async (_case, change, field, message) => {
    expect(await failure(EverythingDto, { ...VALID, ...change })).toEqual({ field, message });
  });

  it('accepts null where a field is nullable, optional or not', async () => {
    const body = (await validate(EverythingDto, { ...VALID, extra: null })) as EverythingDto;
    expect(body).toMatchObject({ note: null, workspaceID: null, extra: null });
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    // Optional means absent: null is checked like any other value (and fails).
    ['null for an optional string', { code: null }, 'code', 'code: bad code'],
    [
      'null for an optional id',
      { messageID: null },
      'messageID',
      'messageID must be an id starting with "msg_"',
    ],
    [
      'null for an optional integer',
      { timeout: null },
      'timeout',
      'timeout must be a positive number',
    ],
    ['null for an optional boolean', { flag: null }, 'flag', 'flag must be a boolean value'],
    ['null for an optional array', { points: null }, 'points', 'points must be an array'],
    [
      'null for an optional record',
      { headers: null },
      'headers',
      'headers must be an object of strings',
    ],
    [
      'null for optional strings',
      { files: null },
      'files',
      'files: each value in files must be a string',
    ],
  ])('refuses %s, naming the field', async (_case, change, field, message) => {
    expect(await failure(EverythingDto, { ...VALID, ...change })).toEqual({ field, message });
  });

  it('converts query numbers and booleans from text', async () => {
    const query = (await validate(
      ListQueryDto,
      { directory: '/x', roots: 'false', limit: '3', start: '1.5' },
      'query',
    )) as ListQueryDto;
    expect(query).toMatchObject({ directory: '/x', roots: false, limit: 3, start: 1.5 });
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    [
      'a boolean that is not true/false',
      { roots: 'yes' },
      'roots',
      'roots must be a boolean value',
    ],
    [
      'a number past the safe integers',
      { limit: '9007199254740993' },
      'limit',
      'limit must not be greater than 9007199254740991',
    ],
    ['a number that is not one', { limit: 'abc' }, 'limit', 'limit must not be less than 0'],
    ['a bad type-first integer', { page: 'abc' }, 'page', 'page is bad'],
    [
      'a non-integer field past the safe integers',
      { start: '99999999999999999999999' },
      'start',
      'start must not be greater than 9007199254740991',
    ],
    [
      'a non-integer field below the safe integers',
      { start: '-9007199254740993' },
      'start',
      'start must not be less than -9007199254740991',
    ],
    [
      'a number that is not finite',
      { start: 'abc' },
      'start',
      'start must be a number conforming to the specified constraints',
    ],
    ['a type-first string given twice', { q: ['a', 'b'] }, 'q', 'q must be a string'],
  ])('refuses %s in a query', async (_case, query, field, message) => {
    expect(await failure(ListQueryDto, query, 'query')).toEqual({ field, message });
  });
});

describe('Field decorators: the schema in /doc', () => {
  let document: OpenAPIObject;

  beforeAll(async () => {
    const app = await NestFactory.create(ThingsModule, new FastifyAdapter(), { logger: false });
    document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    await app.close();
  });

  const schema = (name: string) => document.components?.schemas?.[name] as SchemaObject;

  it('documents each field from the same options that check it', () => {
    const everything = schema('Everything');
    expect(everything.properties).toEqual({
      name: { type: 'string', description: 'A name' },
      code: { type: 'string', pattern: '^[a-z]*$', maxLength: 5 },
      note: { type: 'string', nullable: true },
      messageID: { type: 'string', pattern: '^msg' },
      workspaceID: { type: 'string', pattern: '^wrk', nullable: true },
      action: { allOf: [{ $ref: '#/components/schemas/Action' }] },
      timeout: { type: 'integer', minimum: 1 },
      method: { type: 'number' },
      flag: { type: 'boolean' },
      point: { $ref: '#/components/schemas/Point' },
      points: { type: 'array', items: { $ref: '#/components/schemas/Point' } },
      shape: { $ref: '#/components/schemas/Shape' },
      shapes: {
        type: 'array',
        items: {
          anyOf: [{ $ref: '#/components/schemas/Circle' }, { $ref: '#/components/schemas/Square' }],
        },
      },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      metadata: { type: 'object', additionalProperties: true },
      files: { type: 'array', items: { type: 'string' } },
      answers: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
      extra: { anyOf: [{}, { type: 'null' }] },
    });
    expect(everything.required).toEqual([
      'name',
      'note',
      'workspaceID',
      'action',
      'point',
      'shape',
      'shapes',
    ]);
    expect(schema('Action')).toEqual({ type: 'string', enum: ['ask', 'allow'] });
    expect(schema('Point')).toEqual({
      type: 'object',
      properties: { x: { type: 'integer', minimum: 0 } },
      required: ['x'],
    });
  });

  it('documents query fields as parameters, hiding the common ones', () => {
    const parameters = document.paths['/things'].get?.parameters as ParameterObject[];
    expect(parameters.map((parameter) => parameter.name)).toEqual([
      'roots',
      'limit',
      'page',
      'start',
      'q',
    ]);
    const roots = parameters.find((parameter) => parameter.name === 'roots');
    expect(roots?.schema).toMatchObject({
      anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['true', 'false'] }],
    });
    expect(parameters.find((parameter) => parameter.name === 'limit')?.schema).toEqual({
      type: 'integer',
      minimum: 0,
    });
  });
});
