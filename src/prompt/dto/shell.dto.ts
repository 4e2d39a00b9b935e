import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { ModelRefDto } from './prompt-input.dto';

export class ShellBodyDto {
  @ApiPropertyOptional({ pattern: '^msg' })
  @IsOptional()
  @Matches(/^msg_[0-9A-Za-z]{1,64}$/, { message: 'messageID must be a message id (msg_...)' })
  messageID?: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  agent: string;

  @ApiPropertyOptional({ type: ModelRefDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ModelRefDto)
  model?: ModelRefDto;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  command: string;
}
