import { ApiProperty, PickType } from '@nestjs/swagger';
import { IsNotEmpty, IsString } from 'class-validator';
import { PromptBodyDto } from './prompt-input.dto';

/** `POST /session/:id/shell`: a command the user runs in the session, without the model. */
export class ShellBodyDto extends PickType(PromptBodyDto, ['messageID', 'model'] as const) {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  agent: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  command: string;
}
