import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsPositive, IsString } from 'class-validator';

export const TOAST_VARIANTS = ['info', 'success', 'warning', 'error'] as const;
export type ToastVariant = (typeof TOAST_VARIANTS)[number];

export class ShowToastDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  title?: string;

  @ApiProperty()
  @IsString()
  message: string;

  @ApiProperty({ enum: TOAST_VARIANTS })
  @IsIn(TOAST_VARIANTS)
  variant: ToastVariant;

  @ApiPropertyOptional({
    type: 'integer',
    // The reference says `exclusiveMinimum: 0`; the same for integers, and @nestjs/swagger types
    // exclusiveMinimum as the OpenAPI 3.0 boolean.
    minimum: 1,
    description: 'How long the toast stays, in milliseconds (5000 when not given)',
  })
  @IsOptional()
  @IsInt()
  @IsPositive()
  duration?: number;
}
