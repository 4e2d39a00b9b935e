import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { InstanceQueryDto } from '../../core/http/endpoint.decorator';
import { idPattern } from '../../core/id';

export class SessionDiffQueryDto extends InstanceQueryDto {
  @ApiPropertyOptional({
    pattern: '^msg',
    description: "Only the changes of this message's turn; the whole session's when absent",
  })
  @IsOptional()
  @Matches(idPattern('message'), { message: 'messageID must be an id starting with "msg_"' })
  messageID?: string;
}
