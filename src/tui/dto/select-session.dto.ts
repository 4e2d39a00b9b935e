import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class SelectSessionDto {
  @ApiProperty({ pattern: '^ses', description: 'Session ID to navigate to' })
  @IsString()
  @Matches(/^ses/, { message: 'sessionID must be a session id (ses...)' })
  sessionID: string;
}
