import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, ValidateNested } from 'class-validator';
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
  @ApiProperty({ enum: ['tui.prompt.append'] })
  @IsIn(['tui.prompt.append'])
  type: 'tui.prompt.append';

  @ApiProperty({ type: TuiPromptAppendEvent })
  @IsObject()
  @ValidateNested()
  @Type(() => TuiPromptAppendEvent)
  properties: TuiPromptAppendEvent;
}

@ApiSchema({ name: 'EventTuiCommandExecute' })
export class PublishCommandExecuteDto {
  @ApiProperty({ enum: ['tui.command.execute'] })
  @IsIn(['tui.command.execute'])
  type: 'tui.command.execute';

  @ApiProperty({ type: TuiCommandExecuteEvent })
  @IsObject()
  @ValidateNested()
  @Type(() => TuiCommandExecuteEvent)
  properties: TuiCommandExecuteEvent;
}

@ApiSchema({ name: 'EventTuiToastShow' })
export class PublishToastShowDto {
  @ApiProperty({ enum: ['tui.toast.show'] })
  @IsIn(['tui.toast.show'])
  type: 'tui.toast.show';

  @ApiProperty({ type: TuiToastShowEvent })
  @IsObject()
  @ValidateNested()
  @Type(() => TuiToastShowEvent)
  properties: TuiToastShowEvent;
}

@ApiSchema({ name: 'EventTuiSessionSelect' })
export class PublishSessionSelectDto {
  @ApiProperty({ enum: ['tui.session.select'] })
  @IsIn(['tui.session.select'])
  type: 'tui.session.select';

  @ApiProperty({ type: TuiSessionSelectEvent })
  @IsObject()
  @ValidateNested()
  @Type(() => TuiSessionSelectEvent)
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
