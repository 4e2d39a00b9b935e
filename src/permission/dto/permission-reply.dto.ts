import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString } from 'class-validator';
import { IsEntityId } from '../../core/http/validators';
import { SessionParamsDto } from '../../session/dto/session-request.dto';
import { PERMISSION_REPLIES, type PermissionReply } from '../permission.events';

/** Body of the deprecated `POST /session/:sessionID/permissions/:permissionID`. */
export class PermissionResponseDto {
  @ApiProperty({ enum: PERMISSION_REPLIES })
  @IsIn(PERMISSION_REPLIES)
  response: PermissionReply;

  @ApiPropertyOptional({ description: 'Older clients: true makes a "once" answer an "always" one' })
  @IsOptional()
  @IsBoolean()
  remember?: boolean;
}

export class PermissionParamsDto extends SessionParamsDto {
  @ApiProperty({ pattern: '^per' })
  @IsEntityId('permission')
  permissionID: string;
}

/** Body of `POST /permission/:requestID/reply`. */
export class PermissionReplyDto {
  @ApiProperty({ enum: PERMISSION_REPLIES })
  @IsIn(PERMISSION_REPLIES)
  reply: PermissionReply;

  @ApiPropertyOptional({
    description:
      'With "reject": what the model should do instead. The tool fails with these words and the turn goes on; without them the turn stops.',
  })
  @IsOptional()
  @IsString()
  message?: string;
}

export class PermissionRequestParamsDto {
  @ApiProperty({ pattern: '^per' })
  @IsEntityId('permission')
  requestID: string;
}
