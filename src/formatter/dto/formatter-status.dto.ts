import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'FormatterStatus' })
export class FormatterStatusDto {
  @ApiProperty({ description: 'The formatter name, as the `formatter` config keys it' })
  name: string;

  @ApiProperty({ type: [String], description: 'File extensions it formats (`.ts`)' })
  extensions: string[];

  @ApiProperty({ description: 'Whether it can run for this project (its binary was found)' })
  enabled: boolean;
}
