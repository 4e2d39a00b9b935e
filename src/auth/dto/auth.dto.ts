import { IsStringRecord } from '../../core/http/validators';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';

/** Provider ids as the catalog and configs spell them (`anthropic`, `fireworks-ai`, `my.proxy`). */
export const PROVIDER_ID_PATTERN = /^[A-Za-z0-9][\w.@-]*$/;

export class ProviderIdParamsDto {
  @ApiProperty({ description: 'Provider id, e.g. `anthropic`' })
  @IsString()
  @MaxLength(100)
  @Matches(PROVIDER_ID_PATTERN, { message: 'providerID must be a provider id such as "anthropic"' })
  providerID: string;
}

@ApiSchema({ name: 'OAuth' })
export class OAuthDto {
  @ApiProperty({ enum: ['oauth'] })
  @IsIn(['oauth'])
  type: 'oauth';

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  refresh: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  access: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Expiry, epoch milliseconds' })
  @IsInt()
  @Min(0)
  expires: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  accountId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  enterpriseUrl?: string;
}

@ApiSchema({ name: 'ApiAuth' })
export class ApiAuthDto {
  @ApiProperty({ enum: ['api'] })
  @IsIn(['api'])
  type: 'api';

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  key: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsStringRecord()
  metadata?: Record<string, string>;
}

@ApiSchema({ name: 'WellKnownAuth' })
export class WellKnownAuthDto {
  @ApiProperty({ enum: ['wellknown'] })
  @IsIn(['wellknown'])
  type: 'wellknown';

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  key: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  token: string;
}

/** The reference's `Auth` body: one of the three, told apart by `type`. */
export type AuthDto = OAuthDto | ApiAuthDto | WellKnownAuthDto;

export const AUTH_DTO_BY_TYPE = {
  oauth: OAuthDto,
  api: ApiAuthDto,
  wellknown: WellKnownAuthDto,
} as const;
