import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'FilePatchHunk' })
export class FilePatchHunkDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  oldStart: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  oldLines: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  newStart: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  newLines: number;

  @ApiProperty({ type: [String], description: "Lines prefixed with ' ', '-', '+' or '\\'" })
  lines: string[];
}

/** jsdiff's structured patch, which the reference sends. */
@ApiSchema({ name: 'FilePatch' })
export class FilePatchDto {
  @ApiProperty()
  oldFileName: string;

  @ApiProperty()
  newFileName: string;

  @ApiPropertyOptional()
  oldHeader?: string;

  @ApiPropertyOptional()
  newHeader?: string;

  @ApiProperty({ type: [FilePatchHunkDto] })
  hunks: FilePatchHunkDto[];

  @ApiPropertyOptional()
  index?: string;
}

@ApiSchema({ name: 'FileContent' })
export class FileContentDto {
  @ApiProperty({
    enum: ['text', 'binary'],
    description:
      'Images are `text` with base64 content and a mimeType, as the reference sends them',
  })
  type: 'text' | 'binary';

  @ApiProperty({ description: 'The text exactly as stored, or base64 when `encoding` says so' })
  content: string;

  @ApiPropertyOptional({ description: 'Unified diff against HEAD, for a changed tracked file' })
  diff?: string;

  @ApiPropertyOptional({ type: FilePatchDto })
  patch?: FilePatchDto;

  @ApiPropertyOptional({ enum: ['base64'] })
  encoding?: 'base64';

  @ApiPropertyOptional()
  mimeType?: string;
}
