import { ApiProperty } from '@nestjs/swagger';
import { BusEvent } from '../core/bus/bus-event';
import { Field } from '../core/http/field.decorators';

/**
 * A slash command ran in a session: its template, rendered with `arguments`, was stored as the
 * user message `messageID`, and the session's turn starts from it.
 */
@BusEvent('command.executed')
export class CommandExecutedEvent {
  @ApiProperty({ description: 'The command name, without the slash' })
  name: string;

  @Field.id('session')
  sessionID: string;

  @ApiProperty({ description: 'The arguments typed after the command name, as sent' })
  arguments: string;

  @Field.id('message')
  messageID: string;
}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'command.executed': CommandExecutedEvent;
  }
}
