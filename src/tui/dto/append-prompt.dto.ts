import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';

export class AppendPromptDto {
  @ApiProperty({ description: 'Text appended to the prompt of the terminal client' })
  @IsString()
  text: string;
}
