import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import {
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';

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

export class OAuthAuthorizeBodyDto {
  @ApiProperty({ type: 'number', description: 'Auth method index' })
  @IsInt()
  @Min(0)
  @Max(100)
  method: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsObject()
  @ValidateBy({
    name: 'isStringRecord',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        Object.values(value).every((item) => typeof item === 'string'),
      defaultMessage: () => 'inputs must be an object of strings',
    },
  })
  inputs?: Record<string, string>;
}

export class OAuthCallbackBodyDto {
  @ApiProperty({ type: 'number', description: 'Auth method index' })
  @IsInt()
  @Min(0)
  @Max(100)
  method: number;

  @ApiPropertyOptional({
    description: 'The code the provider showed (`code`, `code#state` or the redirect URL)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  code?: string;
}
