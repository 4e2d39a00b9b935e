import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { Field } from '../../core/http/field.decorators';
import type { LoginPrompt } from '../oauth/login-method';

const PROMPT_CONDITION: SchemaObject = {
  type: 'object',
  properties: {
    key: { type: 'string' },
    op: { type: 'string', enum: ['eq', 'neq'] },
    value: { type: 'string' },
  },
  required: ['key', 'op', 'value'],
  additionalProperties: false,
};

/** The questions a client asks before `authorize` (their answers are its `inputs`). */
const LOGIN_PROMPT: SchemaObject = {
  anyOf: [
    {
      type: 'object',
      properties: {
        type: { type: 'string', enum: ['text'] },
        key: { type: 'string' },
        message: { type: 'string' },
        placeholder: { type: 'string' },
        when: PROMPT_CONDITION,
      },
      required: ['type', 'key', 'message'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: {
        type: { type: 'string', enum: ['select'] },
        key: { type: 'string' },
        message: { type: 'string' },
        options: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              label: { type: 'string' },
              value: { type: 'string' },
              hint: { type: 'string' },
            },
            required: ['label', 'value'],
            additionalProperties: false,
          },
        },
        when: PROMPT_CONDITION,
      },
      required: ['type', 'key', 'message', 'options'],
      additionalProperties: false,
    },
  ],
};

@ApiSchema({ name: 'ProviderAuthMethod' })
export class ProviderAuthMethodDto {
  @ApiProperty({ enum: ['oauth', 'api'] })
  type: 'oauth' | 'api';

  @ApiProperty()
  label: string;

  @ApiPropertyOptional({ type: 'array', items: LOGIN_PROMPT })
  prompts?: LoginPrompt[];
}

/** `GET /provider/auth`: methods by provider id. */
export const PROVIDER_AUTH_METHODS_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'Provider auth methods',
  additionalProperties: {
    type: 'array',
    items: { $ref: '#/components/schemas/ProviderAuthMethod' },
  },
};

@ApiSchema({ name: 'ProviderAuthAuthorization' })
export class ProviderAuthAuthorizationDto {
  @ApiProperty({ description: 'Where the user signs in' })
  url: string;

  @ApiProperty({
    enum: ['auto', 'code'],
    description: '`code`: the user pastes the code shown after signing in into the callback',
  })
  method: 'auto' | 'code';

  @ApiProperty()
  instructions: string;
}

/** The index of an auth method; the reference documents it as a number. */
const METHOD_INDEX = {
  min: 0,
  max: 100,
  schema: { type: 'number' },
  description: 'Auth method index',
} as const;

export class OAuthAuthorizeBodyDto {
  @Field.int(METHOD_INDEX)
  method: number;

  @Field.record({ optional: true, values: 'string', description: 'Prompt inputs' })
  inputs?: Record<string, string>;
}

export class OAuthCallbackBodyDto {
  @Field.int(METHOD_INDEX)
  method: number;

  @Field.string({
    optional: true,
    maxLength: 4096,
    description: 'OAuth authorization code',
  })
  code?: string;
}
