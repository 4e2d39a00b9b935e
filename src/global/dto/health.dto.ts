import { ApiProperty } from '@nestjs/swagger';

export class HealthDto {
  @ApiProperty({ enum: [true] })
  healthy: true;

  @ApiProperty({ description: 'Server version' })
  version: string;
}
