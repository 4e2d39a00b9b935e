import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsObject, IsOptional, IsString } from 'class-validator';
import { LOG_LEVELS, type LogLevelName } from '../../core/config/app-environment';

export class LogEntryDto {
  @ApiProperty({ description: 'Service name for the log entry' })
  @IsString()
  @IsNotEmpty()
  service: string;

  @ApiProperty({ enum: LOG_LEVELS, description: 'Log level' })
  @IsIn(LOG_LEVELS)
  level: LogLevelName;

  @ApiProperty({ description: 'Log message' })
  @IsString()
  message: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Additional metadata',
  })
  @IsOptional()
  @IsObject()
  extra?: Record<string, unknown>;
}
