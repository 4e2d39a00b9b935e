import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { Field } from '../../core/http/field.decorators';

@ApiSchema({ name: 'ProviderAuthMethod' })
export class ProviderAuthMethodDto {
  @ApiProperty({ enum: ['oauth', 'api'] })
  type: 'oauth' | 'api';

  @ApiProperty()
  label: string;
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

  @Field.record({ optional: true, values: 'string' })
  inputs?: Record<string, string>;
}

export class OAuthCallbackBodyDto {
  @Field.int(METHOD_INDEX)
  method: number;

  @Field.string({
    optional: true,
    maxLength: 4096,
    description: 'The code the provider showed (`code`, `code#state` or the redirect URL)',
  })
  code?: string;
}
