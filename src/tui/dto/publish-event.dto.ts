import { ApiSchema } from '@nestjs/swagger';
import { Field } from '../../core/http/field.decorators';
import {
  TuiCommandExecuteEvent,
  TuiPromptAppendEvent,
  TuiSessionSelectEvent,
  TuiToastShowEvent,
} from '../tui.events';

// The bodies of `POST /tui/publish`: one TUI event, `{ type, properties }`, under the
// reference's component names. The properties are the events' own classes, which validate.

@ApiSchema({ name: 'EventTuiPromptAppend' })
export class PublishPromptAppendDto {
  @Field.enum(['tui.prompt.append'])
  type: 'tui.prompt.append';

  @Field.nested(TuiPromptAppendEvent)
  properties: TuiPromptAppendEvent;
}

@ApiSchema({ name: 'EventTuiCommandExecute' })
export class PublishCommandExecuteDto {
  @Field.enum(['tui.command.execute'])
  type: 'tui.command.execute';

  @Field.nested(TuiCommandExecuteEvent)
  properties: TuiCommandExecuteEvent;
}

@ApiSchema({ name: 'EventTuiToastShow' })
export class PublishToastShowDto {
  @Field.enum(['tui.toast.show'])
  type: 'tui.toast.show';

  @Field.nested(TuiToastShowEvent)
  properties: TuiToastShowEvent;
}

@ApiSchema({ name: 'EventTuiSessionSelect' })
export class PublishSessionSelectDto {
  @Field.enum(['tui.session.select'])
  type: 'tui.session.select';

  @Field.nested(TuiSessionSelectEvent)
  properties: TuiSessionSelectEvent;
}

export type PublishTuiEventDto =
  PublishPromptAppendDto | PublishCommandExecuteDto | PublishToastShowDto | PublishSessionSelectDto;

/** The body class of each event type `POST /tui/publish` accepts. */
export const PUBLISH_DTO_BY_TYPE = {
  'tui.prompt.append': PublishPromptAppendDto,
  'tui.command.execute': PublishCommandExecuteDto,
  'tui.toast.show': PublishToastShowDto,
  'tui.session.select': PublishSessionSelectDto,
} as const;
