import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  getSchemaPath,
} from '@nestjs/swagger';

/** A directory on this machine (config `references.<name>` = `./docs`, `~/x`, `/abs` or `{ path }`). */
@ApiSchema({ name: 'ReferenceLocalSource' })
export class ReferenceLocalSourceDto {
  @ApiProperty({ enum: ['local'] })
  type: 'local';

  @ApiProperty({ description: 'Absolute' })
  path: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiPropertyOptional()
  hidden?: boolean;
}

/** A git repository (config `references.<name>` = `owner/repo`, a URL, or `{ repository }`). */
@ApiSchema({ name: 'ReferenceGitSource' })
export class ReferenceGitSourceDto {
  @ApiProperty({ enum: ['git'] })
  type: 'git';

  @ApiProperty({ description: 'As configured' })
  repository: string;

  @ApiPropertyOptional()
  branch?: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiPropertyOptional()
  hidden?: boolean;
}

export type ReferenceSource = ReferenceLocalSourceDto | ReferenceGitSourceDto;

/** Material the agent may consult, from config `references`. */
@ApiSchema({ name: 'ReferenceInfo' })
@ApiExtraModels(ReferenceLocalSourceDto, ReferenceGitSourceDto)
export class ReferenceInfoDto {
  @ApiProperty({ description: 'The key in config `references`' })
  name: string;

  @ApiProperty({ description: "Where its files are: the directory, or the repository's clone" })
  path: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiPropertyOptional()
  hidden?: boolean;

  @ApiProperty({
    anyOf: [
      { $ref: getSchemaPath(ReferenceLocalSourceDto) },
      { $ref: getSchemaPath(ReferenceGitSourceDto) },
    ],
  })
  source: ReferenceSource;
}
