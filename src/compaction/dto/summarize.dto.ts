import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString } from 'class-validator';

@ApiSchema({ name: 'SessionSummarizeInput' })
export class SummarizeBodyDto {
  @ApiProperty({ description: 'Provider of the model that writes the summary' })
  @IsString()
  @IsNotEmpty()
  providerID: string;

  @ApiProperty({ description: 'Model that writes the summary' })
  @IsString()
  @IsNotEmpty()
  modelID: string;

  @ApiPropertyOptional({
    description: 'Started by the client on its own (context nearly full), not asked by the user',
  })
  @IsOptional()
  @IsBoolean()
  auto?: boolean;
}
