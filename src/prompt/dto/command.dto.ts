import { IsEntityId } from '../../core/http/validators';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  ValidateNested,
} from 'class-validator';
import { FilePartInputDto } from './prompt-input.dto';

export class CommandBodyDto {
  @ApiPropertyOptional({ pattern: '^msg' })
  @IsOptional()
  @IsEntityId('message')
  messageID?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  agent?: string;

  @ApiPropertyOptional({ description: '`provider/model`' })
  @IsOptional()
  @Matches(/^[^/\s]+\/\S+$/, { message: 'model must look like provider/model' })
  model?: string;

  @ApiProperty({ description: 'The arguments after the command name' })
  @IsString()
  arguments: string;

  @ApiProperty({ description: 'The command name, without the slash' })
  @IsString()
  @IsNotEmpty()
  command: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  variant?: string;

  @ApiPropertyOptional({ type: [FilePartInputDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FilePartInputDto)
  parts?: FilePartInputDto[];
}

export class InitBodyDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  modelID: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  providerID: string;

  @ApiProperty({ pattern: '^msg' })
  @IsEntityId('message')
  messageID: string;
}
