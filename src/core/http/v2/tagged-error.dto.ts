import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** The v2 400: a request that does not match the route's schema (`kind`: where, `field`: what). */
@ApiSchema({ name: 'InvalidRequestError' })
export class InvalidRequestErrorDto {
  @ApiProperty({ enum: ['InvalidRequestError'] })
  _tag: 'InvalidRequestError';

  @ApiProperty()
  message: string;

  @ApiPropertyOptional({ description: 'Where the problem is: Query, Headers, Params, Payload' })
  kind?: string;

  @ApiPropertyOptional({ description: 'The offending field' })
  field?: string;
}

@ApiSchema({ name: 'UnauthorizedError' })
export class UnauthorizedErrorDto {
  @ApiProperty({ enum: ['UnauthorizedError'] })
  _tag: 'UnauthorizedError';

  @ApiProperty()
  message: string;
}

/** The v2 403, e.g. a path that leads outside the location. */
@ApiSchema({ name: 'ForbiddenError' })
export class ForbiddenErrorDto {
  @ApiProperty({ enum: ['ForbiddenError'] })
  _tag: 'ForbiddenError';

  @ApiProperty()
  message: string;
}

/**
 * A 404 of the v2 routes without an id-specific tag (a missing file). Named apart from the
 * classic `NotFoundError` component, which has the `{ name, data }` shape.
 */
@ApiSchema({ name: 'ApiNotFoundError' })
export class ApiNotFoundErrorDto {
  @ApiProperty({ enum: ['NotFoundError'] })
  _tag: 'NotFoundError';

  @ApiProperty()
  message: string;
}
