import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { NamedError } from '../errors/named-error';

/** An `Idempotency-Key` already answered (or being answered) for a different request. */
export class IdempotencyKeyReusedError extends NamedError {
  constructor() {
    super('IdempotencyKeyReusedError', 422, {
      message:
        'This Idempotency-Key was already used within the last 24 hours for a different request (method, route, directory or body); use a new key for a new request',
    });
  }
}

class IdempotencyKeyReusedDataDto {
  @ApiProperty()
  message: string;
}

@ApiSchema({ name: 'IdempotencyKeyReusedError' })
export class IdempotencyKeyReusedErrorDto {
  @ApiProperty({ enum: ['IdempotencyKeyReusedError'] })
  name: 'IdempotencyKeyReusedError';

  @ApiProperty({ type: IdempotencyKeyReusedDataDto })
  data: IdempotencyKeyReusedDataDto;
}
