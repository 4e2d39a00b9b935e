import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { TaggedError } from '../../core/errors/tagged-error';

export class MessageNotFoundV2Error extends TaggedError<{ sessionID: string; messageID: string }> {
  constructor(sessionID: string, messageID: string) {
    super('MessageNotFoundError', 404, `Message not found: ${messageID}`, {
      sessionID,
      messageID,
    });
  }
}

/** A prompt id used again with another input. */
/** An id the client chose that is already taken by something else. */
export class ConflictError extends TaggedError<{ resource: string }> {
  constructor(message: string, resource: string) {
    super('ConflictError', 409, message, { resource });
  }
}

/** A prompt id used again with another input. */
export function promptConflict(id: string): ConflictError {
  return new ConflictError(
    `Prompt message ID conflicts with an existing durable record: ${id}`,
    id,
  );
}

export class InvalidCursorError extends TaggedError {
  constructor(message = 'Invalid cursor') {
    super('InvalidCursorError', 400, message, {});
  }
}

@ApiSchema({ name: 'SessionNotFoundError' })
export class SessionNotFoundErrorDto {
  @ApiProperty({ enum: ['SessionNotFoundError'] })
  _tag: 'SessionNotFoundError';

  @ApiProperty()
  sessionID: string;

  @ApiProperty()
  message: string;
}

@ApiSchema({ name: 'MessageNotFoundError' })
export class MessageNotFoundErrorDto {
  @ApiProperty({ enum: ['MessageNotFoundError'] })
  _tag: 'MessageNotFoundError';

  @ApiProperty()
  sessionID: string;

  @ApiProperty()
  messageID: string;

  @ApiProperty()
  message: string;
}

@ApiSchema({ name: 'ConflictError' })
export class ConflictErrorDto {
  @ApiProperty({ enum: ['ConflictError'] })
  _tag: 'ConflictError';

  @ApiProperty()
  message: string;

  @ApiProperty({ required: false, description: 'The id that is already taken' })
  resource?: string;
}

@ApiSchema({ name: 'InvalidCursorError' })
export class InvalidCursorErrorDto {
  @ApiProperty({ enum: ['InvalidCursorError'] })
  _tag: 'InvalidCursorError';

  @ApiProperty()
  message: string;
}
