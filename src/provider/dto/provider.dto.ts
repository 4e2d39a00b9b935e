import { ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { SchemaObjectMetadata } from '@nestjs/swagger/dist/interfaces/schema-object-metadata.interface';
import {
  PROVIDER_SOURCES,
  type ModelInfo,
  type ProviderInfo,
  type ProviderSource,
} from '../provider.types';

const modalitySet: SchemaObjectMetadata = {
  type: 'object',
  properties: {
    text: { type: 'boolean' },
    audio: { type: 'boolean' },
    image: { type: 'boolean' },
    video: { type: 'boolean' },
    pdf: { type: 'boolean' },
  },
  required: ['text', 'audio', 'image', 'video', 'pdf'],
  additionalProperties: false,
};

const INTERLEAVED_FIELDS = ['reasoning', 'reasoning_content', 'reasoning_text'];

const cacheCost: SchemaObjectMetadata = {
  type: 'object',
  properties: { read: { type: 'number' }, write: { type: 'number' } },
  required: ['read', 'write'],
  additionalProperties: false,
};

/** Prices from a context size on. */
const costTier: SchemaObject = {
  type: 'object',
  properties: {
    input: { type: 'number' },
    output: { type: 'number' },
    cache: cacheCost as SchemaObject,
    tier: {
      type: 'object',
      properties: { type: { type: 'string', enum: ['context'] }, size: { type: 'number' } },
      required: ['type', 'size'],
      additionalProperties: false,
    },
  },
  required: ['input', 'output', 'cache', 'tier'],
  additionalProperties: false,
};

/** Response-only DTOs: the service builds these objects; the classes document them. */
@ApiSchema({ name: 'Model' })
export class ModelDto implements ModelInfo {
  @ApiProperty()
  id: string;

  @ApiProperty()
  providerID: string;

  @ApiProperty({
    type: 'object',
    properties: { id: { type: 'string' }, url: { type: 'string' }, npm: { type: 'string' } },
    required: ['id', 'url', 'npm'],
    additionalProperties: false,
  })
  api: ModelInfo['api'];

  @ApiProperty()
  name: string;

  @ApiPropertyOptional()
  family?: string;

  @ApiProperty({
    type: 'object',
    properties: {
      temperature: { type: 'boolean' },
      reasoning: { type: 'boolean' },
      attachment: { type: 'boolean' },
      toolcall: { type: 'boolean' },
      input: modalitySet,
      output: modalitySet,
      interleaved: {
        anyOf: [
          { type: 'boolean' },
          {
            type: 'object',
            properties: {
              field: {
                anyOf: [{ type: 'string', enum: INTERLEAVED_FIELDS }, { type: 'string' }],
              },
            },
            required: ['field'],
            additionalProperties: false,
          },
        ],
      },
    },
    required: [
      'temperature',
      'reasoning',
      'attachment',
      'toolcall',
      'input',
      'output',
      'interleaved',
    ],
    additionalProperties: false,
  })
  capabilities: ModelInfo['capabilities'];

  @ApiProperty({
    type: 'object',
    description: 'USD per million tokens',
    properties: {
      input: { type: 'number' },
      output: { type: 'number' },
      cache: cacheCost,
      tiers: { type: 'array', items: costTier },
      experimentalOver200K: {
        type: 'object',
        properties: { input: { type: 'number' }, output: { type: 'number' }, cache: cacheCost },
        required: ['input', 'output', 'cache'],
        additionalProperties: false,
      },
    },
    required: ['input', 'output', 'cache'],
    additionalProperties: false,
  })
  cost: ModelInfo['cost'];

  @ApiProperty({
    type: 'object',
    properties: {
      context: { type: 'number' },
      input: { type: 'number' },
      output: { type: 'number' },
    },
    required: ['context', 'output'],
    additionalProperties: false,
  })
  limit: ModelInfo['limit'];

  @ApiProperty({ enum: ['alpha', 'beta', 'deprecated', 'active'] })
  status: ModelInfo['status'];

  @ApiProperty({ type: 'object', additionalProperties: true })
  options: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  headers: Record<string, string>;

  @ApiProperty()
  release_date: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: true },
  })
  variants?: Record<string, Record<string, unknown>>;
}

@ApiSchema({ name: 'Provider' })
export class ProviderDto implements ProviderInfo {
  @ApiProperty()
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: PROVIDER_SOURCES })
  source: ProviderSource;

  @ApiProperty({ type: [String] })
  env: string[];

  @ApiProperty({ type: 'object', additionalProperties: true })
  options: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(ModelDto) },
  })
  models: Record<string, ModelDto>;
}

const defaultModels: SchemaObject = { type: 'object', additionalProperties: { type: 'string' } };

/** `GET /provider`: an inline schema in the reference, not a component. */
export const PROVIDER_LIST_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'List of providers',
  properties: {
    all: { type: 'array', items: { $ref: getSchemaPath(ProviderDto) } },
    default: defaultModels,
    connected: { type: 'array', items: { type: 'string' } },
  },
  required: ['all', 'default', 'connected'],
  additionalProperties: false,
};

/** `GET /config/providers`: an inline schema in the reference. */
export const CONFIG_PROVIDERS_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'List of providers',
  properties: {
    providers: { type: 'array', items: { $ref: getSchemaPath(ProviderDto) } },
    default: defaultModels,
  },
  required: ['providers', 'default'],
  additionalProperties: false,
};
