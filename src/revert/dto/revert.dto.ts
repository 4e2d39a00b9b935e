import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { Field } from '../../core/http/field.decorators';

@ApiSchema({ name: 'SessionRevertInput' })
export class RevertBodyDto {
  @Field.id('message', {
    description: 'The message to revert: it and everything after it are undone',
  })
  messageID: string;

  @Field.id('part', {
    optional: true,
    description: 'Revert from this part of the message on, keeping the parts before it',
  })
  partID?: string;
}

class SessionBusyErrorData {
  @ApiProperty()
  message: string;

  @Field.id('session')
  sessionID: string;
}

/** 409 of routes that change what a running turn works on (`SessionBusyError`). */
@ApiSchema({ name: 'SessionBusyError' })
export class SessionBusyErrorDto {
  @ApiProperty({ enum: ['SessionBusyError'] })
  name: 'SessionBusyError';

  @ApiProperty({ type: SessionBusyErrorData })
  data: SessionBusyErrorData;
}
