import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { IsEntityId } from '../../core/http/validators';
import { SessionParamsDto } from '../../session/dto/session-request.dto';
import { PERMISSION_REPLIES, type PermissionReply } from '../permission.events';

export class PermissionReplyDto {
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
