import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';

export class ProviderParamsDto {
  @ApiProperty()
  @IsString()
  providerID: string;
}
