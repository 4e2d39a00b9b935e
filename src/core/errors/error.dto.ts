import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

class ErrorMessageData {
  @ApiProperty()
  message: string;
}

@ApiSchema({ name: 'NotFoundError' })
export class NotFoundErrorDto {
  @ApiProperty({ enum: ['NotFoundError'] })
  name: 'NotFoundError';

  @ApiProperty({ type: ErrorMessageData })
  data: ErrorMessageData;
}

class BadRequestData {
  @ApiProperty()
  message: string;

  @ApiPropertyOptional({ enum: ['Params', 'Headers', 'Query', 'Body', 'Payload'] })
  kind?: string;

  @ApiPropertyOptional({ description: 'The field that failed validation' })
  field?: string;
}

@ApiSchema({ name: 'BadRequestError' })
export class BadRequestErrorDto {
  @ApiProperty({ enum: ['BadRequest'] })
  name: 'BadRequest';

  @ApiProperty({ type: BadRequestData })
  data: BadRequestData;
}

@ApiSchema({ name: 'ForbiddenPathError' })
export class ForbiddenPathErrorDto {
  @ApiProperty({ enum: ['ForbiddenPathError'] })
  name: 'ForbiddenPathError';

  @ApiProperty({ type: ErrorMessageData })
  data: ErrorMessageData;
}
