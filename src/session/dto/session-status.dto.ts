import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ApiUnionSchema } from '../../core/http/named-schema';

@ApiSchema({ name: 'SessionStatusIdle' })
export class SessionStatusIdleDto {
  @ApiProperty({ enum: ['idle'] })
  type: 'idle';
}

@ApiSchema({ name: 'SessionStatusBusy' })
export class SessionStatusBusyDto {
  @ApiProperty({ enum: ['busy'] })
  type: 'busy';
}

/** What the user can do about a failure that is being retried (e.g. a provider's rate limit). */
@ApiSchema({ name: 'SessionStatusRetryAction' })
export class SessionStatusRetryActionDto {
  @ApiProperty()
  reason: string;

  @ApiProperty()
  provider: string;

  @ApiProperty()
  title: string;

  @ApiProperty()
  message: string;

  @ApiProperty()
  label: string;

  @ApiPropertyOptional()
  link?: string;
}

@ApiSchema({ name: 'SessionStatusRetry' })
export class SessionStatusRetryDto {
  @ApiProperty({ enum: ['retry'] })
  type: 'retry';

  @ApiProperty({ type: 'integer', minimum: 0 })
  attempt: number;

  @ApiProperty()
  message: string;

  @ApiPropertyOptional({ type: SessionStatusRetryActionDto })
  action?: SessionStatusRetryActionDto;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'When the next attempt starts (ms)' })
  next: number;
}

/** The reference's `SessionStatus` union, as a named component. */
@ApiUnionSchema('SessionStatus', () => [
  SessionStatusIdleDto,
  SessionStatusRetryDto,
  SessionStatusBusyDto,
])
export class SessionStatusSchema {}

export const SESSION_STATUS_MODELS = [
  SessionStatusIdleDto,
  SessionStatusRetryDto,
  SessionStatusBusyDto,
  SessionStatusSchema,
];

export type SessionStatus = SessionStatusIdleDto | SessionStatusBusyDto | SessionStatusRetryDto;
