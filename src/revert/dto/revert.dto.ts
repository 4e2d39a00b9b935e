import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { idPattern } from '../../core/id';

@ApiSchema({ name: 'SessionRevertInput' })
export class RevertBodyDto {
  @ApiProperty({
    pattern: '^msg',
    description: 'The message to revert: it and everything after it are undone',
  })
  @Matches(idPattern('message'), { message: 'messageID must be an id starting with "msg_"' })
  messageID: string;

  @ApiPropertyOptional({
    pattern: '^prt',
    description: 'Revert from this part of the message on, keeping the parts before it',
  })
  @IsOptional()
  @Matches(idPattern('part'), { message: 'partID must be an id starting with "prt_"' })
  partID?: string;
}

class SessionBusyErrorData {
  @ApiProperty()
  message: string;

  @ApiProperty({ pattern: '^ses' })
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
