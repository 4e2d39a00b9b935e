import { BusEvent } from '../core/bus/bus-event';
import { Field } from '../core/http/field.decorators';
import { AppendPromptDto } from './dto/append-prompt.dto';
import { SelectSessionDto } from './dto/select-session.dto';
import { ShowToastDto } from './dto/show-toast.dto';
import { TUI_COMMANDS, type TuiCommandName } from './tui-commands';

// The request bodies of the /tui routes are the event payloads (as in the reference), so the
// events extend the DTOs: one definition documents and validates both (`POST /tui/publish`
// takes whole events).

@BusEvent('tui.prompt.append')
export class TuiPromptAppendEvent extends AppendPromptDto {}

@BusEvent('tui.command.execute')
export class TuiCommandExecuteEvent {
  // Validated too: `POST /tui/publish` takes the event as its body. A known command or any name.
  @Field.string({
    notEmpty: true,
    schema: { anyOf: [{ type: 'string', enum: [...TUI_COMMANDS] }, { type: 'string' }] },
  })
  command: TuiCommandName;
}

@BusEvent('tui.toast.show')
export class TuiToastShowEvent extends ShowToastDto {}

@BusEvent('tui.session.select')
export class TuiSessionSelectEvent extends SelectSessionDto {}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'tui.prompt.append': TuiPromptAppendEvent;
    'tui.command.execute': TuiCommandExecuteEvent;
    'tui.toast.show': TuiToastShowEvent;
    'tui.session.select': TuiSessionSelectEvent;
  }
}
