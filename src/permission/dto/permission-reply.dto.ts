import { Field } from '../../core/http/field.decorators';
import { PERMISSION_REPLIES, type PermissionReply } from '../permission.events';

/** Body of the deprecated `POST /session/:sessionID/permissions/:permissionID`. */
export class PermissionResponseDto {
  @Field.enum(PERMISSION_REPLIES)
  response: PermissionReply;

  @Field.boolean({
    optional: true,
    description: 'Older clients: true makes a "once" answer an "always" one',
  })
  remember?: boolean;
}

export class PermissionParamsDto {
  @Field.id('session')
  sessionID: string;

  @Field.id('permission')
  permissionID: string;
}

/** Body of `POST /permission/:requestID/reply`. */
export class PermissionReplyDto {
  @Field.enum(PERMISSION_REPLIES)
  reply: PermissionReply;

  @Field.string({
    optional: true,
    description:
      'With "reject": what the model should do instead. The tool fails with these words and the turn goes on; without them the turn stops.',
  })
  message?: string;
}

export class PermissionRequestParamsDto {
  @Field.id('permission')
  requestID: string;
}
