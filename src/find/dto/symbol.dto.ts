import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { RangeDto } from '../../session/dto/part.dto';

@ApiSchema({ name: 'SymbolLocation' })
class SymbolLocationDto {
  @ApiProperty({ description: '`file://` URI of the source file' })
  uri: string;

  @ApiProperty({ type: RangeDto, description: "The symbol's name (0-based lines, UTF-16 columns)" })
  range: RangeDto;
}

@ApiSchema({ name: 'Symbol' })
export class SymbolDto {
  @ApiProperty()
  name: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'LSP SymbolKind' })
  kind: number;

  @ApiProperty({ type: SymbolLocationDto })
  location: SymbolLocationDto;
}
