import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { MessageSchema, type MessageInfo } from './message.dto';
import { PartSchema, type Part } from './part.dto';

/** A message with its parts, oldest part first: what the message routes answer. */
@ApiSchema({ name: 'MessageWithParts' })
export class MessageWithPartsDto {
  @ApiProperty({ type: () => MessageSchema })
  info: MessageInfo;

  @ApiProperty({ type: () => [PartSchema] })
  parts: Part[];
}

export type MessageWithParts = MessageWithPartsDto;
