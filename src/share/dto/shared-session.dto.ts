import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { Field } from '../../core/http/field.decorators';
import { MessageWithPartsDto } from '../../session/dto/message-with-parts.dto';
import { SessionDto } from '../../session/dto/session.dto';

/**
 * The id in a local share's URL: base64url, as `POST /session/:id/share` makes them (the same
 * characters the auth exemption of `/share/` admits).
 */
export class ShareParamsDto {
  @Field.string({ pattern: /^[A-Za-z0-9_-]+$/, maxLength: 64, description: 'The share id' })
  shareID: string;
}

/** `GET /share/:shareID/data`: what a shared session's page shows, as JSON. */
@ApiSchema({ name: 'SharedSession' })
export class SharedSessionDto {
  @ApiProperty({ type: SessionDto })
  session: SessionDto;

  @ApiProperty({ type: [MessageWithPartsDto], description: 'Every message, oldest first' })
  messages: MessageWithPartsDto[];
}
