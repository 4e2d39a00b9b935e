import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString } from 'class-validator';

export class ExecuteCommandDto {
  @ApiProperty({
    description:
      'A command name (`session.new`) or its short alias (`session_new`, `agent_cycle`, ...)',
  })
  @IsString()
  @IsNotEmpty()
  command: string;
}
