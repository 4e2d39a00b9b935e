import { ApiSchema } from '@nestjs/swagger';
import { Field } from '../../core/http/field.decorators';

/** Provider ids as the catalog and configs spell them (`anthropic`, `fireworks-ai`, `my.proxy`). */
export const PROVIDER_ID_PATTERN = /^[A-Za-z0-9][\w.@-]*$/;

export class ProviderIdParamsDto {
  @Field.string({
    description: 'Provider id, e.g. `anthropic`',
    maxLength: 100,
    pattern: PROVIDER_ID_PATTERN,
    patternMessage: 'providerID must be a provider id such as "anthropic"',
  })
  providerID: string;
}

@ApiSchema({ name: 'OAuth' })
export class OAuthDto {
  @Field.enum(['oauth'])
  type: 'oauth';

  @Field.string({ notEmpty: true })
  refresh: string;

  @Field.string({ notEmpty: true })
  access: string;

  @Field.int({ min: 0, description: 'Expiry, epoch milliseconds' })
  expires: number;

  @Field.string({ optional: true })
  accountId?: string;

  @Field.string({ optional: true })
  enterpriseUrl?: string;
}

@ApiSchema({ name: 'ApiAuth' })
export class ApiAuthDto {
  @Field.enum(['api'])
  type: 'api';

  @Field.string({ notEmpty: true })
  key: string;

  @Field.record({ optional: true, values: 'string' })
  metadata?: Record<string, string>;
}

@ApiSchema({ name: 'WellKnownAuth' })
export class WellKnownAuthDto {
  @Field.enum(['wellknown'])
  type: 'wellknown';

  @Field.string({ notEmpty: true })
  key: string;

  @Field.string({ notEmpty: true })
  token: string;
}

/** The reference's `Auth` body: one of the three, told apart by `type`. */
export type AuthDto = OAuthDto | ApiAuthDto | WellKnownAuthDto;

export const AUTH_DTO_BY_TYPE = {
  oauth: OAuthDto,
  api: ApiAuthDto,
  wellknown: WellKnownAuthDto,
} as const;
