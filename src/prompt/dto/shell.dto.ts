import { IsEntityId } from '../../core/http/id-param.pipe';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, ValidateNested } from 'class-validator';
import { ModelRefDto } from './prompt-input.dto';

export class ShellBodyDto {
  @ApiPropertyOptional({ pattern: '^msg' })
  @IsOptional()
  @IsEntityId('message')
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
