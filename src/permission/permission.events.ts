import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { BusEvent } from '../core/bus/bus-event';
import { Field } from '../core/http/field.decorators';

export class PermissionToolRef {
  @ApiProperty()
  messageID: string;

  @ApiProperty()
  callID: string;
}

/** A request waiting for the user: `permission.asked`, and the items of `GET /permission`. */
@BusEvent('permission.asked')
@ApiSchema({ name: 'PermissionRequest' })
export class PermissionAskedEvent {
  @Field.id('permission')
  id: string;

  @Field.id('session')
  sessionID: string;

  @ApiProperty()
  permission: string;

  @ApiProperty({ type: [String] })
  patterns: string[];

  @ApiProperty({ type: 'object', additionalProperties: true })
  metadata: Record<string, unknown>;

  @ApiProperty({ type: [String] })
  always: string[];

  @ApiPropertyOptional({ type: PermissionToolRef })
  tool?: PermissionToolRef;
}

export const PERMISSION_REPLIES = ['once', 'always', 'reject'] as const;
export type PermissionReply = (typeof PERMISSION_REPLIES)[number];

@BusEvent('permission.replied')
export class PermissionRepliedEvent {
  @Field.id('session')
  sessionID: string;

  @Field.id('permission')
  requestID: string;

  @ApiProperty({ enum: PERMISSION_REPLIES })
  reply: PermissionReply;
}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'permission.asked': PermissionAskedEvent;
    'permission.replied': PermissionRepliedEvent;
  }
}
