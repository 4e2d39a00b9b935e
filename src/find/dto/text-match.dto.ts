import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'FindTextMatchText' })
class FindMatchTextDto {
  @ApiProperty()
  text: string;
}

@ApiSchema({ name: 'FindTextSubmatch' })
class FindSubmatchDto {
  @ApiProperty({ type: FindMatchTextDto })
  match: FindMatchTextDto;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Byte offset in the line' })
  start: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Byte offset in the line' })
  end: number;
}

/** One matching line, in ripgrep's `--json` "match" shape as the reference answers it. */
@ApiSchema({ name: 'FindTextMatch' })
export class TextMatchDto {
  @ApiProperty({ type: FindMatchTextDto, description: 'Relative to the project' })
  path: FindMatchTextDto;

  @ApiProperty({ type: FindMatchTextDto, description: 'The whole line, with its line terminator' })
  lines: FindMatchTextDto;

  @ApiProperty({ type: 'integer', minimum: 0, description: '1-based' })
  line_number: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Byte offset of the line in the file' })
  absolute_offset: number;

  @ApiProperty({ type: [FindSubmatchDto] })
  submatches: FindSubmatchDto[];
}
